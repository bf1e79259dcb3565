from __future__ import annotations

from fractions import Fraction

import attrs
import pytest

from sla import TierError
from sla.tiers import AccessMode, Channel, Metric, TierSpec, catalog, compare


def test_catalogue_has_a_b_c_as_the_brief_describes() -> None:
    tiers = catalog()
    assert list(tiers) == ["A", "B", "C"]
    a, b, c = tiers["A"], tiers["B"], tiers["C"]
    assert a.access is b.access is AccessMode.PERSONAL_MANAGER
    assert c.access is AccessMode.SHARED_POOL
    assert Channel.VOICE in a.channels
    assert Channel.CALLBACK in a.channels
    assert Channel.VOICE not in b.channels
    assert {Channel.MESSENGER, Channel.EMAIL} <= b.channels
    assert Channel.WEB_CHAT in c.channels


def test_default_numbers() -> None:
    a, b, c = catalog().values()
    (answer,) = [t for t in a.targets_for("voice", "normal") if t.metric is Metric.SPEED_OF_ANSWER]
    assert answer.within == 20
    callback = {p: a.targets_for("callback", p) for p in ("urgent", "low")}
    assert [t.within for t in callback["urgent"] if t.metric is Metric.CALLBACK_TIME] == [900]
    assert [t.within for t in callback["low"] if t.metric is Metric.CALLBACK_TIME] == [14_400]
    first = [t for t in b.targets_for("messenger", "high") if t.metric is Metric.FIRST_RESPONSE]
    assert [t.within for t in first] == [3_600]
    (chat_level,) = [s for s in c.service_levels if s.kind == "within"]
    assert (chat_level.share, chat_level.threshold) == (Fraction(4, 5), 60)


def test_a_specific_row_after_a_general_one_wins() -> None:
    a = catalog()["A"]
    urgent = {t.metric: t.within for t in a.targets_for("email", "urgent")}
    normal = {t.metric: t.within for t in a.targets_for("email", "normal")}
    assert urgent[Metric.TOTAL_RESOLUTION] == 4 * 3600
    assert normal[Metric.TOTAL_RESOLUTION] == 8 * 3600


def test_catalogue_copies_are_independent() -> None:
    first = catalog()
    first.calendars["business"]["tz"] = "Asia/Tokyo"
    assert catalog().calendars["business"]["tz"] == "UTC"
    with pytest.raises(TierError, match="no tier 'D'"):
        catalog()["D"]


def test_compare_rows_per_target() -> None:
    a, b, c = catalog().values()
    table = compare(a, b, c)
    assert table.columns == ("A", "B", "C")
    assert table.row("speed of answer · voice").values == ("20 s", "—", "—")
    assert table.row("first response · web chat").values == ("—", "—", "2 min")
    assert table.row("callback time · callback").values[0].startswith("urgent 15 min")
    assert table.row("first response (within) · web chat").values[2] == "80% within 1 min / month"
    labels = [r.label for r in table.rows]
    assert len(labels) == len(set(labels))
    markdown = table.to_markdown()
    assert markdown.count("\n") == len(table.rows) + 1
    assert table.to_records()[0]["A"] == a.name


def test_compare_needs_a_tier() -> None:
    with pytest.raises(TierError):
        compare()


def test_extending_a_catalogue_tier_merges_targets() -> None:
    base = catalog().specs["A"]
    spec = TierSpec.model_validate(
        {
            "extends": "A",
            "name": "A prime",
            "targets": [
                {"metric": "speed_of_answer", "channels": ["voice"], "within": "10s"},
                {"metric": "total_resolution", "within": "8h", "remove": True},
            ],
        }
    )
    tier = spec.merged_over(base).build("A+")
    assert tier.name == "A prime"
    assert tier.channels == catalog()["A"].channels
    answers = [t.within for t in tier.targets if t.metric is Metric.SPEED_OF_ANSWER]
    assert answers == [10]
    resolution = [t for t in tier.targets if t.metric is Metric.TOTAL_RESOLUTION]
    assert [t.priorities for t in resolution] == [frozenset({"urgent"})]


def test_compare_shows_how_a_caller_reaches_each_tier() -> None:
    # Issue 17: what makes A different from B must be visible to a buyer.
    a, b, c = catalog().values()
    with_line = attrs.evolve(a, direct_line=("+49 30 1234567", "ceo@acme.example"), on_call="wk")
    table = compare(with_line, b, c)
    assert table.row("direct line").values == ("2 allow-listed callers ring through", "—", "—")
    desk = table.row("front desk · callback").values
    assert (
        desk[0]
        == "other calls: front desk, callback urgent 15 min · high 30 min · normal 1 h · low 4 h"
    )
    assert desk[1:] == ("callback 2 h", "—")
    levels = table.row("escalation levels").values
    assert levels[0].startswith("4: at 75% of the target → role:account_manager")
    assert levels[2].startswith("3: ")
    assert table.row("on-call coverage").values == ("rotation 'wk'", "none", "none")
    assert compare(a).row("direct line").values == ("no allow-list: every call rings through",)
