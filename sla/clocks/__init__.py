"""SLA clocks: contact events -> due times, breaches, escalations and compliance.

Feed a contact's events to a :class:`Tracker` one by one, or replay them with
:func:`evaluate`; both report every metric cycle (start, due, stop, status,
warnings and escalations with who is told, and the events that moved the
clock). Many contacts at once: :func:`evaluate_table` on a pandas, polars or
Arrow table shaped like :data:`EVENT_TABLE_SCHEMA` (columnar, no loop per
contact; :func:`evaluate_arrow` maps it over Arrow partitions); monthly figures:
:func:`compliance` and :func:`attainment`, built from mergeable partials
(:func:`compliance_partials`, :func:`combine_partials`) so that a report
combined from partitions equals the single-process one.
"""

from sla._public import publish
from sla.clocks._batch import CYCLE_TABLE_COLUMNS, evaluate_arrow, evaluate_table
from sla.clocks._calendars import ALWAYS, CalendarTime
from sla.clocks._compliance import Attainment, ServiceLevelTarget, attainment, compliance
from sla.clocks._contracts import clock_policies, service_level_targets
from sla.clocks._engine import Tracker, evaluate
from sla.clocks._events import (
    EVENT_KINDS,
    EVENT_TABLE_SCHEMA,
    STATUSES,
    Contact,
    Event,
    to_seconds,
)
from sla.clocks._partials import (
    COMPLIANCE_GROUPS,
    PARTIAL_COLUMNS,
    combine_partials,
    compliance_partials,
    percentile_of_counts,
)
from sla.clocks._policy import (
    DEFAULT_PAUSES,
    ClockCalendar,
    ClockPolicy,
    EscalationLevel,
    MetricTarget,
)
from sla.clocks._results import (
    CycleResult,
    Escalation,
    Evaluation,
    Move,
    Notification,
    Status,
)
from sla.clocks._route import open_call

__all__ = [
    "ALWAYS",
    "COMPLIANCE_GROUPS",
    "CYCLE_TABLE_COLUMNS",
    "DEFAULT_PAUSES",
    "EVENT_KINDS",
    "EVENT_TABLE_SCHEMA",
    "PARTIAL_COLUMNS",
    "STATUSES",
    "Attainment",
    "CalendarTime",
    "ClockCalendar",
    "ClockPolicy",
    "Contact",
    "CycleResult",
    "Escalation",
    "EscalationLevel",
    "Evaluation",
    "Event",
    "MetricTarget",
    "Move",
    "Notification",
    "ServiceLevelTarget",
    "Status",
    "Tracker",
    "attainment",
    "clock_policies",
    "combine_partials",
    "compliance",
    "compliance_partials",
    "evaluate",
    "evaluate_arrow",
    "evaluate_table",
    "open_call",
    "percentile_of_counts",
    "service_level_targets",
    "to_seconds",
]

publish(globals())
