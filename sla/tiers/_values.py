"""Small vocabularies shared by tiers and contracts: channels, access modes,
metrics, clocks, periods, and the duration / percentage notation."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Final

from sla._errors import TierError

__all__ = [
    "DEFAULT_PRIORITIES",
    "AccessMode",
    "Channel",
    "Clock",
    "Metric",
    "Period",
    "format_duration",
    "format_fraction",
    "human_duration",
    "parse_duration",
    "parse_fraction",
]

#: Priorities a contract gets unless it lists its own, most urgent first.
DEFAULT_PRIORITIES: Final = ("urgent", "high", "normal", "low")


class Channel(StrEnum):
    """A way a customer reaches the service.

    Synchronous channels (a call, a live chat) interrupt and cannot wait: their
    targets are in seconds. Asynchronous ones (a message, an e-mail) can wait
    their turn.
    """

    VOICE = "voice"
    CALLBACK = "callback"
    MESSENGER = "messenger"
    EMAIL = "email"
    WEB_CHAT = "web_chat"
    WEB_FORM = "web_form"
    BOT = "bot"

    @property
    def synchronous(self) -> bool:
        """Whether the customer waits on the line (voice, web chat, bot)."""
        return self in _SYNCHRONOUS

    @property
    def label(self) -> str:
        """A human label such as ``"web chat"``."""
        return _LABELS[self]


_SYNCHRONOUS: Final = frozenset({Channel.VOICE, Channel.WEB_CHAT, Channel.BOT})
_LABELS: Final = {
    Channel.VOICE: "voice",
    Channel.CALLBACK: "callback",
    Channel.MESSENGER: "messenger",
    Channel.EMAIL: "e-mail",
    Channel.WEB_CHAT: "web chat",
    Channel.WEB_FORM: "web form",
    Channel.BOT: "bot",
}


class AccessMode(StrEnum):
    """Who answers: one personal manager, a named team, or the first free operator of a pool."""

    PERSONAL_MANAGER = "personal_manager"
    NAMED_TEAM = "named_team"
    SHARED_POOL = "shared_pool"

    @property
    def label(self) -> str:
        """A human label such as ``"personal manager"``."""
        return self.value.replace("_", " ")


class Metric(StrEnum):
    """What a target measures."""

    SPEED_OF_ANSWER = "speed_of_answer"
    CALLBACK_TIME = "callback_time"
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    PERIODIC_UPDATE = "periodic_update"
    FIRST_RESOLUTION = "first_resolution"
    TOTAL_RESOLUTION = "total_resolution"

    @property
    def label(self) -> str:
        """A human label such as ``"first response"``."""
        return self.value.replace("_", " ")


class Clock(StrEnum):
    """How a target counts time: business hours of a calendar, or calendar time (24/7)."""

    BUSINESS = "business"
    CALENDAR = "calendar"


class Period(StrEnum):
    """The measurement period of an aggregate service level."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_UNITS: Final = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))
# Written forms stop at hours: "1d" of business time reads as a working day, which it is not.
_WRITE_UNITS: Final = _UNITS[1:]
_COMPACT = re.compile(r"^([+-])?((?:\d+[dhms])+)$")
_PART = re.compile(r"(\d+)([dhms])")
_ISO = re.compile(r"^([+-])?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def parse_duration(value: object, *, field: str = "duration", signed: bool = False) -> int:
    """Whole seconds from ``"20s"``, ``"1h30m"``, ``"2d"``, ISO 8601 ``"PT30M"`` or an int.

    A day (``d``) is 24 hours of whatever the clock counts. Signed offsets
    (``"-1h"``) are accepted only when ``signed`` is true.

    >>> parse_duration("1h30m"), parse_duration("PT20S"), parse_duration("-1h", signed=True)
    (5400, 20, -3600)

    :raises TierError: for anything else, naming ``field``.
    """
    if isinstance(value, bool):
        raise TierError(f"{value!r} is not a duration", field=field)
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        seconds = _parse_text(value.strip().replace(" ", ""), field)
    else:
        raise TierError(
            f"{value!r} is not a duration (use e.g. '30m', '4h', '1h30m' or whole seconds)",
            field=field,
        )
    if seconds < 0 and not signed:
        raise TierError(f"{value!r} is negative; a duration must be zero or more", field=field)
    return seconds


def _parse_text(text: str, field: str) -> int:
    if match := _COMPACT.match(text.lower()):
        sign, body = match.groups()
        total = sum(int(n) * dict(_UNITS)[u] for n, u in _PART.findall(body))
        return -total if sign == "-" else total
    if (match := _ISO.match(text.upper())) and text.upper().rstrip("T") not in ("P", "+P", "-P"):
        sign, d, h, m, s = match.groups()
        total = int(d or 0) * 86_400 + int(h or 0) * 3_600 + int(m or 0) * 60 + int(s or 0)
        return -total if sign == "-" else total
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise TierError(
        f"{text!r} is not a duration (use e.g. '30m', '4h', '1h30m', 'PT30M' or whole seconds)",
        field=field,
    )


def format_duration(seconds: int) -> str:
    """The compact form :func:`parse_duration` reads back: ``5400`` → ``"1h30m"``.

    >>> format_duration(5400), format_duration(0), format_duration(-3600)
    ('1h30m', '0s', '-1h')
    """
    if seconds == 0:
        return "0s"
    sign, rest = ("-", -seconds) if seconds < 0 else ("", seconds)
    parts = []
    for unit, size in _WRITE_UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + "".join(parts)


def human_duration(seconds: int) -> str:
    """A reader's form: ``5400`` → ``"1 h 30 min"``, ``20`` → ``"20 s"``."""
    if seconds == 0:
        return "0 s"
    sign, rest = ("-", -seconds) if seconds < 0 else ("", seconds)
    parts = []
    for unit, size in (("h", 3_600), ("min", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count} {unit}")
    return sign + " ".join(parts)


#: Fractions are shares and rates: a decimal exponent beyond this is refused.
_MAX_EXPONENT = 100


def parse_fraction(value: object, *, field: str = "fraction") -> Fraction:
    """An exact fraction from ``"75%"``, ``"0.75"``, ``0.75`` or ``Fraction(3, 4)``.

    Floats are read through their shortest decimal text, so ``0.1`` means 1/10.

    >>> parse_fraction("75%"), parse_fraction(0.5)
    (Fraction(3, 4), Fraction(1, 2))

    :raises TierError: if the value is not a number, naming ``field``.
    """
    if isinstance(value, bool):
        raise TierError(f"{value!r} is not a fraction", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    percent = False
    if isinstance(value, float):
        number: Decimal | str = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        number = text.rstrip("%").strip()
    else:
        raise TierError(f"{value!r} is not a fraction (use e.g. '75%' or 0.75)", field=field)
    try:
        if isinstance(number, str) and "/" in number:
            result = Fraction(number)
        else:
            exact = Decimal(number)
            # Non-finite values and exponents no share or rate has (1e999999 would build
            # a million-digit integer) are refused before Fraction sees them.
            if not exact.is_finite() or abs(exact.adjusted()) > _MAX_EXPONENT:
                raise ValueError(number)
            result = Fraction(exact)
    except (InvalidOperation, ValueError, ZeroDivisionError, OverflowError):
        raise TierError(
            f"{value!r} is not a fraction (use e.g. '75%' or 0.75)", field=field
        ) from None
    return result / 100 if percent else result


def format_fraction(value: Fraction) -> str:
    """A percentage text :func:`parse_fraction` reads back exactly: ``3/4`` → ``"75%"``.

    Fractions without a terminating decimal percentage (1/3) are written as ``"1/3"``.
    """
    percent = value * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    denominator = percent.denominator
    while denominator % 2 == 0:
        denominator //= 2
    while denominator % 5 == 0:
        denominator //= 5
    if denominator == 1:
        text = format(Decimal(percent.numerator) / Decimal(percent.denominator), "f")
        return f"{text}%"
    return f"{value.numerator}/{value.denominator}"
