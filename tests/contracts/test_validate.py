"""Validation checks the examples do not show."""

from __future__ import annotations

from typing import Any

from sla import Problem
from sla.contracts import validate


def base(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contract": "V",
        "customer": {"name": "V"},
        "effective_from": "2025-01-01",
        "calendars": {"business": {"tz": "UTC", "hours": {"mon-fri": "09:00-17:00"}}},
        "tiers": {"C": {"extends": "C"}},
        "roles": {"team_lead": ["t"], "head_of_support": ["h"]},
        "routing": {"fallback": "C"},
    }
    data.update(changes)
    return data


def test_a_clean_contract_has_no_problems() -> None:
    assert validate(base()).problems == ()


def test_partial_overlap_warns_but_specific_before_general_does_not() -> None:
    rules = [
        {"name": "vip", "tier": "C", "attributes": {"plan": "vip"}},
        {"name": "chat", "tier": "C", "channels": ["web_chat"]},
        {"name": "all", "tier": "C"},
    ]
    report = validate(base(routing={"rules": rules}))
    assert report.problems == (
        Problem(
            "routing.rules[1]",
            "overlaps 'vip' (e.g. web_chat/urgent/plan=vip); the earlier rule wins",
            "warning",
        ),
    )


def test_unmatched_contacts_are_named_by_attribute_class() -> None:
    report = validate(base(routing={"rules": [{"tier": "C", "attributes": {"plan": "vip"}}]}))
    (problem,) = report.warnings
    assert problem.field == "routing.fallback"
    assert "16 kinds of contact match no rule" in problem.reason
    # C offers 4 channels x 4 priorities; only plan=vip is routed.
    assert "e.g. email/urgent/plan=(other); email/high/plan=(other)" in problem.reason


def test_missing_calendar_falls_back_to_the_catalogue_with_a_warning() -> None:
    report = validate(base(calendars={}))
    assert report.ok
    assert report.warnings[0] == Problem(
        "tiers.C.coverage",
        "uses the catalogue's default calendar 'business'; define it in calendars",
        "warning",
    )


def test_unknown_base_calendar_and_customer_zone() -> None:
    report = validate(
        base(
            tiers={"C": {"extends": "Z"}, "D": {"extends": "B", "coverage": "nights"}},
            timezone="customer",
            routing={"rules": [{"tier": "D"}]},
        )
    )
    fields = [p.field for p in report.errors]
    assert "tiers.C.extends" in fields
    assert "tiers.D.coverage" in fields
    assert "customer.tz" in fields


def test_bad_calendar_problems_carry_the_calendar_path() -> None:
    report = validate(
        base(calendars={"business": {"tz": "UTC", "hours": {"funday": "25:00-26:00"}}})
    )
    assert report.errors
    assert all(p.field.startswith("calendars.business") for p in report.errors)


def test_24_7_on_an_always_open_calendar_is_fine() -> None:
    tier = {
        "channels": ["voice"],
        "access": "named_team",
        "coverage": "always",
        "availability": "24/7",
        "targets": [{"metric": "speed_of_answer", "channels": ["voice"], "within": "20s"}],
    }
    report = validate(
        base(
            calendars={"always": {"tz": "UTC", "hours": {"daily": "00:00-24:00"}}},
            tiers={"N": tier},
            routing={"fallback": "N"},
        )
    )
    assert report.problems == ()
