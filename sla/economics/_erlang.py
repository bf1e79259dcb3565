"""Erlang B and Erlang C: stable scalar kernels, an O(1)-per-agent staffing search,
and a vectorized twin for many intervals at once.

Erlang B uses the recursion ``B(n) = a B(n-1) / (n + a B(n-1))``: every value
stays in [0, 1], so nothing overflows, and values that are truly tiny underflow
to 0 rather than becoming NaN.  To get ``B(n)`` near a large load without
walking up from ``n = 0`` the recursion starts ``10 sqrt(a) + 10`` agents below
``min(n, a)`` from the fluid guess ``B = 1 - s / a``: the error of a wrong start
is multiplied by ``prod(m / a)`` over the steps, which is below ``exp(-50)``
there, far under double precision.  (The recursion in ``1/B`` shows the relative
error never grows, so the guess cannot hurt.)
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError

__all__ = [
    "check_agents",
    "erlang_b",
    "erlang_b_start",
    "erlang_c",
    "erlang_c_from_b",
    "required_agents",
    "required_agents_array",
]

#: How many standard deviations (sqrt(a)) below the load the warm start begins.
_WARM_SIGMAS: Final = 10.0


def check_agents(agents: object, field: str = "agents") -> int:
    """Agents must be a non-negative int (a bool or a float is refused)."""
    if isinstance(agents, bool) or not isinstance(agents, int | np.integer):
        raise EconomicsError(
            f"agents must be a whole number, got {type(agents).__name__} {agents!r}", field=field
        )
    if agents < 0:
        raise EconomicsError(f"agents must be >= 0, got {agents}", field=field)
    return int(agents)


def check_traffic(traffic: object, field: str = "traffic") -> float:
    """Traffic in Erlangs: a finite number >= 0."""
    if isinstance(traffic, bool) or not isinstance(traffic, int | float | np.floating | np.integer):
        raise EconomicsError(
            f"traffic must be a number of Erlangs, got {type(traffic).__name__}", field=field
        )
    value = float(traffic)
    if not math.isfinite(value) or value < 0:
        raise EconomicsError(f"traffic must be finite and >= 0, got {traffic!r}", field=field)
    return value


def erlang_b_start(traffic: float, agents: int) -> tuple[int, float]:
    """Where the recursion may start for ``B(agents)``: ``(s, B(s))`` (B(s) maybe a guess)."""
    s = math.floor(min(float(agents), traffic) - _WARM_SIGMAS * math.sqrt(traffic) - 10.0)
    if s <= 0:
        return 0, 1.0
    return s, 1.0 - s / traffic


def _b_raw(agents: int, traffic: float) -> float:
    if traffic == 0.0:
        return 1.0 if agents == 0 else 0.0
    n, b = erlang_b_start(traffic, agents)
    while n < agents:
        n += 1
        b = traffic * b / (n + traffic * b)
    return b


def erlang_b(agents: int, traffic: float) -> float:
    """Erlang B: the probability that a call finds all ``agents`` busy and is lost.

    Stable for any size (50,000 Erlangs included) and O(sqrt(traffic)) near the load.

    >>> round(erlang_b(10, 4.461), 4)
    0.01
    """
    return _b_raw(check_agents(agents), check_traffic(traffic))


def erlang_c_from_b(agents: int, traffic: float, b: float) -> float:
    """Erlang C from Erlang B; 1.0 (everyone waits) when ``agents <= traffic``."""
    if agents <= traffic:
        return 1.0 if traffic > 0 else 0.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Erlang C: the probability that a call must wait (M/M/n, infinite patience).

    At or above 100 % load (``agents <= traffic``) the queue never empties and
    the limit value 1.0 is returned.

    >>> round(erlang_c(14, 10.0), 4)
    0.1741
    """
    n, a = check_agents(agents), check_traffic(traffic)
    return erlang_c_from_b(n, a, _b_raw(n, a))


def _sl(n: int, a: float, c: float, within_over_aht: float) -> float:
    if n <= a:
        return 0.0 if a > 0 else 1.0
    return 1.0 - c * math.exp(-(n - a) * within_over_aht)


def required_agents(
    traffic: float,
    *,
    within_over_aht: float | None = None,
    service_level: float | None = None,
    max_asa_over_aht: float | None = None,
    max_occupancy: float | None = None,
    max_wait_probability: float | None = None,
) -> tuple[int, float, list[str]]:
    """The smallest agents meeting every given target; also Erlang C there and the steps.

    Starts at the smallest stable count (``floor(a) + 1``, or the occupancy
    bound if larger), gets Erlang B there in O(sqrt(a)) and then steps B upward
    in O(1) per agent.
    """
    a = traffic
    if a == 0.0:
        return 0, 0.0, ["no traffic: no agents are needed"]
    n = math.floor(a) + 1
    if max_occupancy is not None:
        occ_n = max(1, math.ceil(a / max_occupancy))
        while occ_n > 1 and a / (occ_n - 1) <= max_occupancy:
            occ_n -= 1
        while a / occ_n > max_occupancy:
            occ_n += 1
        n = max(n, occ_n)
    b = _b_raw(n, a)
    steps = [
        f"start at n={n} (smallest stable count{' / occupancy bound' if max_occupancy else ''})"
    ]
    while True:
        c = erlang_c_from_b(n, a, b)
        ok = True
        if service_level is not None and within_over_aht is not None:
            ok = _sl(n, a, c, within_over_aht) >= service_level
        if ok and max_asa_over_aht is not None:
            ok = c / (n - a) <= max_asa_over_aht
        if ok and max_wait_probability is not None:
            ok = c <= max_wait_probability
        if ok:
            steps.append(f"n={n}: every target met (wait probability {c:.6g})")
            return n, c, steps
        n += 1
        b = a * b / (n + a * b)


def required_agents_array(
    traffic: npt.ArrayLike,
    within_over_aht: npt.ArrayLike,
    *,
    service_level: float | None = None,
    max_asa_over_aht: npt.ArrayLike | None = None,
    max_occupancy: float | None = None,
) -> npt.NDArray[np.int64]:
    """Vectorized :func:`required_agents` (same kernel, same arithmetic) for many intervals."""
    a = np.asarray(traffic, dtype=np.float64)
    t = np.broadcast_to(np.asarray(within_over_aht, dtype=np.float64), a.shape)
    asa = (
        None
        if max_asa_over_aht is None
        else np.broadcast_to(np.asarray(max_asa_over_aht, dtype=np.float64), a.shape)
    )
    result = np.zeros(a.shape, dtype=np.int64)
    live = a > 0
    if not live.any():
        return result
    a_l, t_l = a[live], t[live]
    asa_l = None if asa is None else asa[live]
    n_min = np.floor(a_l) + 1
    if max_occupancy is not None:
        occ = np.maximum(1.0, np.ceil(a_l / max_occupancy))
        # Same float comparisons as the scalar search, so both agree exactly.
        for _ in range(2):
            down = (occ > 1) & (a_l / np.maximum(occ - 1, 1) <= max_occupancy)
            occ = np.where(down, occ - 1, occ)
        while True:
            up = a_l / occ > max_occupancy
            if not up.any():
                break
            occ = np.where(up, occ + 1, occ)
        n_min = np.maximum(n_min, occ)
    start = np.floor(np.minimum(n_min, a_l) - _WARM_SIGMAS * np.sqrt(a_l) - 10.0)
    cold = start <= 0
    n = np.where(cold, 0.0, start)
    b = np.where(cold, 1.0, 1.0 - n / a_l)
    # Walk every interval up to its own start point.
    while True:
        behind = n < n_min
        if not behind.any():
            break
        n = np.where(behind, n + 1, n)
        b = np.where(behind, a_l * b / (n + a_l * b), b)
    found = np.zeros(a_l.shape, dtype=np.int64)
    todo = np.ones(a_l.shape, dtype=bool)
    with np.errstate(over="ignore", under="ignore"):
        while todo.any():
            c = n * b / (n - a_l * (1.0 - b))
            ok = np.ones(a_l.shape, dtype=bool)
            if service_level is not None:
                ok &= 1.0 - c * np.exp(-(n - a_l) * t_l) >= service_level
            if asa_l is not None:
                ok &= c / (n - a_l) <= asa_l
            hit = todo & ok
            found[hit] = n[hit].astype(np.int64)
            todo &= ~hit
            n = n + 1
            b = a_l * b / (n + a_l * b)
    result[live] = found
    return result
