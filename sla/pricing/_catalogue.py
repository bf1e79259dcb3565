"""Default price plans for the catalogue service classes A, B and C (USD, per month).

The figures are our defaults, meant to be overridden per contract:

====  ==========================  ===========================================
code  recurring fee               usage
====  ==========================  ===========================================
A     2,400.00 per month          400 voice contacts included, 6.00 each above;
      (personal manager, voice)   premium hours (nights, weekends) 55.00/h
B     1,200.00 per month          600 written contacts included, 2.50 each above;
      (personal manager, written) premium hours 40.00/h
C     per seat, volume tiers:     1,000 chats included, then graduated 0.90 up
      90.00 (1-10 seats), 80.00   to 5,000 more and 0.70 above; premium hours
      (11-50), 70.00 (51+)        30.00/h
====  ==========================  ===========================================

Service credits (share of the period's recurring fees, lower bound inclusive),
banded below each tier's catalogue service level (``sla.tiers.catalog()``):
A on ``speed_of_answer`` (promise: 80 % within 20 s) below 80 % → 10 %, below
75 % → 25 %, below 70 % → 50 %, cap 50 %; B on ``first_response`` (promise: 90 %
within 2 h) below 90 % → 5 %, below 85 % → 15 %, below 80 % → 30 %, cap 30 %;
C on ``first_response`` of chats (promise: 80 % within 60 s) below 80 % → 5 %,
below 75 % → 10 %, cap 20 %.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sla._errors import PricingError
from sla.pricing._plans import Plan
from sla.pricing._schema import load_plan

__all__ = ["CATALOGUE", "catalogue_plan"]

CATALOGUE: Mapping[str, Mapping[str, Any]] = {
    "A": {
        "name": "Service class A",
        "service_class": "A",
        "charges": [
            {"name": "monthly fee", "model": "flat", "amount": "2400.00", "recurring": True},
            {
                "name": "voice contacts",
                "model": "per_unit",
                "metric": "contacts.voice",
                "price": "6.00",
                "included": 400,
            },
            {
                "name": "premium hours",
                "model": "per_unit",
                "metric": "premium_hours",
                "price": "55.00",
            },
        ],
        "credits": {
            "rules": [
                {
                    "metric": "speed_of_answer",
                    "below": [["80%", "10%"], ["75%", "25%"], ["70%", "50%"]],
                }
            ],
            "cap": "50%",
            "basis": "fees",
        },
    },
    "B": {
        "name": "Service class B",
        "service_class": "B",
        "charges": [
            {"name": "monthly fee", "model": "flat", "amount": "1200.00", "recurring": True},
            {
                "name": "written contacts",
                "model": "per_unit",
                "metric": "contacts.written",
                "price": "2.50",
                "included": 600,
            },
            {
                "name": "premium hours",
                "model": "per_unit",
                "metric": "premium_hours",
                "price": "40.00",
            },
        ],
        "credits": {
            "rules": [
                {
                    "metric": "first_response",
                    "below": [["90%", "5%"], ["85%", "15%"], ["80%", "30%"]],
                }
            ],
            "cap": "30%",
            "basis": "fees",
        },
    },
    "C": {
        "name": "Service class C",
        "service_class": "C",
        "charges": [
            {
                "name": "seats",
                "model": "volume",
                "metric": "seats",
                "recurring": True,
                "tiers": [
                    {"up_to": 10, "unit_price": "90.00"},
                    {"up_to": 50, "unit_price": "80.00"},
                    {"up_to": "inf", "unit_price": "70.00"},
                ],
            },
            {
                "name": "chats",
                "model": "graduated",
                "metric": "contacts.chat",
                "included": 1000,
                "tiers": [
                    {"up_to": 5000, "unit_price": "0.90"},
                    {"up_to": "inf", "unit_price": "0.70"},
                ],
            },
            {
                "name": "premium hours",
                "model": "per_unit",
                "metric": "premium_hours",
                "price": "30.00",
            },
        ],
        "credits": {
            "rules": [{"metric": "first_response", "below": [["80%", "5%"], ["75%", "10%"]]}],
            "cap": "20%",
            "basis": "fees",
        },
    },
}


def _merge_charges(base: list[dict[str, Any]], changes: Any) -> list[dict[str, Any]]:
    if isinstance(changes, list):
        return changes  # a full list replaces the defaults
    if not isinstance(changes, Mapping):
        raise PricingError(
            "charge overrides are a mapping of name -> changes (or a list)", field="charges"
        )
    out = []
    names = set()
    for name, change in changes.items():
        if change is not None and not isinstance(change, Mapping):
            raise PricingError(
                f"changes to a charge are a mapping of keys (or null to remove it), "
                f"got {type(change).__name__}",
                field=f"charges.{name}",
            )
    for charge in base:
        names.add(charge["name"])
        change = changes.get(charge["name"], {})
        if change is None:
            continue  # removed
        out.append({**charge, **change})
    out += [{"name": n, **c} for n, c in changes.items() if n not in names and c is not None]
    return out


def catalogue_plan(code: str, overrides: Mapping[str, Any] | None = None) -> Plan:
    """The default plan of catalogue tier ``code`` with contract ``overrides`` applied.

    Top-level keys replace the defaults; ``charges`` maps a charge name to the
    keys to change (``None`` removes the charge; a new name adds one).

    >>> plan = catalogue_plan("A", {"charges": {"voice contacts": {"price": "5.50"}}})
    >>> str(plan.charge("voice contacts").model.price)
    '5.50 USD'
    """
    if code not in CATALOGUE:
        raise PricingError(f"unknown catalogue tier {code!r} (A, B or C)", field="code")
    data = copy.deepcopy(dict(CATALOGUE[code]))
    for key, value in (overrides or {}).items():
        if key == "charges":
            data["charges"] = _merge_charges(data["charges"], value)
        else:
            data[key] = value
    return load_plan(data)
