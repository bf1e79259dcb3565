"""Paid hours for a period: the lower bound, and real shifts at minimum paid hours.

Agents on duty per interval become *paid heads* with shrinkage:
``ceil(n / (1 - shrinkage))``, computed in exact fractions (a float
``21 / 0.7`` is ``30.000000000000004`` and would pay a 31st head). Then:

* :func:`paid_hours_lower_bound` pays exactly those heads in every interval:
  ``sum_i ceil(n_i / (1 - s)) * interval``. No roster can pay less.
* :func:`schedule_shifts` covers every interval with whole shifts whose lengths
  and start grid the user gives (e.g. 4 to 8 hours, starting on the quarter
  hour), at minimum paid hours. The model is a set-covering integer program
  solved by HiGHS through :func:`scipy.optimize.milp` (the ``optimize`` extra).

Both give a :class:`PaidHours`: heads per interval and the exact hours paid.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError
from sla._explain import Explanation, explanation
from sla.economics._workload import interval_seconds

__all__ = [
    "PaidHours",
    "RosterShift",
    "ShiftRules",
    "paid_heads",
    "paid_hours_lower_bound",
    "schedule_shifts",
]

Ints = npt.NDArray[np.int64]


def exact_share(value: object, field: str) -> Fraction:
    """A share in [0, 1) as an exact fraction: ``0.3`` is ``3/10``, not the float's binary value."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction | str):
        raise EconomicsError(f"expected a share between 0 and 1, got {value!r}", field=field)
    try:
        share = Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)
    except (ValueError, ArithmeticError):
        raise EconomicsError(
            f"expected a share between 0 and 1, got {value!r}", field=field
        ) from None
    if not 0 <= share < 1:
        raise EconomicsError(f"must be in [0, 1), got {value!r}", field=field)
    return share


def _agents(agents: npt.ArrayLike) -> Ints:
    raw = np.asarray(agents)
    if raw.ndim != 1 or (raw.size and raw.dtype.kind not in "iu"):
        raise EconomicsError("expected whole agents per interval (a 1-d int array)", field="agents")
    out = raw.astype(np.int64)
    if (out < 0).any():
        first = int(np.flatnonzero(out < 0)[0])
        raise EconomicsError(f"must be >= 0; interval {first} has {out[first]}", field="agents")
    return out


def paid_heads(agents: npt.ArrayLike, shrinkage: object) -> Ints:
    """``ceil(n / (1 - shrinkage))`` per interval, in exact integer arithmetic.

    >>> paid_heads([21, 0, 14], 0.3).tolist()
    [30, 0, 20]
    """
    n = _agents(agents)
    s = exact_share(shrinkage, "shrinkage")
    keep = s.denominator - s.numerator  # 1 - s = keep / den
    if n.size and int(n.max()) > (2**62) // s.denominator:
        raise EconomicsError("too many agents for exact arithmetic", field="agents")
    return -(-(n * s.denominator) // keep)


@attrs.frozen
class RosterShift:
    """``count`` agents working ``[start, start + length)``."""

    start: datetime
    length: timedelta
    count: int

    @property
    def hours(self) -> Decimal:
        """Paid hours of all ``count`` agents on this shift."""
        return Decimal(self.count) * Decimal(int(self.length.total_seconds())) / 3600


@attrs.frozen(eq=False)
class PaidHours:
    """Paid heads per interval and the exact hours paid for the period.

    ``method`` is ``"lower bound"`` or ``"shifts"``; ``proven_optimal`` is
    ``False`` when a solve stopped at its time limit with a feasible roster.
    """

    start: datetime
    interval: timedelta
    required: Ints
    heads: Ints
    method: str
    shifts: tuple[RosterShift, ...] = ()
    proven_optimal: bool = True
    shrinkage: Fraction = Fraction(0)

    @property
    def interval_hours(self) -> Decimal:
        """One interval in hours (exact: 0.25 for 15 minutes)."""
        return Decimal(interval_seconds(self.interval)) / 3600

    @property
    def hours(self) -> Decimal:
        """Total paid hours (exact)."""
        if self.shifts:
            return sum((s.hours for s in self.shifts), Decimal(0))
        return Decimal(int(self.heads.sum())) * self.interval_hours

    @property
    def lower_bound(self) -> Decimal:
        """``sum_i ceil(n_i / (1 - s)) * interval``: what paying exactly the heads needed costs."""
        return self._required_hours()

    @property
    def idle_hours(self) -> Decimal:
        """Paid hours beyond the lower bound: forced by shift lengths and the start grid."""
        return self.hours - self.lower_bound

    def interval_paid_hours(self) -> list[Decimal]:
        """Paid hours per interval; they add up to :attr:`hours` exactly."""
        step = self.interval_hours
        return [Decimal(int(h)) * step for h in self.heads]

    def _required_hours(self) -> Decimal:
        return Decimal(int(self.required.sum())) * self.interval_hours

    def explain(self) -> Explanation:
        """How the paid hours were found."""
        steps = [
            f"{int((self.required > 0).sum())} of {self.required.size} intervals need agents",
            f"paid heads = ceil(agents / (1 - {self.shrinkage})) per interval (exact fractions)",
            f"sum of required heads x interval = {self._required_hours()} h",
        ]
        if self.shifts:
            steps.append(
                f"{sum(s.count for s in self.shifts)} shifts cover every interval"
                + ("" if self.proven_optimal else " (time limit hit: not proven optimal)")
            )
            steps.append(
                f"{self.idle_hours} h paid beyond the lower bound "
                "(shift lengths and start grid force them)"
            )
        formula = (
            "sum_i ceil(n_i / (1 - shrinkage)) * interval"
            if self.method == "lower bound"
            else "min shift hours with heads >= ceil(n_i / (1 - shrinkage)) in every interval"
        )
        return explanation(
            f"paid hours ({self.method})",
            self.hours,
            formula,
            {
                "interval": self.interval,
                "intervals": self.required.size,
                "shrinkage": self.shrinkage,
            },
            steps,
        )


def paid_hours_lower_bound(
    agents: npt.ArrayLike, shrinkage: object, *, start: datetime, interval: timedelta
) -> PaidHours:
    """Pay exactly the heads each interval needs: ``sum_i ceil(n_i / (1 - s)) * interval``.

    >>> from datetime import timezone
    >>> t0 = datetime(2025, 6, 2, 8, tzinfo=timezone.utc)
    >>> paid_hours_lower_bound([21, 0, 14], 0.3, start=t0, interval=timedelta(minutes=30)).hours
    Decimal('25.0')
    """
    interval_seconds(interval)
    heads = paid_heads(agents, shrinkage)
    return PaidHours(
        start, interval, heads, heads, "lower bound", shrinkage=exact_share(shrinkage, "shrinkage")
    )


@attrs.frozen
class ShiftRules:
    """The shifts a roster may use: their ``lengths`` and the ``starts_every`` grid.

    Both must be whole multiples of the workload's interval. Starts are on the
    grid counted from the period's start (midnight for a month).
    """

    lengths: Sequence[timedelta]
    starts_every: timedelta = timedelta(minutes=15)

    def __attrs_post_init__(self) -> None:
        lengths = tuple(self.lengths)
        if not lengths:
            raise EconomicsError("give at least one shift length", field="shifts.lengths")
        for i, length in enumerate(lengths):
            if not isinstance(length, timedelta) or length <= timedelta(0):
                raise EconomicsError(
                    f"expected a positive timedelta, got {length!r}", field=f"shifts.lengths[{i}]"
                )
        if not isinstance(self.starts_every, timedelta) or self.starts_every <= timedelta(0):
            raise EconomicsError("must be a positive timedelta", field="shifts.starts_every")
        object.__setattr__(self, "lengths", tuple(sorted(set(lengths))))

    def _steps(self, interval: timedelta) -> tuple[list[int], int]:
        lengths = []
        for length in self.lengths:
            if length % interval:
                raise EconomicsError(
                    f"{length} is not a whole number of {interval} intervals",
                    field="shifts.lengths",
                )
            lengths.append(length // interval)
        if self.starts_every % interval:
            raise EconomicsError(
                f"{self.starts_every} is not a whole number of {interval} intervals",
                field="shifts.starts_every",
            )
        return lengths, self.starts_every // interval


def _candidates(need: Ints, lengths: list[int], grid: int, offset: int) -> tuple[Ints, Ints]:
    """Shift (start, length) pairs worth offering the solver, ``offset`` intervals into the period.

    Any roster can be moved, shift by shift, one grid step later while the
    intervals it leaves carry no need; so only shifts whose first grid step
    holds a need, or that cannot move further, are kept (the optimum is
    unchanged, the model much smaller).
    """
    n = need.size
    busy = np.concatenate([[0], np.cumsum(need > 0)])
    starts = np.arange((-offset) % grid, n, grid, dtype=np.int64)
    useful = busy[np.minimum(starts + grid, n)] - busy[starts] > 0
    out_s, out_l = [], []
    for length in lengths:
        fits = starts + length <= n
        keep = fits & (useful | (starts + length + grid > n))
        out_s.append(starts[keep])
        out_l.append(np.full(int(keep.sum()), length, dtype=np.int64))
    return np.concatenate(out_s), np.concatenate(out_l)


def _segments(need: Ints, longest: int, grid: int) -> list[tuple[int, int]]:
    """Cut the period inside gaps no shift can bridge: each piece is solved on its own."""
    cuts = [0]
    busy = np.flatnonzero(need > 0)
    gaps = np.flatnonzero(np.diff(busy) - 1 >= longest + grid)
    cuts.extend(int(busy[g]) + 1 + longest for g in gaps)
    cuts.append(need.size)
    return list(itertools.pairwise(cuts))


def _solve(
    need: Ints, lengths: list[int], grid: int, offset: int, time_limit: float
) -> tuple[Ints, Ints, Ints, bool, Ints]:
    """One piece: (starts, lengths, counts, proven optimal, heads)."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import csc_array

    begin, length = _candidates(need, lengths, grid, offset)
    if not begin.size:
        raise _Uncovered(offset + int(np.flatnonzero(need > 0)[0]), int((need > 0).sum()))
    # Shift j covers rows begin[j] .. begin[j] + length[j] - 1 (built without a Python loop).
    cols = np.repeat(np.arange(begin.size), length)
    first = np.repeat(np.cumsum(length) - length, length)
    rows = np.repeat(begin, length) + np.arange(cols.size) - first
    cover = csc_array((np.ones(rows.size), (rows, cols)), shape=(need.size, begin.size))
    reach = np.asarray(cover.sum(axis=1)).ravel()
    lost = np.flatnonzero((need > 0) & (reach == 0))
    if lost.size:
        raise _Uncovered(offset + int(lost[0]), int(lost.size))
    live = need > 0
    rhs = need[live].astype(np.float64)
    # Each shift covers consecutive intervals: the covering matrix is an interval
    # matrix, totally unimodular, so the LP relaxation's vertex is whole and then
    # also the integer optimum (its bound is met). A fractional answer falls back to MILP.
    relaxed = linprog(
        length.astype(np.float64),
        A_ub=-cover[live],
        b_ub=-rhs,
        bounds=(0, None),
        method="highs",
        options={"time_limit": time_limit},
    )
    x = relaxed.x if relaxed.status == 0 else None
    proven = x is not None and bool(np.abs(x - np.rint(x)).max() < 1e-9)
    if not proven:
        result = milp(
            c=length.astype(np.float64),
            constraints=LinearConstraint(cover[live], lb=rhs, ub=np.inf),
            integrality=np.ones(begin.size),
            bounds=Bounds(0, np.inf),
            options={"time_limit": time_limit, "mip_rel_gap": 0.0},
        )
        if result.x is None:
            raise EconomicsError(f"no roster found: {result.message}", field="shifts")
        x, proven = result.x, bool(result.status == 0)
    assert x is not None
    counts = np.rint(x).astype(np.int64)
    heads = np.asarray(cover @ counts).astype(np.int64)
    return begin, length, counts, proven, heads


class _Uncovered(Exception):
    def __init__(self, first: int, count: int) -> None:
        self.first, self.count = first, count


def schedule_shifts(
    agents: npt.ArrayLike,
    shrinkage: object,
    shifts: ShiftRules,
    *,
    start: datetime,
    interval: timedelta,
    time_limit: float = 60.0,
) -> PaidHours:
    """Whole shifts covering every interval's paid heads at minimum paid hours (HiGHS MILP).

    Raises :class:`~sla.EconomicsError` naming the first interval no allowed
    shift can cover, or when the solver finds no roster. A solve stopped by
    ``time_limit`` (seconds) with a feasible roster returns it with
    ``proven_optimal=False``.
    """
    try:
        import scipy.optimize  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise EconomicsError(
            "scheduling shifts needs scipy: pip install 'sla[optimize]'", field="shifts"
        ) from None
    interval_seconds(interval)
    if not isinstance(shifts, ShiftRules):
        raise EconomicsError(f"expected ShiftRules, got {shifts!r}", field="shifts")
    if not (isinstance(time_limit, int | float) and time_limit > 0):
        raise EconomicsError(
            f"must be a positive number of seconds, got {time_limit!r}", field="time_limit"
        )
    need = paid_heads(agents, shrinkage)
    s = exact_share(shrinkage, "shrinkage")
    lengths, grid = shifts._steps(interval)
    if not need.any():
        return PaidHours(start, interval, need, need.copy(), "shifts", shrinkage=s)
    heads = np.zeros(need.size, dtype=np.int64)
    roster: list[RosterShift] = []
    proven_all = True
    clock = time.perf_counter()
    for lo, hi in _segments(need, max(lengths), grid):
        if not need[lo:hi].any():
            continue
        left = max(1e-3, float(time_limit) - (time.perf_counter() - clock))
        try:
            begin, length, counts, proven, part = _solve(need[lo:hi], lengths, grid, lo, left)
        except _Uncovered as gap:
            at = start + interval * gap.first
            raise EconomicsError(
                f"no allowed shift covers the interval starting {at.isoformat()} "
                f"({gap.count} such intervals in its part of the period)",
                field="shifts",
            ) from None
        heads[lo:hi] = part
        proven_all &= proven
        roster.extend(
            RosterShift(
                start + interval * (lo + int(begin[j])), interval * int(length[j]), int(counts[j])
            )
            for j in np.flatnonzero(counts)
        )
    if (heads < need).any():  # pragma: no cover - a solver tolerance problem
        first = int(np.flatnonzero(heads < need)[0])
        raise EconomicsError(
            f"the roster leaves {(start + interval * first).isoformat()} short",
            field="shifts",
        )
    return PaidHours(
        start,
        interval,
        need,
        heads,
        "shifts",
        tuple(roster),
        proven_optimal=proven_all,
        shrinkage=s,
    )
