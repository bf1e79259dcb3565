"""Erlang B and Erlang C: stable scalar kernels, an O(1)-per-agent staffing search,
and a vectorized twin for many intervals at once.

Erlang B uses the recursion ``B(n) = a B(n-1) / (n + a B(n-1))``: every value
stays in [0, 1], so nothing overflows, and values that are truly tiny underflow
to 0 rather than becoming NaN.  Walking it up from ``n = 0`` costs ``n`` Python
steps, so from ``s = 64`` agents on ``B(s)`` (``s <= a``) is taken instead from
the closed sum the recursion unrolls to,

    1 / B(s) = 1 + sum_{j=1..s} t_j,   t_1 = s / a,   t_j = t_{j-1} (s - j + 1) / a,

evaluated in C by numpy: a cumulative product, then a *sequential* cumulative
sum, so the scalar kernel and the vectorized solver get the very same bits.
With ``s <= a`` every ratio is at most ``1 - (j-1)/s``, so
``t_j <= exp(-j (j-1) / 2s)``.  The sum stops at ``t_J``, ``J = 9.5 sqrt(s) + 10``:
``t_J < e^-45`` and the rest is below a geometric series of ratio ``1 - J/s``,
i.e. under ``e^-45 sqrt(s) / 9.5`` of the total (1e-17 up to a million agents).
No term exceeds 1 and the total is at most ``s + 1``, so nothing overflows.
From ``s`` the recursion steps up to the wanted count, which only shrinks the
relative error (by ``1 - B(m)`` per step, as the recursion in ``1/B`` shows).
At 1,000 Erlangs this is ~310 terms in one numpy pass instead of ~330 Python
steps from a guess 10 sqrt(a) below the load.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError

__all__ = [
    "agents_for_service_level",
    "check_agents",
    "erlang_b",
    "erlang_b_start",
    "erlang_c",
    "erlang_c_from_b",
    "required_agents",
    "required_agents_array",
    "search_steps",
]

#: Below this many agents the plain recursion from ``B(0) = 1`` is cheaper than numpy.
_SUM_FROM: Final = 64

#: ``0, 1, 2, ...`` as floats, grown on demand: the ``j - 1`` of the sum's ratios.
_offsets: npt.NDArray[np.float64] = np.arange(4096.0)


#: ``1.0, 2.0, ..., 64.0``: the counts of the inlined recursion, as exact floats.
_COUNTS: Final = tuple(float(k) for k in range(1, _SUM_FROM + 1))

_product: Final = np.multiply.accumulate
_running_sum: Final = np.add.accumulate

#: Elements per block when many sums are taken at once (bounds the memory used).
_ROW_BUDGET: Final = 1 << 20


def _sum_terms(s: int) -> int:
    """How many ratios of the unrolled sum are kept for ``B(s)`` (see the module docstring)."""
    return min(s, math.ceil(9.5 * math.sqrt(s)) + 10)


def _offsets_upto(terms: int) -> npt.NDArray[np.float64]:
    global _offsets
    if _offsets.shape[0] < terms:
        _offsets = np.arange(float(2 * terms))
    return _offsets[:terms]


def check_agents(agents: object, field: str = "agents") -> int:
    """Agents must be a non-negative int (a bool or a float is refused)."""
    if isinstance(agents, bool) or not isinstance(agents, int | np.integer):
        raise EconomicsError(
            f"agents must be a whole number, got {type(agents).__name__} {agents!r}", field=field
        )
    if agents < 0:
        raise EconomicsError(f"agents must be >= 0, got {agents}", field=field)
    return int(agents)


#: The largest offered load the staffing kernels accept (Erlangs). Beyond it the
#: agents needed run into the millions and the search's memory and time with them;
#: a million Erlangs is far above any real queue (the largest call centers staff
#: tens of thousands of agents).
MAX_TRAFFIC: Final = 1_000_000.0


def check_traffic(traffic: object, field: str = "traffic") -> float:
    """Traffic in Erlangs: a finite number >= 0 and at most :data:`MAX_TRAFFIC`."""
    if isinstance(traffic, bool) or not isinstance(traffic, int | float | np.floating | np.integer):
        raise EconomicsError(
            f"traffic must be a number of Erlangs, got {type(traffic).__name__}", field=field
        )
    value = float(traffic)
    if not math.isfinite(value) or value < 0:
        raise EconomicsError(f"traffic must be finite and >= 0, got {traffic!r}", field=field)
    if value > MAX_TRAFFIC:
        raise EconomicsError(
            f"traffic of {value:.3g} Erlangs is above the supported {MAX_TRAFFIC:.0e}", field=field
        )
    return value


def _b_sum(s: int, traffic: float) -> float:
    """``B(s)`` for ``_SUM_FROM <= s <= traffic`` from the truncated unrolled sum."""
    # In place after the first subtraction: fewer temporaries, the very same bits.
    x = np.subtract(float(s), _offsets_upto(_sum_terms(s)))
    np.divide(x, traffic, x)
    _product(x, 0, None, x)  # positional axis, dtype, out: the cheapest call
    _running_sum(x, 0, None, x)
    return 1.0 / (1.0 + float(x[-1]))


def _b_sum_rows(
    s: npt.NDArray[np.float64], traffic: npt.NDArray[np.float64], *, budget: int = _ROW_BUDGET
) -> npt.NDArray[np.float64]:
    """:func:`_b_sum` for many ``(s, traffic)`` at once, bit for bit the same values.

    Rows are taken in blocks of about ``budget`` elements to bound the memory used.
    """
    out = np.empty(s.shape, dtype=np.float64)
    terms = np.minimum(s, np.ceil(9.5 * np.sqrt(s)) + 10.0).astype(np.int64)
    # Rows padded with zero ratios: their products stay 0 and adding 0.0 is exact.
    rows = max(1, budget // (int(terms.max()) + 1))
    for lo in range(0, s.shape[0], rows):
        hi = lo + rows
        width = int(terms[lo:hi].max())
        x = (s[lo:hi, None] - _offsets_upto(width)[None, :]) / traffic[lo:hi, None]
        x[np.arange(width)[None, :] >= terms[lo:hi, None]] = 0.0
        np.multiply.accumulate(x, axis=1, out=x)
        out[lo:hi] = 1.0 / (1.0 + np.add.accumulate(x, axis=1)[:, -1])
    return out


def erlang_b_start(traffic: float, agents: int) -> tuple[int, float]:
    """Where the recursion starts for ``B(agents)``: ``(s, B(s))`` with ``s <= agents``."""
    s = min(agents, math.floor(traffic))
    if s < _SUM_FROM:
        return 0, 1.0
    return s, _b_sum(s, traffic)


def _b_raw(agents: int, traffic: float) -> float:
    if traffic == 0.0:
        return 1.0 if agents == 0 else 0.0
    n, b = erlang_b_start(traffic, agents)
    while n < agents:
        n += 1
        b = traffic * b / (n + traffic * b)
        if b == 0.0:  # stays 0 from here on
            break
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


def agents_for_service_level(a: float, t: float, service_level: float) -> tuple[int, float]:
    """The hot path of :func:`required_agents` for a service level alone: ``(n, C(n))``.

    The same arithmetic, step for step, in plain floats and without building the
    explanation's steps: below :data:`_SUM_FROM` Erlangs the recursion from
    ``B(0) = 1`` is inlined; above, Erlang B at ``floor(a)`` comes from the
    unrolled sum (:func:`_b_sum`).  ``a > 0`` is finite, ``t > 0`` and the
    target is in (0, 1), all checked by the caller.  A property test checks
    that it agrees exactly with the general search of :func:`required_agents`.
    """
    if a == 0.0:
        return 0, 0.0
    s = math.floor(a)
    n = s + 1
    if s < _SUM_FROM:
        b = 1.0
        for k in _COUNTS[:n]:
            b = a * b / (k + a * b)
    else:
        b = _b_sum(s, a)
        b = a * b / (n + a * b)
    # The count as a float: every int n below 2**53 converts exactly, so the
    # arithmetic is the same, without converting n in each expression.
    m = float(n)
    exp = math.exp
    while True:
        c = m * b / (m - a * (1.0 - b))
        if 1.0 - c * exp(-(m - a) * t) >= service_level:
            return int(m), c
        m += 1.0
        b = a * b / (m + a * b)


def search_steps(start: int, n: int, c: float, *, occupancy: bool = False) -> list[str]:
    """The explanation's steps of a staffing search that started at ``start``."""
    if n == 0:
        return ["no traffic: no agents are needed"]
    return [
        f"start at n={start} (smallest stable count{' / occupancy bound' if occupancy else ''})",
        f"n={n}: every target met (wait probability {c:.6g})",
    ]


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
    in O(1) per agent.  A service level alone takes
    :func:`agents_for_service_level`.
    """
    a = traffic
    if a == 0.0:
        return 0, 0.0, search_steps(0, 0, 0.0)
    n = math.floor(a) + 1
    if (
        service_level is not None
        and within_over_aht is not None
        and max_asa_over_aht is None
        and max_wait_probability is None
        and max_occupancy is None
    ):
        found, c = agents_for_service_level(a, within_over_aht, service_level)
        return found, c, search_steps(n, found, c)
    if max_occupancy is not None:
        occ_n = max(1, math.ceil(a / max_occupancy))
        while occ_n > 1 and a / (occ_n - 1) <= max_occupancy:
            occ_n -= 1
        while a / occ_n > max_occupancy:
            occ_n += 1
        n = max(n, occ_n)
    start = n
    b = _b_raw(n, a)
    # Same arithmetic as erlang_c_from_b and _sl (n > a throughout), inlined.
    exp = math.exp
    while True:
        c = n * b / (n - a * (1.0 - b))
        if (
            (
                service_level is None
                or within_over_aht is None
                or 1.0 - c * exp(-(n - a) * within_over_aht) >= service_level
            )
            and (max_asa_over_aht is None or c / (n - a) <= max_asa_over_aht)
            and (max_wait_probability is None or c <= max_wait_probability)
        ):
            break
        n += 1
        b = a * b / (n + a * b)
    return n, c, search_steps(start, n, c, occupancy=max_occupancy is not None)


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
    # Same start as the scalar kernel: n_min > floor(a), so it starts at s = floor(a).
    s = np.floor(a_l)
    warm = s >= _SUM_FROM
    n = np.where(warm, s, 0.0)
    b = np.ones(a_l.shape, dtype=np.float64)
    if warm.any():
        b[warm] = _b_sum_rows(s[warm], a_l[warm])
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
