from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from sla import ContractError
from sla.contracts import diff, load, render

from .strategies import texts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"


def _with_customer(name: str) -> Any:
    data = load(EXAMPLES / "tier_c.yaml").model_dump(mode="json", exclude_unset=True)
    data["customer"]["name"] = name
    data["tiers"]["C"]["description"] = name
    return load(data)


def test_html_escapes_user_text() -> None:
    page = render(_with_customer('<script>alert("x")</script> & co'), "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page


def test_markdown_escapes_user_text() -> None:
    text = render(_with_customer("*ACME* | <b>[x](y)</b>"))
    assert "\\*ACME\\* \\| \\<b\\>\\[x\\](y)\\</b\\>" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == line.replace("\\|", "").count(" | ") for line in table_rows)


@settings(max_examples=30)
@given(texts)
def test_any_customer_name_renders_without_raw_markup(name: str) -> None:
    page = render(_with_customer(name), "html")
    body = page.split("<body>", 1)[1]
    assert "<script" not in body.lower() or "&lt;script" in body.lower()
    assert body.count("<h1>") == 1


def test_render_rejects_unknown_formats() -> None:
    with pytest.raises(ContractError):
        render(load(EXAMPLES / "tier_c.yaml"), "pdf")  # type: ignore[arg-type]


def test_render_lists_targets_escalation_on_call_and_credits() -> None:
    text = render(load(EXAMPLES / "custom_tier.yaml"))
    assert "| total resolution | voice | 4 h calendar time [warn 50%, 75%] |" in text.replace(
        "\\[", "["
    ).replace("\\]", "]")
    assert "page on call (priority urgent): immediately, tell whoever is on call" in text
    assert "Override: sam.carter covers 2025-12-24 22:00 UTC to 2025-12-26 13:00 UTC" in text
    assert "## Service credits" in text
    assert "| P | speed of answer (per week) | 95% | 10% |" in text


def test_render_names_a_whole_day_override_by_its_date() -> None:
    data = load(EXAMPLES / "custom_tier.yaml").model_dump(mode="json", exclude_unset=True)
    rotation = next(iter(data["rotations"].values()))
    rotation["overrides"] = [{"date": "2025-12-31", "who": "petra", "reason": "new year"}]
    text = render(load(data))
    zone = rotation["tz"]
    assert f"Override: petra covers 2025-12-31 (the whole day, {zone}) (new year)" in text


def test_diff_reports_what_changed_for_a_redline() -> None:
    old = load(EXAMPLES / "tier_a.yaml")
    data = old.model_dump(mode="json", exclude_unset=True)
    data["version"] = 2
    data["tiers"]["A"]["targets"][0]["within"] = "5m"
    data["tiers"]["A"]["targets"].append(
        {"metric": "first_response", "channels": ["email"], "priorities": ["low"], "within": "2h"}
    )
    data["roles"]["team_lead"] = ["jonas.weber", "lea.wolf"]
    del data["credits"][1]
    new = load(data)
    changes = diff(old, new)
    assert [str(c) for c in changes.changes] == [
        "version: 1 -> 2",
        "tiers.A.targets[metric=callback_time channels=callback priorities=urgent].within: "
        '"10m" -> "5m"',
        "tiers.A.targets[metric=first_response channels=email priorities=low]: added "
        + '{"metric": "first_response", "within": "2h", "channels": ["email"], '
        '"priorities": ["low"], "clock": "business", "calendar": null, "warn_at": [], '
        '"warn_before": [], "pause_on": null, "bot_replies_count": false, "remove": false}',
        'roles.team_lead: ["jonas.weber"] -> ["jonas.weber", "lea.wolf"]',
        "credits[tier=A metric=callback_time]: removed "
        '{"tier": "A", "metric": "callback_time", "below": "90%", "credit": "5%", '
        '"period": "month", "note": ""}',
    ]
    redline = changes.to_markdown()
    assert redline.startswith("## Changes from version 1 to 2")
    assert '~~"10m"~~ **"5m"**' in redline
    assert not diff(old, load(EXAMPLES / "tier_a.yaml"))
