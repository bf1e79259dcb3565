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
from typing import Final, Literal, TypeAlias

import attrs
import pendulum

from sla._errors import PricingError, Problem
from sla._types import NumberText
from sla.clocks._compliance import Attainment
from sla.money import Money
from sla.pricing._common import (
    CTX,
    ZERO,
    converter_problems,
    fmt,
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
    "ClaimDeadline",
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
    def below(cls, metric: str, rows: Iterable[tuple[NumberText, NumberText]]) -> BandCredit:
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

    def promise(self) -> Decimal:
        """The attainment below which a credit is due: the top of the best crediting band."""
        crediting = [band.upper for band in self.bands if band.credit > 0]
        return max(crediting, default=self.bands[-1].upper)

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


ClaimRule: TypeAlias = Literal[
    "days_after_period", "days_after_incident", "end_of_following_month", "end_of_second_cycle"
]
_CLAIM_WORDS: Final = {
    "days_after_period": "within {days} days of the end of the period",
    "days_after_incident": "within {days} days of the incident",
    "end_of_following_month": "by the end of the calendar month after the incident (Azure)",
    "end_of_second_cycle": "by the end of the second billing cycle after the incident (AWS)",
}


@attrs.frozen(slots=True)
class ClaimDeadline:
    """When a service credit must be claimed, written as providers write it.

    * ``"end_of_following_month"``: by the end of the calendar month after the
      month of the incident (Microsoft Azure's SLA terms);
    * ``"end_of_second_cycle"``: by the end of the second billing cycle after the
      one in which the incident occurred (AWS service terms);
    * ``"days_after_incident"``: within ``days`` days of the incident;
    * ``"days_after_period"``: within ``days`` days of the end of the period.

    Months are cut in the period's zone; the deadline itself is exclusive.
    """

    rule: ClaimRule
    days: int | None = None

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.rule not in _CLAIM_WORDS:
            problems.append(
                Problem(
                    "rule", f"unknown claim rule {self.rule!r}; one of {', '.join(_CLAIM_WORDS)}"
                )
            )
        needs_days = self.rule in ("days_after_period", "days_after_incident")
        days: object = self.days
        if needs_days and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            problems.append(Problem("days", f"needs a non-negative int of days, got {days!r}"))
        elif not needs_days and days is not None:
            problems.append(Problem("days", f"{self.rule} takes no days"))
        raise_problems(problems, "claim deadline")

    def describe(self) -> str:
        """The rule in words, as the invoice prints it."""
        return _CLAIM_WORDS[self.rule].format(days=self.days)

    def deadline(
        self, period_start: dt.datetime, period_end: dt.datetime, incident_at: dt.datetime | None
    ) -> dt.datetime | None:
        """The last instant (exclusive) a claim is accepted; ``None`` when it cannot be known."""
        days = dt.timedelta(days=self.days or 0)
        if self.rule == "days_after_period":
            return period_end + days
        if self.rule == "days_after_incident":
            return None if incident_at is None else incident_at + days
        start = pendulum.instance(period_start)
        if self.rule == "end_of_following_month":
            seen = start if incident_at is None else pendulum.instance(incident_at)
            month = seen.in_timezone(start.timezone or "UTC").start_of("month")
            return month.add(months=2)
        cycle = pendulum.instance(period_end) - pendulum.instance(period_start)
        if start.day == 1 and start.add(months=1) == pendulum.instance(period_end):
            return start.add(months=3)  # monthly cycles: the end of the second one after
        return period_end + 2 * cycle


@attrs.frozen(slots=True)
class CreditSchedule:
    """Credit rules, a cap (share of the basis), a minimum credit and a claim rule."""

    rules: tuple[CreditRule, ...] = attrs.field(converter=_rules)
    cap: Decimal | None = attrs.field(default=None, converter=optional_share_field("cap"))  # type: ignore[misc]
    minimum_credit: Money | None = None
    claim_days: int | None = None
    basis: str = "charges"
    claim: ClaimDeadline | None = None

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
        claim: object = self.claim
        if claim is not None and not isinstance(claim, ClaimDeadline):
            problems.append(Problem("claim", f"expected a ClaimDeadline, got {claim!r}"))
        elif claim is not None and self.claim_days is not None:
            problems.append(Problem("claim", "give claim or claim_days, not both"))
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
        period_start: dt.datetime | None = None,
        incident_at: dt.datetime | None = None,
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
        deadline = self.claim_rule()
        if applied and deadline is not None:
            applied = _claim_accepted(
                deadline, notes, period_start, period_end, claimed_at, incident_at
            )
        return CreditResult(tuple(lines), total, applied, tuple(notes))

    def claim_rule(self) -> ClaimDeadline | None:
        """The claim deadline (``claim_days`` is ``days_after_period``)."""
        if self.claim is not None:
            return self.claim
        if self.claim_days is not None:
            return ClaimDeadline("days_after_period", self.claim_days)
        return None


def _claim_accepted(
    rule: ClaimDeadline,
    notes: list[str],
    period_start: dt.datetime | None,
    period_end: dt.datetime | None,
    claimed_at: dt.datetime | None,
    incident_at: dt.datetime | None,
) -> bool:
    """Whether a claim meets the deadline; a refused claim says why in ``notes``."""
    words = rule.describe()
    if claimed_at is None:
        notes.append(f"claim refused: credits must be claimed {words}, and no claim was made")
        return False
    if period_end is None:
        return True
    deadline = rule.deadline(period_start or period_end, period_end, incident_at)
    if deadline is None:
        notes.append(
            f"claim refused: credits must be claimed {words}; the incident time is unknown"
        )
        return False
    if claimed_at >= deadline:
        notes.append(
            f"claim refused: claimed {claimed_at.isoformat()}, after the deadline "
            f"{deadline.isoformat()} (credits must be claimed {words})"
        )
        return False
    notes.append(f"claim accepted: claimed {claimed_at.isoformat()}, before {deadline.isoformat()}")
    return True


def _credit(rule: CreditRule, att: Attainment, basis: Money) -> CreditLine | None:
    # Plain words: the metric's label and percentages, never internal keys or band notation.
    where = Metric(att.metric).label + (f" (service class {att.tier})" if att.tier else "")
    shown = _percent_words(att.attained)
    if isinstance(rule, BandCredit):
        band = rule.band_for(att.attained)
        if band is None or band.credit == 0:
            return None
        promise = att.target if att.target is not None else Fraction(rule.promise())
        return CreditLine(
            att.metric,
            basis * band.credit,
            f"{where}: service level {shown} against a promise of {_percent_words(promise)}: "
            f"{_percent_words(Fraction(band.credit))} credit",
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
        f"{where}: {att.breaches} missed contact(s) × {each.rounded()} credit each",
        att.tier,
        att.attained,
        breaches=att.breaches,
    )


def _percent_words(share: Fraction) -> str:
    """``Fraction(29, 40)`` as ``"72.5 %"``; a share that does not terminate to 4 places."""
    if _terminates(share):
        return f"{fmt(CTX.multiply(fraction_to_decimal(share, 'share'), Decimal(100)))} %"
    return f"{float(share) * 100:.4f} %"


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
