"""The example contracts in examples/contracts: each loads, validates, renders and compiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from sla import ContractError, Problem
from sla.contracts import dump, load, render, validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"
GOOD = ["tier_a", "tier_b", "tier_c", "custom_tier"]


@pytest.mark.parametrize("name", GOOD)
def test_good_examples_load_validate_render_compile(name: str) -> None:
    contract = load(EXAMPLES / f"{name}.yaml")
    report = validate(contract)
    assert report.ok, str(report)
    assert report.problems == ()
    markdown = render(contract)
    assert markdown.startswith("# Service level agreement: ")
    assert "## Hours and holidays" in markdown
    page = render(contract, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    compiled = contract.compile()
    assert compiled.policies
    for fmt in ("yaml", "json", "toml"):
        assert load(dump(contract, fmt), format=fmt) == contract


def test_example_a_renders_holidays_and_the_direct_line() -> None:
    markdown = render(load(EXAMPLES / "tier_a.yaml"))
    assert "| 2025-12-25 | Christmas Day |" in markdown
    assert "Direct line to the personal manager for 2 allow-listed contact(s)" in markdown
    assert "weekend duty: jonas.weber, petra.klein, anna.schmidt take turns every week" in markdown


BROKEN_PROBLEMS = [
    Problem("effective_until", "the contract ends before it starts"),
    Problem("tiers.X.targets[0].channels", "tier X does not offer voice"),
    Problem(
        "tiers.X.targets[1].warn_at[0]",
        "a warning must fall after the start and before the deadline (between 0% and 100%)",
    ),
    Problem(
        "tiers.X.targets[1].warn_before[0]",
        "a warning 2 h before a 1 h deadline is not between the start and the deadline",
    ),
    Problem("tiers.X.targets[4].priorities", "unknown priority 'critical'"),
    Problem(
        "tiers.X.targets[2].within",
        "next response (8 h) is longer than total resolution (4 h) for email / urgent",
    ),
    Problem("tiers.X.escalation[0].notify[0]", "nobody fills role 'ceo'"),
    Problem(
        "tiers.X.direct_line", "a direct line only makes sense with a personal manager", "warning"
    ),
    Problem("tiers.X.direct_line", "tier X does not offer voice", "warning"),
    Problem(
        "tiers.X.availability",
        "promises 24/7 but coverage calendar 'business' is Mon-Fri 09:00-17:00 (Europe/Berlin)",
    ),
    Problem(
        "rotations.nights",
        "28 on-call gap(s) outside 'business' hours in the first 28 days, first "
        "2025-06-01T00:00:00+02:00 to 2025-06-01T22:00:00+02:00",
        "warning",
    ),
    Problem("tiers.Y.escalation[0].notify[0]", "tier Y has no on-call rotation"),
    Problem("calendars.never", "the calendar is never open"),
    Problem("routing.rules[2].tier", "no tier named 'Z'"),
    Problem("routing.rules[1]", "never matches: every contact it covers goes to mail"),
    Problem(
        "routing.fallback",
        "no fallback and 3 kinds of contact match no rule, e.g. voice/urgent; voice/normal; "
        "voice/low",
        "warning",
    ),
    Problem("tiers.Y", "no routing rule or fallback sends contacts to this tier", "warning"),
    Problem("credits[0].metric", "tier X has no callback time target"),
    Problem("credits[0].below", "attainment threshold must be above 0% and at most 100%"),
]


def test_broken_example_yields_the_full_list_of_problems() -> None:
    report = validate(EXAMPLES / "broken.yaml")
    assert list(report.problems) == BROKEN_PROBLEMS
    assert not report.ok
    assert len(report.errors) == 14
    assert len(report.warnings) == 5


def test_compiling_the_broken_example_raises_every_error_at_once() -> None:
    with pytest.raises(ContractError) as info:
        load(EXAMPLES / "broken.yaml").compile()
    assert "14 problems in contract 'BROKEN-1'" in str(info.value)
    assert {p.field for p in info.value.problems} == {p.field for p in BROKEN_PROBLEMS}
