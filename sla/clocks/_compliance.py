"""Compliance: metric cycles -> counts, attainment and response times per group and period.

Periods are cut in the contract's zone (a June 30 23:30 Berlin contact
belongs to June even though it is July 1 in some other zone, and to June 30
21:30 in UTC). Attainment is exact (a :class:`~fractions.Fraction`) so that
service credits computed from it never depend on float rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import attrs

from sla._errors import ClockError, Problem
from sla._types import DataFrame, PandasFrame
from sla.clocks._partials import (
    COMPLIANCE_GROUPS,
    Period,
    check_grouping,
    combine_partials,
    compliance_partials,
)
from sla.clocks._policy import _fraction, check_metric

if TYPE_CHECKING:
    from sla.clocks._results import CycleResult, Evaluation

__all__ = ["Attainment", "ServiceLevelTarget", "attainment", "compliance"]


@attrs.frozen(slots=True)
class ServiceLevelTarget:
    """An aggregate promise: ``fraction`` of ``metric`` cycles within ``within_seconds``.

    "80 % of calls answered within 20 s" is
    ``ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20)``.
    Without ``within_seconds`` a cycle counts when it met its own deadline.
    Abandoned calls count in the denominator and never as attained.
    ``tier`` restricts the target to one tier (``None``: every tier).
    """

    metric: str
    fraction: Fraction = attrs.field(converter=_fraction)
    within_seconds: int | None = None
    tier: str | None = None

    def __attrs_post_init__(self) -> None:
        found = []
        found.extend(check_metric(self.metric, "metric"))
        if not 0 < self.fraction <= 1:
            found.append(Problem("fraction", "must be above 0 and at most 1"))
        if self.within_seconds is not None and self.within_seconds <= 0:
            found.append(Problem("within_seconds", "must be above 0"))
        if found:
            raise ClockError.from_problems(found, what="service-level target")


def _attained_share(value: object, field: str = "attained") -> Fraction:
    """An exact share between 0 and 1 from a Fraction, Decimal, int or text such as ``"95.3%"``.

    Floats are refused: ``99.99 %`` read through a float is 99.98999... % and
    may grant a credit that is not owed.
    """
    if isinstance(value, (bool, float)):
        raise ClockError(
            f"{value!r} is a {type(value).__name__}; give a Fraction, Decimal or text such as "
            "'99.9%'",
            field=field,
        )
    try:
        if isinstance(value, str):
            text = value.strip().replace("_", "")
            percent = text.endswith("%")
            number = Decimal(text[:-1].strip() if percent else text)
            if not number.is_finite():
                raise ArithmeticError
            share = Fraction(number) / (100 if percent else 1)
        elif isinstance(value, (Fraction, int, Decimal)):
            share = Fraction(value)
        else:
            raise TypeError
    except (ArithmeticError, TypeError, ValueError):
        raise ClockError(
            f"{value!r} is not a share (give e.g. '99.9%', '0.999' or Fraction(999, 1000))",
            field=field,
        ) from None
    if not 0 <= share <= 1:
        raise ClockError(f"{value!r} is not a share between 0 and 1", field=field)
    return share


def _optional_share(value: object) -> Fraction | None:
    return None if value is None else _attained_share(value, "target")


def _lenient_share(value: object) -> Any:
    # Errors are reported together by __attrs_post_init__.
    try:
        return _attained_share(value)
    except ClockError:
        return value


def _lenient_optional_share(value: object) -> Any:
    try:
        return _optional_share(value)
    except ClockError:
        return value


class AttainmentFields(TypedDict, total=False):
    """The optional fields of :class:`Attainment`, as :meth:`Attainment.from_counts` takes them."""

    target: Fraction | Decimal | str | None
    tier: str | None
    period: str | None
    breaches: int


@attrs.frozen(slots=True)
class Attainment:
    """Compliance of one metric over one period: what service credits are computed from.

    ``attained`` = ``met / total`` exactly, where ``total`` counts finished
    cycles (met, breached, abandoned); ``target`` is the promised fraction
    when one applies; ``breaches`` counts breached and abandoned cycles.
    :func:`attainment` fills it in from the clock engine's cycles; a user may
    also write one by hand, with ``attained`` as a Fraction, a Decimal or text
    (``"95.3%"``, ``"0.953"``; never a float). ``metric`` is one of
    :class:`sla.tiers.Metric`: a misspelt metric is an error, never a credit
    silently dropped.

    >>> Attainment("speed_of_answer", "99.99%").attained
    Fraction(9999, 10000)
    """

    metric: str
    attained: Fraction = attrs.field(converter=_lenient_share)
    target: Fraction | None = attrs.field(default=None, converter=_lenient_optional_share)
    tier: str | None = None
    period: str | None = None
    met: int | None = None
    total: int | None = None
    breaches: int = 0

    def __attrs_post_init__(self) -> None:
        problems = check_metric(self.metric, "metric")
        for name, convert in (("attained", _attained_share), ("target", _optional_share)):
            try:
                convert(getattr(self, name))
            except ClockError as error:
                problems.append(Problem(name, error.reason))
        for name in ("met", "total", "breaches"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0
            ):
                problems.append(Problem(name, f"must be a non-negative int, got {value!r}"))
        if isinstance(self.met, int) and isinstance(self.total, int) and self.met > self.total:
            problems.append(Problem("met", f"{self.met} met out of only {self.total}"))
        if problems:
            raise ClockError.from_problems(problems, what="attainment")

    @classmethod
    def from_counts(
        cls, metric: str, met: int, total: int, **kw: Unpack[AttainmentFields]
    ) -> Attainment:
        """``met`` of ``total`` contacts in target (no contacts counts as 100 %)."""
        for name, value in (("met", met), ("total", total)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ClockError(f"must be a non-negative int, got {value!r}", field=name)
        share = Fraction(met, total) if total else Fraction(1)
        return cls(metric, share, met=met, total=total, **kw)

    @property
    def missed(self) -> bool:
        """Whether the promised fraction was missed (``False`` with no target)."""
        return self.target is not None and self.attained < self.target

    @property
    def missed_target(self) -> bool:
        """The same as :attr:`missed`."""
        return self.missed


def compliance(
    cycles: DataFrame | Iterable[CycleResult | Evaluation],
    *,
    tz: str | None = None,
    period: Period = "month",
    by: Sequence[str] = COMPLIANCE_GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> PandasFrame:
    """A pandas DataFrame of compliance figures, one row per group.

    ``cycles`` is the table :func:`~sla.clocks.evaluate_table` returns (pandas,
    polars or Arrow) or an iterable of :class:`CycleResult` / :class:`Evaluation`.
    Groups are any of ``tier, channel, metric, priority, period`` (periods of
    the cycle start in zone ``tz``; by default each cycle's own ``tz``, the
    zone of its contract, so that periods are never cut in UTC by accident),
    rows sorted by group. Columns: counts
    ``total, met, breached, active`` (running or paused), ``cancelled,
    abandoned``; ``attained`` (exact met / finished) and, where a
    :class:`ServiceLevelTarget` applies to the group's metric and tier,
    ``sl_target``, ``sl_within_seconds``, ``sl_attained`` (exact) and
    ``sl_met``; mean and percentile response times (finished, not abandoned;
    numpy's "linear" percentile) in business (``business_*``) and calendar
    (``calendar_*``) seconds.

    This is ``combine_partials([compliance_partials(cycles, tz=tz,
    period=period)], ...)``: the very computation a Dask or Spark run does
    on per-partition partials, so the two reports are equal by construction.
    """
    check_grouping(period, by)
    partials = compliance_partials(cycles, tz=tz, period=period, output="arrow")
    return combine_partials([partials], by=by, targets=targets, percentiles=percentiles)


def attainment(
    cycles: DataFrame | Iterable[CycleResult | Evaluation],
    *,
    tz: str | None = None,
    period: Period = "month",
    targets: Sequence[ServiceLevelTarget] = (),
) -> list[Attainment]:
    """Attainment per metric, tier and period: the input of SLA service credits.

    With a :class:`ServiceLevelTarget` for the metric (and tier), ``attained``
    and ``met`` follow its threshold; otherwise each cycle's own deadline.
    Groups with no finished cycle are left out.
    """
    table = compliance(
        cycles, tz=tz, period=period, by=("metric", "tier", "period"), targets=targets
    )
    out = []
    for row in table.to_dict("records"):
        finished = row["met"] + row["breached"] + row["abandoned"]
        if not finished:
            continue
        has_target = "sl_target" in row and isinstance(row.get("sl_target"), Fraction)
        met = int(row["sl_met"]) if has_target else row["met"]
        out.append(
            Attainment(
                metric=row["metric"],
                tier=row["tier"] if isinstance(row["tier"], str) else None,
                period=row["period"],
                attained=Fraction(met, finished),
                target=row["sl_target"] if has_target else None,
                met=met,
                total=finished,
                breaches=row["breached"] + row["abandoned"],
            )
        )
    return out
