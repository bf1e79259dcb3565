"""Calendars for the clock tests, built with the real ``sla.calendar.Calendar``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sla.calendar import Calendar

BERLIN = ZoneInfo("Europe/Berlin")


def berlin_w() -> Calendar:
    """Calendar W of the issue: Mon-Fri 09:00-17:00 Europe/Berlin."""
    return Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")


def berlin_edited() -> Calendar:
    """Calendar W until Wed 2025-06-04 00:00 Berlin, then Mon-Fri 09:00-13:00 ("short")."""
    short = Calendar.weekly({"mon-fri": "09:00-13:00"}, tz="Europe/Berlin")
    edit = datetime(2025, 6, 4, tzinfo=BERLIN)
    return Calendar.versioned([(None, berlin_w(), "v1"), (edit, short, "short")])


def at(text: str) -> int:
    """Epoch seconds of a Berlin wall time ``YYYY-MM-DD HH:MM``."""
    return int(datetime.fromisoformat(text).replace(tzinfo=BERLIN).timestamp())
