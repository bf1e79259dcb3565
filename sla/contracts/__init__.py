"""Contracts: what a customer signed, loaded from YAML / JSON / TOML, validated, rendered,
compared, and compiled into the policies a CRM and the SLA clocks query.

>>> from sla.contracts import load
>>> contract = load("examples/contracts/tier_a.yaml")   # doctest: +SKIP
>>> contract.policy_for(channel="voice", priority="urgent")  # doctest: +SKIP
"""

from __future__ import annotations

from sla._public import publish
from sla.contracts._compiled import (
    CompiledContract,
    EscalationStep,
    Policy,
    Route,
    TargetPolicy,
    Unmatched,
)
from sla.contracts._diff import Change, Diff, diff
from sla.contracts._io import Format, dump, json_schema, load, to_data, validate
from sla.contracts._render import render
from sla.contracts._routing import Router, RoutingAnalysis, RoutingRule
from sla.contracts._spec import (
    CallersSpec,
    Contract,
    CreditSpec,
    CustomerSpec,
    RoutingRuleSpec,
    RoutingSpec,
)
from sla.contracts._validate import GAP_HORIZON_DAYS, ValidationReport

__all__ = [
    "GAP_HORIZON_DAYS",
    "CallersSpec",
    "Change",
    "CompiledContract",
    "Contract",
    "CreditSpec",
    "CustomerSpec",
    "Diff",
    "EscalationStep",
    "Format",
    "Policy",
    "Route",
    "Router",
    "RoutingAnalysis",
    "RoutingRule",
    "RoutingRuleSpec",
    "RoutingSpec",
    "TargetPolicy",
    "Unmatched",
    "ValidationReport",
    "diff",
    "dump",
    "json_schema",
    "load",
    "render",
    "to_data",
    "validate",
]

publish(globals())
