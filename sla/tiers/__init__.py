"""Service classes (tiers): channels, targets, escalation, on-call, and the A/B/C catalogue.

>>> from sla.tiers import catalog
>>> catalog()["A"].access.label
'personal manager'
"""

from sla._public import publish
from sla.tiers._catalog import (
    DEFAULT_CALENDARS,
    DEFAULT_ROLES,
    Catalog,
    Comparison,
    ComparisonRow,
    catalog,
    compare,
)
from sla.tiers._direct import DirectLine, LocalPart, normalise_caller
from sla.tiers._escalation import EscalationPolicy, EscalationRule, Recipient
from sla.tiers._oncall import OnCallRotation, RotationLayer, RotationOverride, Shift, Window
from sla.tiers._spec import (
    EscalationLevelSpec,
    RotationLayerSpec,
    RotationOverrideSpec,
    RotationSpec,
    ServiceLevelSpec,
    TargetSpec,
    TierSpec,
)
from sla.tiers._targets import ServiceLevel, Target
from sla.tiers._tier import Tier
from sla.tiers._values import (
    DEFAULT_PRIORITIES,
    AccessMode,
    Channel,
    Clock,
    Metric,
    Period,
    format_duration,
    format_fraction,
    human_duration,
    parse_duration,
    parse_fraction,
)

__all__ = [
    "DEFAULT_CALENDARS",
    "DEFAULT_PRIORITIES",
    "DEFAULT_ROLES",
    "AccessMode",
    "Catalog",
    "Channel",
    "Clock",
    "Comparison",
    "ComparisonRow",
    "DirectLine",
    "EscalationLevelSpec",
    "EscalationPolicy",
    "EscalationRule",
    "LocalPart",
    "Metric",
    "OnCallRotation",
    "Period",
    "Recipient",
    "RotationLayer",
    "RotationLayerSpec",
    "RotationOverride",
    "RotationOverrideSpec",
    "RotationSpec",
    "ServiceLevel",
    "ServiceLevelSpec",
    "Shift",
    "Target",
    "TargetSpec",
    "Tier",
    "TierSpec",
    "Window",
    "catalog",
    "compare",
    "format_duration",
    "format_fraction",
    "human_duration",
    "normalise_caller",
    "parse_duration",
    "parse_fraction",
]

publish(globals())
