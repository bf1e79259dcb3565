"""Service credits: attainment of a target -> credit lines, capped, claimed in time.

A :class:`CreditSchedule` holds rules per metric. A :class:`BandCredit` maps
the attained share to a credit share through bands that are
**lower-bound inclusive**: attainment of exactly 95.0 % falls in the band that
starts at 95.0 %. A :class:`BreachCredit` credits a fixed amount or a share
per breach. The schedule's ``cap`` bounds the period's credits as a share of
the basis (the charges they are computed on); ``minimum_credit`` suppresses
credits below it; ``claim_days`` requires a claim within that many days of
the period's end (``None``: credits are automatic).

The compliance figures come in as the clock engine's
:class:`sla.clocks.Attainment` records (the one attainment type of the package;
a user may also write them by hand).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from sla._errors import PricingError, Problem
from sla.clocks._compliance import Attainment
from sla.money import Money
from sla.pricing._common import (
    CTX,
    ZERO,
    Number,
    converter_problems,
    fraction_to_decimal,
    items,
    money_problems,
    optional_share_field,
    pct,
    raise_problems,
    share_field,
    to_share,
)
from sla.tiers import Metric

__all__ = [
    "Band",
    "BandCredit",
    "BreachCredit",
    "CreditLine",
    "CreditResult",
    "CreditSchedule",
]


@attrs.frozen(slots=True)
class Band:
    """Attainment in ``[lower, upper)`` earns ``credit`` (a share of the basis)."""

    lower: Decimal = attrs.field(converter=share_field("lower"))  # type: ignore[misc]
    upper: Decimal = attrs.field(converter=share_field("upper"))  # type: ignore[misc]
    credit: Decimal = attrs.field(converter=share_field("credit"))  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        raise_problems(converter_problems(self)[0], "credit band")

    def label(self) -> str:
        return f"[{pct(self.lower)}, {pct(self.upper)}) → {pct(self.credit)}"


def _bands(value: Iterable[Band]) -> tuple[Band, ...]:
    result: tuple[Band, ...] = items(value)
    return result


@attrs.frozen(slots=True)
class BandCredit:
    """Credit bands for one metric (bands sorted, contiguous, non-overlapping)."""

    metric: str
    bands: tuple[Band, ...] = attrs.field(converter=_bands)

    def __attrs_post_init__(self) -> None:
        problems = _metric_problems(self.metric)
        bands: object = self.bands
        if not isinstance(bands, tuple):
            problems.append(Problem("bands", f"expected a list of Band, got {bands!r}"))
            bands = ()
        elif not bands:
            problems.append(Problem("bands", "need at least one band"))
        previous: Band | None = None
        for i, band in enumerate(bands):
            if not isinstance(band, Band):
                problems.append(Problem(f"bands[{i}]", f"expected a Band, got {band!r}"))
                previous = None
                continue
            if band.upper <= band.lower:
                problems.append(Problem(f"bands[{i}]", f"empty band {band.label()}"))
            if previous is not None and band.lower != previous.upper:
                kind = "gap" if band.lower > previous.upper else "overlap"
                problems.append(Problem(f"bands[{i}].lower", f"{kind} before {band.label()}"))
            if previous is not None and band.credit > previous.credit:
                problems.append(
                    Problem(
                        f"bands[{i - 1}].credit",
                        f"{pct(previous.credit)} for {previous.label().split(' →')[0]} is less "
                        f"than {pct(band.credit)} for the better attainment "
                        f"{band.label().split(' →')[0]}: credits must not shrink as "
                        "attainment falls",
                    )
                )
            previous = band
        raise_problems(problems, f"credit bands for {self.metric!r}")

    @classmethod
    def below(cls, metric: str, rows: Iterable[tuple[Number, Number]]) -> BandCredit:
        """From "below X → credit Y" rows, e.g. ``[("99%", "10%"), ("95%", "25%")]``.

        The lowest band starts at 0 %; each band ends where the next higher starts.
        The credit may not shrink as attainment falls (below 99 % → 25 % and below
        90 % → 10 % is refused: it is almost always two swapped rows).
        """
        problems: list[Problem] = []
        pairs: list[tuple[Decimal, Decimal]] = []
        listed: object = rows
        if isinstance(listed, (str, bytes)) or not isinstance(listed, Iterable):
            problems.append(Problem("bands", f"expected (below, credit) rows, got {listed!r}"))
            listed = ()
        for i, row in enumerate(listed):
            if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != 2:
                problems.append(Problem(f"bands[{i}]", f"expected (below, credit), got {row!r}"))
                continue
            found = len(problems)
            below, credit = ZERO, ZERO
            try:
                below = to_share(row[0], f"bands[{i}].below")
            except PricingError as error:
                problems.extend(error.problems)
            try:
                credit = to_share(row[1], f"bands[{i}].credit")
            except PricingError as error:
                problems.extend(error.problems)
            if len(problems) == found:
                pairs.append((below, credit))
        pairs.sort(key=lambda p: p[0])
        for (low, low_credit), (high, high_credit) in itertools.pairwise(pairs):
            if low == high:
                problems.append(Problem("bands", f"two rows below {pct(low)}"))
            elif low_credit < high_credit:
                problems.append(
                    Problem(
                        "bands",
                        f"below {pct(low)} → {pct(low_credit)} is less than below {pct(high)} "
                        f"→ {pct(high_credit)}: credits must not shrink as attainment falls",
                    )
                )
        if problems:
            raise PricingError.from_problems(problems, what=f"credit bands for {metric!r}")
        bands, lower = [], ZERO
        for upper, credit in pairs:
            bands.append(Band(lower, upper, credit))
            lower = upper
        return cls(metric, bands)

    def band_for(self, attained: Fraction) -> Band | None:
        """The band ``attained`` falls in (lower bound inclusive), if any."""
        for band in self.bands:
            if Fraction(band.lower) <= attained < Fraction(band.upper):
                return band
        return None


@attrs.frozen(slots=True)
class BreachCredit:
    """A credit per breach: a fixed ``amount`` or a ``share`` of the basis each."""

    metric: str
    amount: Money | None = None
    share: Decimal | None = attrs.field(default=None, converter=optional_share_field("share"))  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        problems, bad = converter_problems(self)
        problems.extend(_metric_problems(self.metric))
        problems.extend(money_problems(("amount", self.amount), optional=True))
        if self.amount is None and self.share is None and "share" not in bad:
            problems.append(Problem("amount", "give exactly one of amount and share"))
        elif self.amount is not None and self.share is not None:
            problems.append(Problem("share", "give exactly one of amount and share, not both"))
        amount: object = self.amount
        if isinstance(amount, Money) and amount.amount < 0:
            problems.append(Problem("amount", f"{amount} is negative"))
        raise_problems(problems, "breach credit")


CreditRule = BandCredit | BreachCredit

_METRICS = tuple(m.value for m in Metric)


def _metric_problems(metric: object) -> list[Problem]:
    """A misspelt metric would never match an attainment: the credit would silently vanish."""
    if not isinstance(metric, str) or not metric:
        return [Problem("metric", f"expected a metric name, got {metric!r}")]
    if metric not in _METRICS:
        return [
            Problem("metric", f"unknown metric {metric!r}; expected one of {', '.join(_METRICS)}")
        ]
    return []


def _rules(value: Iterable[CreditRule]) -> tuple[CreditRule, ...]:
    result: tuple[CreditRule, ...] = items(value)
    return result


@attrs.frozen(slots=True)
class CreditLine:
    """One credit: which metric, why, and the (positive, unrounded) amount credited."""

    metric: str
    amount: Money
    reason: str
    tier: str | None = None
    attained: Fraction | None = None
    band: Band | None = None
    breaches: int | None = None


@attrs.frozen(slots=True)
class CreditResult:
    """The credits of a period: lines (after the cap), total, and notes on why."""

    lines: tuple[CreditLine, ...]
    total: Money
    applied: bool
    notes: tuple[str, ...]


@attrs.frozen(slots=True)
class CreditSchedule:
    """Credit rules, a cap (share of the basis), a minimum credit and a claim rule."""

    rules: tuple[CreditRule, ...] = attrs.field(converter=_rules)
    cap: Decimal | None = attrs.field(default=None, converter=optional_share_field("cap"))  # type: ignore[misc]
    minimum_credit: Money | None = None
    claim_days: int | None = None
    basis: str = "charges"

    def __attrs_post_init__(self) -> None:
        problems, _ = converter_problems(self)
        rules: object = self.rules
        if not isinstance(rules, tuple):
            problems.append(Problem("rules", f"expected a list of credit rules, got {rules!r}"))
            rules = ()
        for i, rule in enumerate(rules):
            if not isinstance(rule, BandCredit | BreachCredit):
                problems.append(
                    Problem(f"rules[{i}]", f"expected a BandCredit or BreachCredit, got {rule!r}")
                )
        if self.claim_days is not None and (
            isinstance(self.claim_days, bool)
            or not isinstance(self.claim_days, int)
            or self.claim_days < 0
        ):
            problems.append(Problem("claim_days", "must be a non-negative int of days"))
        if self.basis not in ("charges", "fees"):
            problems.append(
                Problem("basis", f"credit basis is 'charges' or 'fees', not {self.basis!r}")
            )
        problems.extend(money_problems(("minimum_credit", self.minimum_credit), optional=True))
        if isinstance(self.minimum_credit, Money) and self.minimum_credit.amount < 0:
            problems.append(Problem("minimum_credit", "is negative"))
        raise_problems(problems, "credit schedule")

    def evaluate(
        self,
        compliance: Sequence[Attainment],
        basis: Money,
        *,
        period_end: dt.datetime | None = None,
        claimed_at: dt.datetime | None = None,
    ) -> CreditResult:
        """Credit lines for the compliance figures of a period, computed on ``basis``."""
        currency = basis.currency
        lines: list[CreditLine] = []
        for att in compliance:
            if not isinstance(att, Attainment):
                raise PricingError(f"expected an Attainment, got {att!r}", field="compliance")
            for rule in self.rules:
                if rule.metric != att.metric:
                    continue
                line = _credit(rule, att, basis)
                if line is not None:
                    lines.append(line)
        notes: list[str] = []
        if self.cap is not None:
            lines = _apply_cap(
                lines, Money(CTX.multiply(self.cap, basis.amount), currency), self.cap, notes
            )
        total = sum((line.amount for line in lines), Money.zero(currency))
        applied = bool(lines)
        if applied and self.minimum_credit is not None and total < self.minimum_credit:
            notes.append(
                f"credits of {total} are below the minimum credit {self.minimum_credit}: not issued"
            )
            applied = False
        if applied and self.claim_days is not None:
            deadline = (
                None if period_end is None else period_end + dt.timedelta(days=self.claim_days)
            )
            if claimed_at is None:
                notes.append(f"credits must be claimed within {self.claim_days} days: no claim")
                applied = False
            elif deadline is not None and claimed_at > deadline:
                notes.append(
                    f"claimed {claimed_at.isoformat()}, after the deadline {deadline.isoformat()}"
                )
                applied = False
        return CreditResult(tuple(lines), total, applied, tuple(notes))


def _credit(rule: CreditRule, att: Attainment, basis: Money) -> CreditLine | None:
    where = f"{att.metric}" + (f" (tier {att.tier})" if att.tier else "")
    shown = (
        pct(fraction_to_decimal(att.attained, "attained"))
        if _terminates(att.attained)
        else f"{float(att.attained):.4%}"
    )
    if isinstance(rule, BandCredit):
        band = rule.band_for(att.attained)
        if band is None or band.credit == 0:
            return None
        return CreditLine(
            att.metric,
            basis * band.credit,
            f"{where}: attained {shown}, band {band.label()}",
            att.tier,
            att.attained,
            band=band,
        )
    if att.breaches == 0:
        return None
    each = rule.amount if rule.amount is not None else basis * (rule.share or ZERO)
    return CreditLine(
        att.metric,
        each * att.breaches,
        f"{where}: {att.breaches} breach(es) × {each}",
        att.tier,
        att.attained,
        breaches=att.breaches,
    )


def _terminates(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def _apply_cap(
    lines: list[CreditLine], cap: Money, share: Decimal, notes: list[str]
) -> list[CreditLine]:
    left = cap
    kept = []
    for line in lines:
        if line.amount <= left:
            kept.append(line)
            left = left - line.amount
            continue
        if left.amount > 0:
            kept.append(
                attrs.evolve(
                    line, amount=left, reason=f"{line.reason}; cut to the cap of {pct(share)}"
                )
            )
        notes.append(f"credits capped at {pct(share)} of the basis ({cap})")
        left = Money.zero(cap.currency)
    return kept
