"""Business-hours calendars and exact, fast business-time arithmetic.

A :class:`Calendar` is an IANA time zone plus weekly opening hours plus
exceptions (holidays, holiday sets from the ``holidays`` package, special
hours) and versions. It compiles lazily into a timeline of open intervals in
epoch seconds, so ``add``, ``subtract`` and ``elapsed`` are binary searches,
with integer fast paths (``add_seconds``...) and vectorized twins
(``add_many``, ``elapsed_many``) that agree with them exactly.
"""

from sla._errors import CalendarError
from sla._public import publish
from sla.calendar._calendar import Calendar
from sla.calendar._rules import Holiday, HolidaySet, Override
from sla.calendar._spec import (
    CalendarChange,
    CalendarSpec,
    CountryHolidays,
    NamedDay,
    SpecialHours,
)
from sla.calendar._time import (
    HORIZON,
    Disambiguate,
    from_epoch,
    local_date,
    localize,
    to_epoch,
    wall_to_epoch,
    zone,
)

__all__ = [
    "HORIZON",
    "Calendar",
    "CalendarChange",
    "CalendarError",
    "CalendarSpec",
    "CountryHolidays",
    "Disambiguate",
    "Holiday",
    "HolidaySet",
    "NamedDay",
    "Override",
    "SpecialHours",
    "from_epoch",
    "local_date",
    "localize",
    "to_epoch",
    "wall_to_epoch",
    "zone",
]

publish(globals())
