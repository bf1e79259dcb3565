from __future__ import annotations

from fractions import Fraction

import pytest

from sla import TierError
from sla.tiers import EscalationLevelSpec, EscalationPolicy, EscalationRule, Recipient, catalog


def test_recipients_parse_and_print() -> None:
    assert Recipient.parse("role:team_lead") == Recipient("role", "team_lead")
    assert Recipient.parse("person: alice") == Recipient("person", "alice")
    assert str(Recipient.parse("on-call")) == "on_call"
    with pytest.raises(TierError, match="not a recipient"):
        Recipient.parse("boss")


def test_levels_fire_at_offsets_fractions_or_at_once() -> None:
    boss = (Recipient("role", "boss"),)
    assert EscalationRule("before", boss, offset=-3600).fires_after(8 * 3600) == 7 * 3600
    assert EscalationRule("after", boss, offset=1800).fires_after(3600) == 5400
    assert EscalationRule("early", boss, offset=-7200).fires_after(3600) == 0
    # 75 % of 7 s is 5.25 s: the first whole second at or after it is 6.
    assert EscalationRule("frac", boss, fraction=Fraction(3, 4)).fires_after(7) == 6
    assert EscalationRule("now", boss, immediate=True).fires_after(3600) == 0
    with pytest.raises(TierError, match="exactly one"):
        EscalationRule("two", boss, offset=0, immediate=True)


def test_boundary_level_needs_one_trigger() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        EscalationLevelSpec.model_validate({"notify": ["on_call"]})
    level = EscalationLevelSpec.model_validate({"offset": "-1h", "notify": ["oncall"]})
    assert level.notify == ["on_call"]
    assert level.build().offset == -3600


def test_urgent_reaches_leadership_at_once_in_the_catalogue() -> None:
    policy: EscalationPolicy = catalog()["A"].escalation
    urgent = [lvl for lvl in policy.levels_for("first_response", "urgent") if lvl.immediate]
    normal = [lvl for lvl in policy.levels_for("first_response", "normal") if lvl.immediate]
    assert [str(r) for lvl in urgent for r in lvl.notify] == ["role:head_of_support"]
    assert normal == []
