"""Hostile inputs that failed in areas other engineers own (issue 13).

Each test is the smallest input of a class the fuzzing strategies generate,
excluded from the property tests until its owner's fix lands. They are
``xfail(strict=True)``: when the fix lands on ``main`` the test passes, the
strict marker turns that into a failure, and the marker is removed. Owners:
``pricing`` (Money, plans, credits), ``timezone`` (calendar horizons),
``clocks`` (events and targets), ``month`` (queue sizes). Tests whose fix has
landed keep their input as plain regression tests.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from sla import Money, SLAError
from sla.calendar import Calendar
from sla.clocks import ClockPolicy, Contact, Event, MetricTarget, evaluate
from sla.economics import Queue
from sla.pricing import BillingPeriod, Package, load_plan
from tests.fuzz.harness import Refused, attempt


def xfail(owner: str, defect: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"{owner}: {defect}")


# Fixed on main (pricing), a regression test now:
# item 1: 99.99 % read through a float grants a credit that is not owed
def test_attainment_99_99_percent_is_exact_in_the_cli(tmp_path: Path) -> None:
    from sla.cli import main
    from sla.pricing import CATALOGUE

    plan = copy.deepcopy(dict(CATALOGUE["A"]))
    plan["credits"]["rules"][0]["below"] = [["99.99%", "10%"]]  # 99.99 % itself is no breach
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, default=str), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["price", "invoice", "--plan", str(path), "--period", "2025-06",
                     "-a", "speed_of_answer=99.99%", "--json"])  # fmt: skip
    assert code == 0
    assert all(line["kind"] != "credit" for line in json.loads(out.getvalue())["lines"])


# Fixed on main (pricing), a regression test now:
# item 2: a plan keeps the last of two duplicate keys
def test_plan_with_duplicate_keys_is_refused() -> None:
    text = (
        '{"name": "p", "currency": "USD", "charges": [{"name": "fee", "model": "flat", '
        '"amount": "10.00", "amount": "1.00"}]}'
    )
    assert isinstance(attempt(load_plan, text), Refused)


# Fixed on main (pricing), a regression test now:
# item 5: Money rounds silently past its context precision
def test_money_keeps_every_digit_or_refuses() -> None:
    big = attempt(lambda: Money("1e60", "USD") + Money("0.01", "USD") - Money("1e60", "USD"))
    assert isinstance(big, Refused) or big == Money("0.01", "USD")


# Fixed on main (pricing), a regression test now:
# item 12: formatting 10^24 CLF raises decimal.InvalidOperation
def test_money_format_of_a_large_amount() -> None:
    assert isinstance(attempt(Money(10**24, "CLF").format), str | Refused)


# Fixed on main (pricing), a regression test now:
# item 12: BillingPeriod.month(9999, 12) overflows
def test_period_month_9999_12() -> None:
    attempt(BillingPeriod.month, 9999, 12)


# Fixed on main (pricing), a regression test now:
# item 12: BillingPeriod.month with a month past the C int range overflows
def test_period_month_huge_month() -> None:
    attempt(BillingPeriod.month, 0, 2**31)


# Fixed on main (pricing), a regression test now:
# item 12: Package('1e-999999') raises decimal errors
def test_package_of_a_tiny_size() -> None:
    result = attempt(Package, "1e-999999", Money("1", "USD"))
    if not isinstance(result, Refused):
        attempt(result.charge, 1)


# Fixed on main (pricing), a regression test now:
# item 19: Money('-0.001').rounded() formats as -$0.00
def test_negative_zero_is_not_printed() -> None:
    assert not Money("-0.001", "USD").rounded().format().startswith("-")


# Fixed on main (timezone), a regression test now:
# item 8: Calendar.add of a million days runs for minutes (no horizon)
def test_calendar_add_a_million_days() -> None:
    calendar = Calendar.weekly({"mon-fri": "09:00-17:00"}, "Europe/Berlin")
    attempt(calendar.add, datetime(2025, 1, 1, tzinfo=UTC), timedelta(days=10**6))


# Fixed on main (timezone), a regression test now:
# item 8: closures over years 1-9999 does not return in time
def test_closures_over_the_whole_calendar_range() -> None:
    calendar = Calendar.weekly({"mon-fri": "09:00-17:00"}, "Europe/Berlin")
    attempt(calendar.closures, date(1, 1, 1), date(9999, 12, 31))


def _evaluate(events: list[Event]) -> object:
    calendar = Calendar.weekly({"mon-fri": "09:00-17:00"}, "Europe/Berlin")
    policy = ClockPolicy([MetricTarget("first_response", 3600, calendar)], policy_id="p")
    return evaluate(Contact("c"), events, policy)


# Fixed on main (clocks), a regression test now:
# item 11: epoch milliseconds raise ValueError
def test_event_at_epoch_milliseconds() -> None:
    attempt(lambda: _evaluate([Event.created(1748847600000)]))


# Fixed on main (clocks), a regression test now:
# item 13: Event(t, 'assigned') without a value raises AssertionError
def test_assigned_event_without_value() -> None:
    t = datetime(2025, 6, 2, 9, tzinfo=UTC)
    attempt(lambda: _evaluate([Event.created(t), Event(t + timedelta(minutes=1), "assigned")]))


# Fixed on main (clocks), a regression test now:
# item 13: MetricTarget(warn_fractions=['x']) raises ValueError
def test_metric_target_with_text_warnings() -> None:
    attempt(MetricTarget, "first_response", 3600, warn_fractions=["x"])


# Fixed on main (clocks), a regression test now:
# item 14: public='false' makes a public reply
def test_public_false_as_text() -> None:
    event = attempt(Event, datetime(2025, 6, 2, tzinfo=UTC), "agent_reply", public="false")
    assert isinstance(event, Refused) or event.public is False


# Fixed on main (month), a regression test now:
# item 10: Queue(calls=1e300) raises numpy's ValueError
def test_queue_with_absurd_calls() -> None:
    queue = attempt(Queue, 1e300, timedelta(minutes=30), timedelta(seconds=180))
    if not isinstance(queue, Refused):
        attempt(queue.agents_for, service_level=0.8, within=timedelta(seconds=20))


@xfail("month", "Queue(calls=Decimal('sNaN')) raises ValueError")
def test_queue_with_signaling_nan() -> None:
    attempt(Queue, Decimal("sNaN"), timedelta(minutes=30), timedelta(seconds=180))


def test_the_known_defects_use_the_fuzz_rules() -> None:
    assert isinstance(attempt(Money, "1.00", "USD"), Money)
    assert isinstance(attempt(Money, "NaN", "USD"), Refused)
    assert issubclass(type(attempt(Money, "x", "USD").error), SLAError)
