"""Call-center economics: staffing (Erlang B, C and A) and money per contact.

Queueing: :class:`Queue` (Erlang C, or Erlang A ``with_patience``),
:func:`erlang_b`, :func:`erlang_c`, :func:`traffic`, :func:`scheduled_agents`,
:func:`agents_for_many` (vectorized), written channels
(:class:`ChatQueue`, :class:`WrittenQueue`) and :class:`PersonalManager`.

Money: :class:`TierEconomics` with :class:`Costs`, a price model
(:class:`PerContact`, :class:`PerMinute`, :class:`PerAgentHour`,
:class:`PerTierMonth`, :class:`PerResolvedContact`) and an optional
:class:`Deflection`; :func:`what_if` and :func:`sensitivity` tables.
Every figure explains itself (``.explain()``).
"""

from sla._public import publish
from sla.economics._channels import ChatQueue, PersonalManager, WrittenQueue
from sla.economics._erlang import erlang_b, erlang_c
from sla.economics._explain import Count, Explanation, Figure
from sla.economics._prices import (
    PerAgentHour,
    PerContact,
    PerMinute,
    PerResolvedContact,
    PerTierMonth,
    Price,
)
from sla.economics._queue import Queue, agents_for_many, scheduled_agents, traffic
from sla.economics._scenarios import sensitivity, what_if
from sla.economics._table import RowTable
from sla.economics._unit import Costs, Deflection, Outcome, TierEconomics

__all__ = [
    "ChatQueue",
    "Costs",
    "Count",
    "Deflection",
    "Explanation",
    "Figure",
    "Outcome",
    "PerAgentHour",
    "PerContact",
    "PerMinute",
    "PerResolvedContact",
    "PerTierMonth",
    "PersonalManager",
    "Price",
    "Queue",
    "RowTable",
    "TierEconomics",
    "WrittenQueue",
    "agents_for_many",
    "erlang_b",
    "erlang_c",
    "scheduled_agents",
    "sensitivity",
    "traffic",
    "what_if",
]

publish(globals())
