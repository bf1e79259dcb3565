"""Instants as integer epoch seconds, and the one wall-time-to-instant rule.

Every conversion of a local wall time to an instant in this package goes
through :func:`wall_to_epoch`, which applies the RFC 5545 rule: a wall time
inside a spring-forward gap is read with the offset *before* the gap (so it
moves forward by the length of the gap), and an ambiguous wall time in the
autumn overlap takes its *first* occurrence. pendulum's defaults differ (it
has its own ``dst_rule``), so we never rely on them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla._errors import CalendarError

__all__ = ["from_epoch", "local_date", "to_epoch", "wall_to_epoch", "zone"]

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY = 86_400


@lru_cache(maxsize=256)
def zone(name: str, field: str = "tz") -> ZoneInfo:
    """The IANA zone called ``name``; :class:`CalendarError` naming ``field`` if unknown."""
    if not isinstance(name, str) or not name:
        raise CalendarError("a time zone must be an IANA name such as 'Europe/Berlin'", field=field)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CalendarError(
            f"unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin')", field=field
        ) from None


def to_epoch(dt: datetime, *, field: str = "instant") -> int:
    """Whole seconds since 1970-01-01T00:00Z of an aware datetime (sub-seconds floored).

    Accepts any aware :class:`~datetime.datetime`: stdlib, pendulum, pandas
    ``Timestamp``. Naive datetimes and non-datetimes raise :class:`CalendarError`.

    >>> from datetime import datetime, timedelta, timezone
    >>> to_epoch(datetime(2025, 3, 7, 16, 30, tzinfo=timezone(timedelta(hours=1))))
    1741361400
    """
    if not isinstance(dt, datetime):
        raise CalendarError(
            f"expected an aware datetime, got {type(dt).__name__} {dt!r}", field=field
        )
    offset = dt.utcoffset()
    if offset is None:
        raise CalendarError(
            f"naive datetime {dt.isoformat()} has no time zone; attach one "
            "(e.g. datetime(..., tzinfo=ZoneInfo('Europe/Berlin')))",
            field=field,
        )
    days = dt.toordinal() - _EPOCH_ORDINAL
    local = days * _DAY + dt.hour * 3600 + dt.minute * 60 + dt.second
    return local - (offset // timedelta(seconds=1))


def from_epoch(seconds: int, tz: str) -> datetime:
    """The aware stdlib datetime in zone ``tz`` of ``seconds`` since the epoch.

    >>> from_epoch(1741361400, "Europe/Berlin").isoformat()
    '2025-03-07T16:30:00+01:00'
    """
    return datetime.fromtimestamp(seconds, zone(tz))


def wall_to_epoch(tz: ZoneInfo, day: date, second_of_day: int) -> int:
    """The instant of a local wall time, by the RFC 5545 rule (the only place this happens).

    ``second_of_day`` may exceed one day (``24:00``, overnight closes): it is
    carried into the following dates first. In a spring-forward gap the wall
    time is read with the offset in force before the gap (it moves forward by
    the gap); in an autumn overlap it takes the first occurrence. Both are
    PEP 495's ``fold=0`` reading, which we request explicitly.
    """
    carry, second = divmod(second_of_day, _DAY)
    ordinal = day.toordinal() + carry
    hour, rest = divmod(second, 3600)
    minute, sec = divmod(rest, 60)
    wall = datetime.fromordinal(ordinal).replace(
        hour=hour, minute=minute, second=sec, tzinfo=tz, fold=0
    )
    offset = wall.utcoffset()
    assert offset is not None  # a ZoneInfo always answers
    return (ordinal - _EPOCH_ORDINAL) * _DAY + second - offset // timedelta(seconds=1)


def local_date(seconds: int, tz: ZoneInfo) -> date:
    """The local date in ``tz`` at an instant."""
    return datetime.fromtimestamp(seconds, tz).date()


UTC = UTC
