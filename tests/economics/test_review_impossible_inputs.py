"""Regression tests from review: impossible economics inputs give an EconomicsError naming
every field at once (working hours longer than the period, zero caps, intervals, patience)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from sla import EconomicsError, Money
from sla.economics import (
    ChatQueue,
    Costs,
    Deflection,
    PerContact,
    PersonalManager,
    Queue,
    TierEconomics,
    WrittenQueue,
)

MINUTE = timedelta(minutes=1)


def fields_of(build: Callable[[], object]) -> set[str]:
    with pytest.raises(EconomicsError) as caught:
        build()
    return {p.field for p in caught.value.problems}


def test_personal_manager_refuses_160_working_hours_in_one_day() -> None:
    with pytest.raises(EconomicsError) as caught:
        PersonalManager(
            contacts_per_client=2,
            period=timedelta(days=1),
            working_hours=160,
            handle_time=5 * MINUTE,
        )
    assert caught.value.field == "working_hours"
    assert "24 h" in caught.value.reason


def test_personal_manager_accepts_a_full_day_of_working_hours() -> None:
    manager = PersonalManager(
        contacts_per_client=2, period=timedelta(days=1), working_hours=24, handle_time=5 * MINUTE
    )
    assert int(manager.clients(respond_within=timedelta(hours=1))) > 0


def test_personal_manager_refuses_a_handle_time_longer_than_the_working_hours() -> None:
    build = lambda: PersonalManager(  # noqa: E731
        contacts_per_client=1,
        period=timedelta(days=30),
        working_hours=1,
        handle_time=timedelta(hours=2),
    )
    assert fields_of(build) == {"handle_time"}


def test_personal_manager_lists_every_bad_field() -> None:
    build = lambda: PersonalManager(  # noqa: E731
        contacts_per_client=-1,
        period=timedelta(0),
        working_hours=-3,
        handle_time=timedelta(seconds=-1),
    )
    assert fields_of(build) == {"contacts_per_client", "period", "working_hours", "handle_time"}


def test_personal_manager_target_refuses_an_occupancy_cap_of_zero() -> None:
    manager = PersonalManager(
        contacts_per_client=2, period=timedelta(days=30), working_hours=160, handle_time=5 * MINUTE
    )
    build = lambda: manager.clients(  # noqa: E731
        respond_within=timedelta(0), share=1, max_occupancy=0
    )
    assert fields_of(build) == {"respond_within", "share", "max_occupancy"}


def test_queue_refuses_zero_interval_negative_aht_and_zero_patience_at_once() -> None:
    build = lambda: Queue(  # noqa: E731
        calls=-1, interval=timedelta(0), aht=timedelta(seconds=-3), patience=timedelta(0)
    )
    assert fields_of(build) == {"calls", "interval", "aht", "patience"}


def test_queue_interval_shorter_than_the_aht_is_fine() -> None:
    q = Queue(calls=2, interval=MINUTE, aht=3 * MINUTE)
    assert float(q.traffic) == pytest.approx(6.0)


def test_queue_staffing_refuses_an_occupancy_cap_of_zero() -> None:
    q = Queue(calls=100, interval=30 * MINUTE, aht=timedelta(seconds=180))
    build = lambda: q.agents_for(  # noqa: E731
        service_level=0.8, within=timedelta(seconds=20), max_occupancy=0
    )
    assert fields_of(build) == {"max_occupancy"}


def test_written_and_chat_queues_refuse_zero_targets_and_intervals() -> None:
    written = WrittenQueue(messages=10, interval=timedelta(hours=1), handle_time=5 * MINUTE)
    assert fields_of(
        lambda: written.agents_for(respond_within=timedelta(0), share=0, max_occupancy=0)
    ) == {"respond_within", "share", "max_occupancy"}
    assert fields_of(
        lambda: ChatQueue(chats=10, interval=timedelta(0), handle_time=timedelta(0), concurrency=0)
    ) == {"interval", "handle_time", "concurrency"}


def test_costs_refuse_more_seat_hours_than_a_month_and_list_every_money_field() -> None:
    build = lambda: Costs(  # noqa: E731
        agent_hour="30",  # type: ignore[arg-type]
        seat_month=5,  # type: ignore[arg-type]
        seat_hours_month=Decimal(800),
        shrinkage=1.0,
        occupancy=0,
    )
    assert fields_of(build) == {
        "agent_hour",
        "seat_month",
        "seat_hours_month",
        "shrinkage",
        "occupancy",
    }


def test_tier_economics_refuses_zero_open_hours_and_wrong_parts_at_once() -> None:
    build = lambda: TierEconomics(  # noqa: E731
        queue=5,  # type: ignore[arg-type]
        costs=None,  # type: ignore[arg-type]
        price=PerContact(Money(1, "USD")),
        open_hours_month=Decimal(0),
        fcr=0,
    )
    assert fields_of(build) == {"queue", "costs", "open_hours_month", "fcr"}


def test_tier_economics_refuses_more_open_hours_than_a_month_holds() -> None:
    build = lambda: TierEconomics(  # noqa: E731
        queue=Queue(calls=100, interval=30 * MINUTE, aht=timedelta(seconds=180)),
        costs=Costs(agent_hour=Money(30, "USD")),
        price=PerContact(Money(5, "USD")),
        open_hours_month=Decimal(800),
    )
    assert fields_of(build) == {"open_hours_month"}


def test_deflection_refuses_share_above_one_and_zero_aht() -> None:
    build = lambda: Deflection(share=1.5, aht=timedelta(0))  # noqa: E731
    assert fields_of(build) == {"deflection.share", "deflection.aht"}
