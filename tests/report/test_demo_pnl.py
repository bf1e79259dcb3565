"""`sla demo`'s profit and loss per tier, recomputed by hand from the example files."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import yaml

from sla import Money
from sla.report._costs import default_costs_path
from sla.report._month import MonthResult, run_month

EXAMPLES = Path(__file__).parents[2] / "examples" / "demo" / "costs.yaml"


@pytest.fixture(scope="module")
def month() -> MonthResult:
    return run_month(costs=EXAMPLES)


def test_the_bundled_costs_are_the_example_file() -> None:
    assert default_costs_path().read_text() == EXAMPLES.read_text()


def test_pnl_agrees_with_a_hand_computation(month: MonthResult) -> None:
    data = yaml.safe_load(EXAMPLES.read_text())
    for code, tier in month.tiers.items():
        pnl = tier.month
        assert pnl is not None
        raw = data["tiers"][code]
        hour = Decimal(raw["hour"])
        fixed = sum(Decimal(v) for v in raw.get("fixed", {}).values())
        bots = int(tier.month.bot_conversations)
        bot = Decimal(raw.get("bot_conversation") or 0) * bots
        # Paid hours: the sum of the roster's shift lengths times heads.
        hours = sum(
            Decimal(s.count) * Decimal(s.length.total_seconds()) / 3600 for s in pnl.paid.shifts
        )
        assert pnl.paid_hours == hours
        assert pnl.cost == Money(hours * hour + fixed + bot, "USD")
        assert pnl.revenue == tier.invoice.total - tier.invoice.tax
        assert pnl.result == pnl.revenue - pnl.cost
        assert pnl.cost_per_request == pnl.cost / pnl.requests
        # Every interval's heads cover the Erlang staffing plus 30 % shrinkage.
        assert (pnl.paid.heads >= pnl.paid.required).all()
        assert sum(pnl.interval_costs(), Money.zero("USD")) == pnl.cost


def test_tier_a_bills_requests_not_legs(month: MonthResult) -> None:
    # 1,364 voice requests (a missed call and its callback are one): under the
    # included 1,500, so the overage line is $0.
    bill = month.tiers["A"].invoice
    voice = next(line for line in bill.lines if line.description.startswith("voice contacts"))
    assert voice.amount == Money(0, "USD")
    assert "1364 of 1500 included" in voice.description


def test_tier_c_revenue_is_not_discounted_twice(month: MonthResult) -> None:
    pnl = month.tiers["C"].month
    assert pnl is not None
    # Revenue per request is the invoice over billable requests, nothing else.
    assert pnl.revenue_per_request == pnl.revenue / pnl.requests
    assert pnl.bot_conversations > 0


def test_a_bad_costs_file_names_the_field(tmp_path: Path) -> None:
    from sla import SLAError
    from sla.report._costs import load_costs

    data = yaml.safe_load(EXAMPLES.read_text())
    data["tiers"]["A"]["hour"] = "forty"
    bad = tmp_path / "costs.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(SLAError) as caught:
        load_costs(bad)
    assert caught.value.field == "tiers.A.hour"
    data["tiers"]["A"]["hour"] = "40.00"
    data["tiers"]["A"]["shifts"]["lengths"] = []
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(SLAError) as caught:
        load_costs(bad)
    assert caught.value.field == "tiers.A.shifts.lengths"


def test_the_costs_file_changes_the_month(month: MonthResult, tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLES.read_text())
    data["tiers"]["A"]["hour"] = "20.00"  # half the example's rate
    cheaper = tmp_path / "costs.yaml"
    cheaper.write_text(yaml.safe_dump(data, sort_keys=False))  # channel order seeds traffic
    again = run_month(costs=cheaper)
    before, after = month.tiers["A"].month, again.tiers["A"].month
    assert before is not None
    assert after is not None
    assert after.paid_hours == before.paid_hours
    assert after.labour * 2 == before.labour  # cost is linear in the hour rate


def test_no_tier_is_staffed_while_closed(month: MonthResult) -> None:
    # The example contracts' coverage hours, by hand: A Mon-Fri 08-18 Berlin; B Mon-Fri
    # 08-12 and 13-17 Stockholm, closed on 6 June (National Day) and 20 June (Midsummer
    # Eve); C Mon-Fri 09-20 and Sat 10-16 London.
    from zoneinfo import ZoneInfo

    def open_a(t: datetime) -> bool:
        return t.weekday() < 5 and 8 <= t.hour < 18

    def open_b(t: datetime) -> bool:
        return t.weekday() < 5 and t.day not in (6, 20) and (8 <= t.hour < 12 or 13 <= t.hour < 17)

    def open_c(t: datetime) -> bool:
        return (t.weekday() < 5 and 9 <= t.hour < 20) or (t.weekday() == 5 and 10 <= t.hour < 16)

    hours = {"A": (open_a, "Europe/Berlin", 420), "B": (open_b, "Europe/Stockholm", 304),
             "C": (open_c, "Europe/London", 510)}  # fmt: skip
    for code, (is_open, zone, open_intervals) in hours.items():
        paid = month.tiers[code].month.paid
        starts = [(paid.start + paid.interval * i).astimezone(ZoneInfo(zone))
                  for i in range(paid.required.size)]  # fmt: skip
        mask = np.array([is_open(t) for t in starts])
        # A: 21 weekdays x 20 half hours; B: 19 x 16; C: 21 x 22 + 4 Saturdays x 12
        assert int(mask.sum()) == open_intervals
        assert not paid.required[~mask].any(), code
        assert paid.required[mask].any(), code
        # The roster never pays less than the lower bound sum_i ceil(n_i / 0.7) x 1/2 h.
        assert paid.hours >= Decimal(int(paid.required.sum())) / 2


def test_each_queue_is_staffed_to_the_contracts_target(month: MonthResult) -> None:
    # By hand from the example contracts (priority normal, the demo's documented choice):
    # A (catalogue A, examples/contracts/tier_a.yaml): voice 80 % within 20 s (service
    #   level), callbacks normal 1 h -> the queue staffs to 20 s; e-mail normal 1 h.
    # B (catalogue B): first response normal 2 h, service level 90 % within 2 h.
    # C (catalogue C): web chat each within 2 min, service level 80 % within 60 s -> 60 s;
    #   web form within 8 h. Shares not promised (A e-mail, C web form) are the file's 90 %.
    from datetime import timedelta

    from sla.contracts import load
    from sla.report._month import example_contracts
    from sla.report._targets import PRIORITY, channel_promise

    expected = {
        ("A", ("voice", "callback")): (timedelta(seconds=20), 0.8),
        ("A", ("email",)): (timedelta(hours=1), 0.9),
        ("B", ("messenger", "email")): (timedelta(hours=2), 0.9),
        ("C", ("web_chat",)): (timedelta(seconds=60), 0.8),
        ("C", ("web_form",)): (timedelta(hours=8), 0.9),
    }
    found = {}
    for code, tier in month.tiers.items():
        assert tier.queue_targets, code
        contract_tier = load(example_contracts()[code]).compile().tiers[code]
        for channels, target in tier.queue_targets:
            within = getattr(target, "within", None) or target.respond_within
            share = getattr(target, "service_level", None) or target.share
            found[(code, channels)] = (within, share)
            # Never looser than any of its channels' per-contact target at normal priority.
            for channel in channels:
                per_contact = [
                    t for t in contract_tier.targets_for(channel, PRIORITY)
                    if str(t.metric) in ("speed_of_answer", "callback_time", "first_response")
                ]  # fmt: skip
                assert within <= per_contact[0].duration, (code, channel)
            promise = min((channel_promise(contract_tier, c) for c in channels),
                          key=lambda p: p.within if p else timedelta.max)  # fmt: skip
            assert promise is not None
            assert within == promise.within
    assert found == expected


@pytest.mark.parametrize(
    ("code", "index", "key", "value"),
    [
        ("A", 1, "respond_within", "4h"),  # the contract promises 1 h (normal)
        ("C", 0, "within", "120s"),  # the contract's service level is 80 % within 60 s
        ("B", 0, "share", 0.8),  # the contract's service level is 90 %
    ],
)
def test_a_costs_file_contradicting_the_contract_is_refused(
    tmp_path: Path, code: str, index: int, key: str, value: object
) -> None:
    from sla import SLAError

    data = yaml.safe_load(EXAMPLES.read_text())
    data["tiers"][code]["queues"][index][key] = value
    bad = tmp_path / "costs.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SLAError) as caught:
        run_month(costs=bad)
    assert caught.value.field == f"tiers.{code}.queues[{index}].{key}"


def test_a_share_the_contract_does_not_promise_must_be_given(tmp_path: Path) -> None:
    from sla import SLAError

    data = yaml.safe_load(EXAMPLES.read_text())
    del data["tiers"]["C"]["queues"][1]["share"]
    bad = tmp_path / "costs.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SLAError) as caught:
        run_month(costs=bad)
    assert caught.value.field == "tiers.C.queues[1].share"


def test_staffing_charts_mark_the_chosen_agents_and_the_contracts_target(
    month: MonthResult,
) -> None:
    """The chart data, not its pixels: the mark is the staffing answer, the line the target."""
    from sla.report._render import staffing_curves

    for code, tier in month.tiers.items():
        targets = dict(tier.queue_targets)
        assert [c.channels for c in tier.staffing] == list(targets), code
        for curve in tier.staffing:
            target = targets[curve.channels]
            share = getattr(target, "service_level", None) or target.share
            assert curve.target == share  # the contract's promise (see the test above)
            # The marked agents are what the queue model staffs that interval with: the
            # fewest whose service level reaches the target (written: under the ceiling).
            levels = dict(curve.points)
            assert levels[curve.chosen] >= curve.target
            if hasattr(target, "service_level"):  # voice and chat: the target alone binds
                assert levels[curve.chosen - 1] < curve.target
            assert curve.contacts > 0
    # Tier A's voice queue, recomputed: its busiest interval's agents by the target itself.
    a_voice = month.tiers["A"].staffing[0]
    target = dict(month.tiers["A"].queue_targets)[a_voice.channels]
    from sla.economics import Queue

    slots = Queue(a_voice.contacts, timedelta(minutes=30), a_voice.aht)
    assert a_voice.chosen == int(slots.agents_for(service_level=0.8, within=target.within))
    svg = staffing_curves(month)
    assert len(svg) == sum(len(t.staffing) for t in month.tiers.values())
    assert "chosen: " in svg[0]
    assert "target 80% in 20s" in svg[0]


def test_compliance_charts_draw_the_aggregate_service_level_against_its_target(
    month: MonthResult,
) -> None:
    from sla.clocks import service_level_targets
    from sla.contracts import load
    from sla.report._month import example_contracts
    from sla.report._render import month_report

    page = month_report(month).html()
    for code, tier in month.tiers.items():
        promised = {
            t.metric.replace("_", " "): float(t.fraction)
            for t in service_level_targets(load(example_contracts()[code]).compile())
            if t.tier == code
        }
        # The target line of each chart is the contract's promised share.
        assert tier.service_level_targets == promised, code
        assert set(tier.daily_service_level) <= set(promised)
        for metric, days in tier.daily_service_level.items():
            assert days
            assert all(0.0 <= level <= 1.0 for _, level in days)
            assert f"Tier {code}: {metric}, aggregate service level per day" in page
            assert f"target {promised[metric]:.0%}" in page
