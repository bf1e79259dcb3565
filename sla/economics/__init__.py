"""Call-center economics: staffing (Erlang B, C and A) and money per contact.

Queueing: :class:`Queue` (Erlang C, or Erlang A ``with_patience``),
:func:`erlang_b`, :func:`erlang_c`, :func:`traffic`, :func:`scheduled_agents`,
:func:`agents_for_many` (vectorized), written channels
(:class:`ChatQueue`, :class:`WrittenQueue`) and :class:`PersonalManager`.

The manager's book: :func:`compare_book` sets a personal manager answering
by voice (A) against the same manager behind a front desk (B), in closed form.

Simulation: :meth:`Queue.simulate` (any :class:`Distribution` of handle times
and patience, figures as :class:`Estimate` with confidence intervals),
``agents_for(..., check="simulate")``, and the front-desk flow of a tier:
:func:`simulate_tier` and :func:`tier_staffing` with :class:`Callbacks`.

Money: :class:`TierEconomics` with :class:`Costs`, a price model
(:class:`PerContact`, :class:`PerMinute`, :class:`PerAgentHour`,
:class:`PerTierMonth`, :class:`PerResolvedContact`) and an optional
:class:`Deflection`; :func:`what_if` and :func:`sensitivity` tables.
Every figure explains itself (``.explain()``).

A period: :class:`Workload` (contacts per interval) staffed by a
:class:`VoiceTarget`, :class:`ChatTarget` or :class:`WrittenTarget`; paid
hours as :func:`paid_hours_lower_bound` or :func:`schedule_shifts` under
:class:`ShiftRules`; :class:`MonthEconomics` with :class:`PeriodCosts` and
:class:`Billable` requests. Both sides of a call: :class:`ClientValue`,
:func:`both_sides`, :func:`training`. Before launch: :func:`launch_table`,
:func:`losing_aht`.
"""

from sla._public import publish
from sla.economics._book import BookComparison, BookOption, ManagerBook, compare_book
from sla.economics._channels import ChatQueue, PersonalManager, WrittenQueue
from sla.economics._distributions import Distribution
from sla.economics._erlang import erlang_b, erlang_c
from sla.economics._explain import Count, Explanation, Figure
from sla.economics._launch import launch_table, losing_aht
from sla.economics._period import MonthEconomics, PeriodCosts
from sla.economics._prices import (
    PerAgentHour,
    PerContact,
    PerMinute,
    PerResolvedContact,
    PerTierMonth,
    Price,
)
from sla.economics._queue import Queue, agents_for_many, scheduled_agents, traffic
from sla.economics._requests import Billable
from sla.economics._scenarios import sensitivity, what_if
from sla.economics._shifts import (
    PaidHours,
    RosterShift,
    ShiftRules,
    paid_heads,
    paid_hours_lower_bound,
    schedule_shifts,
)
from sla.economics._sides import ClientValue, both_sides, training
from sla.economics._simulate import Estimate, Simulation
from sla.economics._table import RowTable
from sla.economics._targets import ChatTarget, VoiceTarget, WrittenTarget
from sla.economics._tier import Callbacks, TierSimulation, simulate_tier
from sla.economics._tier_staffing import TierStaffing, tier_staffing
from sla.economics._unit import Costs, Deflection, Outcome, TierEconomics
from sla.economics._workload import Workload

__all__ = [
    "Billable",
    "BookComparison",
    "BookOption",
    "Callbacks",
    "ChatQueue",
    "ChatTarget",
    "ClientValue",
    "Costs",
    "Count",
    "Deflection",
    "Distribution",
    "Estimate",
    "Explanation",
    "Figure",
    "ManagerBook",
    "MonthEconomics",
    "Outcome",
    "PaidHours",
    "PerAgentHour",
    "PerContact",
    "PerMinute",
    "PerResolvedContact",
    "PerTierMonth",
    "PeriodCosts",
    "PersonalManager",
    "Price",
    "Queue",
    "RosterShift",
    "RowTable",
    "ShiftRules",
    "Simulation",
    "TierEconomics",
    "TierSimulation",
    "TierStaffing",
    "VoiceTarget",
    "Workload",
    "WrittenQueue",
    "WrittenTarget",
    "agents_for_many",
    "both_sides",
    "compare_book",
    "erlang_b",
    "erlang_c",
    "launch_table",
    "losing_aht",
    "paid_heads",
    "paid_hours_lower_bound",
    "schedule_shifts",
    "scheduled_agents",
    "sensitivity",
    "simulate_tier",
    "tier_staffing",
    "traffic",
    "training",
    "what_if",
]

publish(globals())
