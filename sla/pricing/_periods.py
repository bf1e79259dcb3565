"""Billing periods in a zone and proration by day or by second.

A :class:`BillingPeriod` is the half-open span ``[start, end)`` of aware instants,
seen in an IANA zone (pendulum). Proration is the share of a period that a
plan was active, with the whole period as the denominator:

* by ``"day"`` (the default): calendar days in the zone; each day is billed
  to the plan in force when the day ends, so a plan's first day counts whole
  however late it starts, and a day split between two plans is billed once,
  to the second: pieces split at any instant add up to the whole period;
* by ``"second"``: elapsed seconds, so a DST change shortens or lengthens
  the period by an hour.

February 2024 has 29 days and 2024 has 366: a leap day is a day like any other.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs
import pendulum

from sla._errors import PricingError
from sla.calendar import zone

__all__ = ["BillingPeriod", "ProrationUnit", "prorate"]

ProrationUnit: TypeAlias = Literal["day", "second"]
_SECOND = dt.timedelta(seconds=1)


def _zone(name: str, field: str = "zone") -> pendulum.Timezone:
    # The one zone lookup names a bad zone; pendulum adds month and year arithmetic.
    zone(name, field=field, error=PricingError)
    return pendulum.timezone(name)


def _aware(value: object, zone: str, field: str) -> pendulum.DateTime:
    if not isinstance(value, dt.datetime):
        raise PricingError(f"expected an aware datetime, got {value!r}", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise PricingError(
            f"naive datetime {value.isoformat()} is ambiguous; attach a time zone", field=field
        )
    try:
        return pendulum.instance(value).in_timezone(_zone(zone))
    except (OverflowError, ValueError) as error:
        raise PricingError(f"{value!r} cannot be seen in {zone}: {error}", field=field) from None


@attrs.frozen(slots=True)
class BillingPeriod:
    """``[start, end)`` in the IANA zone ``zone``; build with :meth:`month` or :meth:`between`."""

    start: pendulum.DateTime
    end: pendulum.DateTime
    zone: str = "UTC"

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "start", _aware(self.start, self.zone, "period.start"))
        object.__setattr__(self, "end", _aware(self.end, self.zone, "period.end"))
        if self.end <= self.start:
            raise PricingError("the period ends before it starts", field="period.end")

    @classmethod
    def month(cls, year: int, month: int, zone: str = "UTC") -> BillingPeriod:
        """The calendar month from local midnight on the 1st to the next 1st."""
        tz = _zone(zone)
        try:
            start = pendulum.datetime(year, month, 1, tz=tz)
            end = start.add(months=1)
        except (ValueError, TypeError, OverflowError) as error:
            raise PricingError(
                f"not a month that can be billed ({year}-{month}): {error}", field="period"
            ) from None
        return cls(start, end, zone)

    @classmethod
    def year(cls, year: int, zone: str = "UTC") -> BillingPeriod:
        """The calendar year in ``zone``."""
        tz = _zone(zone)
        try:
            start = pendulum.datetime(year, 1, 1, tz=tz)
            end = start.add(years=1)
        except (ValueError, TypeError, OverflowError) as error:
            raise PricingError(f"not a year: {error}", field="period") from None
        return cls(start, end, zone)

    @classmethod
    def between(cls, start: dt.datetime, end: dt.datetime, zone: str = "UTC") -> BillingPeriod:
        """Any span ``[start, end)`` of aware datetimes, seen in ``zone``."""
        return cls(start, end, zone)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        """``2024-02`` for a calendar month, else ``start/end`` dates."""
        if self.is_month():
            return self.start.format("YYYY-MM")
        return f"{self.start.to_date_string()}/{self.end.to_date_string()}"

    def days(self) -> int:
        """Calendar days of the period in its zone (a partial last day counts)."""
        return _days(self.start, self.end, self.end)

    def in_zone(self, zone: str) -> BillingPeriod:
        """The period as a plan in ``zone`` bills it.

        A calendar month is the same month cut in ``zone`` (March in Berlin, not
        March in UTC seen from Berlin); any other span keeps its instants.
        """
        if zone == self.zone:
            return self
        if self.is_month():
            return BillingPeriod.month(self.start.year, self.start.month, zone)
        return BillingPeriod(self.start, self.end, zone)

    def is_month(self) -> bool:
        """Whether the period is one calendar month in its zone."""
        return (
            self.start.day == 1
            and self.start.time() == dt.time()
            and self.end == self.start.add(months=1)
        )

    def seconds(self) -> int:
        """Whole elapsed seconds."""
        # Subtract in UTC: stdlib subtraction of same-zone datetimes ignores DST.
        utc = dt.UTC
        return dt.datetime.__sub__(self.end.astimezone(utc), self.start.astimezone(utc)) // _SECOND

    def clip(self, start: dt.datetime | None, end: dt.datetime | None) -> BillingPeriod | None:
        """The part of this period inside ``[start, end)`` (``None`` if empty)."""
        lo = self.start if start is None else max(self.start, _aware(start, self.zone, "start"))
        hi = self.end if end is None else min(self.end, _aware(end, self.zone, "end"))
        return None if hi <= lo else BillingPeriod(lo, hi, self.zone)

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "zone": self.zone}


def _days(start: pendulum.DateTime, end: pendulum.DateTime, period_end: pendulum.DateTime) -> int:
    """Days of ``[start, end)`` billed by day: the days whose end falls in ``(start, end]``.

    A day ends at the next local midnight, or at ``period_end`` for a period
    that stops inside a day; so every day of a period ends in exactly one
    piece of any split of it.
    """
    if end <= start:
        return 0
    days = (end.date() - start.date()).days
    if end == period_end and end != end.start_of("day"):
        days += 1  # the period's partial last day ends with the period
    return days


def prorate(
    period: BillingPeriod,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: ProrationUnit = "day",
) -> Fraction:
    """The share of ``period`` covered by ``[start, end)`` (open ends = period bounds).

    >>> feb = BillingPeriod.month(2024, 2, "Europe/Berlin")
    >>> prorate(feb, pendulum.datetime(2024, 2, 15, tz="Europe/Berlin"))
    Fraction(15, 29)
    """
    if by not in ("day", "second"):
        raise PricingError(f"prorate by 'day' or 'second', not {by!r}", field="proration")
    if start is not None and end is not None and end < start:
        raise PricingError(
            f"the plan ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            field="end",
        )
    active = period.clip(start, end)
    if active is None:
        return Fraction(0)
    if by == "day":
        return Fraction(_days(active.start, active.end, period.end), period.days())
    return Fraction(active.seconds(), period.seconds())
