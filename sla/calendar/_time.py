"""Time in one place: epoch seconds, aware datetimes, wall times, zones and the horizon.

Every conversion between an aware datetime, a local wall time and integer
epoch seconds in `sla` goes through this module, and so does every zone
lookup:

* :func:`to_epoch` / :func:`from_epoch`: aware datetime <-> whole epoch seconds;
* :func:`wall_to_epoch` / :func:`localize`: a local wall time -> an instant,
  with an explicit ``disambiguate=`` rule for wall times that a DST change
  skips (a *gap*) or repeats (an *overlap*), as ``whenever`` does:

  ==============  =========================================  ===============================
  rule            gap (spring forward)                       overlap (autumn back)
  ==============  =========================================  ===============================
  ``compatible``  moves forward by the gap (RFC 5545)        the earlier instant (RFC 5545)
  ``earlier``     the instant before the gap                 the earlier instant
  ``later``       moves forward by the gap                   the later instant
  ``raise``       :class:`CalendarError`                     :class:`CalendarError`
  ==============  =========================================  ===============================

  ``compatible`` is the default everywhere (it is RFC 5545's and the
  calendars', rotations' and clocks' rule);
* :func:`zone`: an IANA name -> ``ZoneInfo``, or an error naming the zone.

**Horizon.** Instants from 1900-01-01T00:00Z up to (not including)
2300-01-01T00:00Z are supported (:data:`HORIZON`). Calendars refuse instants
and results beyond it with :class:`CalendarError` at once instead of
compiling centuries of timeline: four centuries cover every contract a
business signs, and a bound keeps the memory a shared calendar holds bounded.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla._errors import CalendarError, SLAError

__all__ = [
    "HORIZON",
    "Disambiguate",
    "check_horizon",
    "from_epoch",
    "local_date",
    "localize",
    "to_epoch",
    "wall_to_epoch",
    "zone",
]

#: How a wall time that a DST change skips or repeats becomes an instant.
Disambiguate: TypeAlias = Literal["compatible", "earlier", "later", "raise"]
_RULES = ("compatible", "earlier", "later", "raise")

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY = 86_400
_SECOND = timedelta(seconds=1)

#: First and last-plus-one supported instants (epoch seconds): 1900-01-01T00:00Z
#: and 2300-01-01T00:00Z.
HORIZON: tuple[int, int] = (
    (date(1900, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY,
    (date(2300, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY,
)
HORIZON_TEXT = "1900-01-01T00:00Z to 2300-01-01T00:00Z"


@lru_cache(maxsize=256)
def _lookup(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone(name: object, field: str = "tz", *, error: type[SLAError] = CalendarError) -> ZoneInfo:
    """The IANA zone called ``name``.

    ``error`` (default :class:`CalendarError`) is raised, naming ``field`` and
    the bad zone, for an unknown or non-string name: areas other than the
    calendar pass their own error class.

    >>> zone("Europe/Berlin").key
    'Europe/Berlin'
    """
    if not isinstance(name, str) or not name:
        raise error(
            f"a time zone must be an IANA name such as 'Europe/Berlin', got {name!r}", field=field
        )
    found = _lookup(name)
    if found is None:
        raise error(
            f"unknown time zone {name!r} (use an IANA name such as 'Europe/Berlin')", field=field
        )
    return found


def to_epoch(dt: object, *, field: str = "instant", error: type[SLAError] = CalendarError) -> int:
    """Whole seconds since 1970-01-01T00:00Z of an aware datetime (sub-seconds floored).

    Accepts any aware :class:`~datetime.datetime`: stdlib, pendulum, pandas
    ``Timestamp``. Exact integer arithmetic (no float ``timestamp()``), so it
    works for every datetime Python can represent. Naive datetimes and
    non-datetimes raise ``error`` (default :class:`CalendarError`) naming ``field``.

    >>> from datetime import timezone
    >>> to_epoch(datetime(2025, 3, 7, 16, 30, tzinfo=timezone(timedelta(hours=1))))
    1741361400
    """
    if not isinstance(dt, datetime):
        raise error(f"expected an aware datetime, got {type(dt).__name__} {dt!r}", field=field)
    offset = dt.utcoffset()
    if offset is None:
        raise error(
            f"naive datetime {dt.isoformat()} is not timezone-aware (a wall time without a "
            "zone is ambiguous); attach one, e.g. datetime(..., tzinfo=ZoneInfo('Europe/Berlin'))",
            field=field,
        )
    days = dt.toordinal() - _EPOCH_ORDINAL
    local = days * _DAY + dt.hour * 3600 + dt.minute * 60 + dt.second
    return local - (offset // _SECOND)


def check_horizon(seconds: int, *, field: str = "instant") -> int:
    """``seconds`` itself if inside :data:`HORIZON`, else :class:`CalendarError`."""
    if not HORIZON[0] <= seconds < HORIZON[1]:
        raise CalendarError(
            f"instant {seconds} (epoch seconds) is outside the supported horizon {HORIZON_TEXT}",
            field=field,
        )
    return seconds


def from_epoch(seconds: int, tz: str | tzinfo) -> datetime:
    """The aware stdlib datetime in zone ``tz`` (a name or a tzinfo) of epoch ``seconds``.

    :raises CalendarError: for an unknown zone or an instant Python cannot represent.

    >>> from_epoch(1741361400, "Europe/Berlin").isoformat()
    '2025-03-07T16:30:00+01:00'
    """
    try:
        return datetime.fromtimestamp(seconds, zone(tz) if isinstance(tz, str) else tz)
    except (OverflowError, ValueError, OSError):
        raise CalendarError(
            f"instant {seconds} (epoch seconds) is out of the range of dates", field="instant"
        ) from None


def local_date(seconds: int, tz: tzinfo) -> date:
    """The local date in ``tz`` at an instant."""
    return from_epoch(seconds, tz).date()


def _offset(wall: datetime) -> int:
    offset = wall.utcoffset()
    assert offset is not None  # a ZoneInfo always answers
    return offset // _SECOND


def wall_to_epoch(
    tz: ZoneInfo | str,
    day: date,
    second_of_day: int,
    *,
    disambiguate: Disambiguate = "compatible",
) -> int:
    """The instant of a local wall time (the only place this happens in `sla`).

    ``second_of_day`` may exceed one day (``24:00``, overnight closes): it is
    carried into the following dates first. ``disambiguate`` chooses the
    instant of a wall time in a DST gap or overlap (see the module's table);
    the default ``"compatible"`` is RFC 5545's rule.

    >>> wall_to_epoch("Europe/Berlin", date(2025, 3, 30), 2 * 3600 + 30 * 60)  # in the gap
    1743298200
    >>> from_epoch(1743298200, "Europe/Berlin").isoformat()
    '2025-03-30T03:30:00+02:00'

    :raises CalendarError: for ``disambiguate="raise"`` on a skipped or repeated
        wall time, or an unknown rule or zone.
    """
    info = zone(tz) if isinstance(tz, str) else tz
    carry, second = divmod(second_of_day, _DAY)
    ordinal = day.toordinal() + carry
    hour, rest = divmod(second, 3600)
    minute, sec = divmod(rest, 60)
    wall = datetime.fromordinal(ordinal).replace(
        hour=hour, minute=minute, second=sec, tzinfo=info, fold=0
    )
    local = (ordinal - _EPOCH_ORDINAL) * _DAY + second
    first = _offset(wall)
    if disambiguate == "compatible":
        # PEP 495's fold=0 reading is RFC 5545's rule in both cases.
        return local - first
    if disambiguate not in _RULES:
        raise CalendarError(
            f"unknown disambiguation {disambiguate!r} (use one of {', '.join(_RULES)})",
            field="disambiguate",
        )
    second_reading = _offset(wall.replace(fold=1))
    if first == second_reading:
        return local - first
    gap = first < second_reading  # fold=0 reads a gap with the offset before it
    if disambiguate == "raise":
        what = "skipped by" if gap else "repeated by"
        raise CalendarError(
            f"{wall.replace(tzinfo=None).isoformat()} is {what} a DST change in {info.key}",
            field="disambiguate",
        )
    if gap:
        # earlier: the offset after the gap gives the instant just before it.
        return local - (second_reading if disambiguate == "earlier" else first)
    return local - (first if disambiguate == "earlier" else second_reading)


def localize(
    wall: datetime, tz: str | ZoneInfo, *, disambiguate: Disambiguate = "compatible"
) -> datetime:
    """The aware datetime in ``tz`` of the naive wall time ``wall``.

    >>> localize(datetime(2025, 10, 26, 2, 30), "Europe/Berlin").isoformat()
    '2025-10-26T02:30:00+02:00'
    >>> localize(datetime(2025, 10, 26, 2, 30), "Europe/Berlin", disambiguate="later").isoformat()
    '2025-10-26T02:30:00+01:00'

    :raises CalendarError: for an aware ``wall`` (it already names an instant),
        an unknown zone, or ``disambiguate="raise"`` on a skipped or repeated time.
    """
    if not isinstance(wall, datetime) or wall.tzinfo is not None:
        raise CalendarError(
            f"expected a naive wall time, got {wall!r} (an aware datetime is already an instant)",
            field="wall",
        )
    info = zone(tz) if isinstance(tz, str) else tz
    seconds = wall_to_epoch(
        info,
        wall.date(),
        wall.hour * 3600 + wall.minute * 60 + wall.second,
        disambiguate=disambiguate,
    )
    return from_epoch(seconds, info).replace(microsecond=wall.microsecond)
