"""The manager's book (issue 17): one manager, 250 clients, direct (A) vs front desk (B)."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import EconomicsError
from sla.economics import ManagerBook, compare_book
from sla.money import Money


def book(**changes: object) -> ManagerBook:
    values: dict[str, object] = {
        "clients": 250,
        "calls_per_client_hour": 24 / 250,  # a call every 2.5 minutes at peak
        "voice_handle_time": timedelta(minutes=4),
        "written_handle_time": timedelta(minutes=3),
        "desk_handle_time": timedelta(minutes=1),
        "manager_month": Money("6000", "EUR"),
        "desk_agent_month": Money("3500", "EUR"),
        "bot_share": 0.7,
    }
    values.update(changes)
    return ManagerBook(**values)  # type: ignore[arg-type]


def share_within(rho: float, t: float, h: float) -> float:
    return 1 - rho * math.exp(-(1 - rho) * t / h)


def test_the_posts_picture_by_hand() -> None:
    result = compare_book(book())
    # 24 calls/h, 70 % to bots: 7.2 calls/h reach people.
    assert float(result.book.human_calls) == pytest.approx(7.2)
    # A: load per client 0.096 * 0.3 * 240 / 3600 = 0.00192 Erl; 111 clients meet 80 % in 20 s,
    # 112 do not.
    assert share_within(111 * 0.00192, 20, 240) >= 0.8 > share_within(112 * 0.00192, 20, 240)
    assert int(result.direct.clients_capacity) == 111
    # At the whole book of 250: rho = 0.48, and 1 - 0.48 e^(-0.52 * 20/240) = 0.5404.
    assert float(result.direct.manager_occupancy) == pytest.approx(0.48)
    assert float(result.direct.meets_target_share) == pytest.approx(0.54036, abs=1e-5)
    # B: 0.00144 Erl per client, bound by the 85 % occupancy cap: floor(0.85 / 0.00144) = 590.
    assert int(result.front_desk.clients_capacity) == 590
    # Desk: 0.12 Erl; one agent answers 1 - 0.12 e^(-0.88 * 20/60) = 91 % within 20 s.
    assert int(result.front_desk.desk_agents) == 1  # type: ignore[arg-type]
    assert result.front_desk.desk_seats == 2  # ceil(1 / (1 - 0.3))
    assert result.direct.cost_per_client_month == Money("54.05", "EUR")  # 6000 / 111
    assert result.front_desk.cost_per_client_month == Money("22.03", "EUR")  # 13000 / 590


def test_without_bots_the_voice_manager_drowns() -> None:
    result = compare_book(book(bot_share=0.0))
    assert float(result.direct.manager_occupancy) == pytest.approx(1.6)  # 24 calls x 4 min
    assert float(result.direct.meets_target_share) == 0.0
    assert int(result.direct.clients_capacity) == 33
    assert int(result.front_desk.clients_capacity) == 177  # floor(0.85 / 0.0048)


def test_a_shared_desk_pools_calls_and_splits_its_cost() -> None:
    alone = compare_book(book())
    shared = compare_book(book(managers_per_desk=4))
    assert int(shared.front_desk.desk_agents) >= 1  # type: ignore[arg-type]
    assert shared.front_desk.cost_per_client_month < alone.front_desk.cost_per_client_month


@given(st.floats(0.01, 0.5), st.floats(0.0, 0.9))
def test_the_front_desk_never_carries_fewer_clients(rate: float, bots: float) -> None:
    # Same manager, same handle time: an hour to call back is never stricter than 20 s.
    result = compare_book(
        book(calls_per_client_hour=rate, bot_share=bots, written_handle_time=timedelta(minutes=4))
    )
    assert int(result.front_desk.clients_capacity) >= int(result.direct.clients_capacity)


def test_bad_books_are_refused_naming_every_field() -> None:
    with pytest.raises(EconomicsError) as caught:
        book(clients=0, bot_share=1.5, desk_agent_month=Money("1", "USD"), managers_per_desk=0)
    fields = {p.field for p in caught.value.problems}
    assert {"clients", "bot_share", "managers_per_desk"} <= fields
    with pytest.raises(EconomicsError, match="currency"):
        book(desk_agent_month=Money("1", "USD"))
    with pytest.raises(EconomicsError):
        compare_book(book(), answer_share=1.0)
