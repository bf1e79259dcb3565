"""Calendar versions: checking ``versioned`` entries and picking a version by index or label.

:class:`~sla.calendar.Calendar` keeps the methods (``versioned``, ``version``,
``as_of``); the checks behind them live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sla._errors import CalendarError, Problem
from sla.calendar._rules import Version
from sla.calendar._time import to_epoch

if TYPE_CHECKING:
    from sla.calendar._calendar import Calendar

__all__ = ["checked_versions", "version_index"]


def checked_versions(
    entries: Sequence[tuple[datetime | None, Calendar] | tuple[datetime | None, Calendar, str]],
) -> list[Version]:
    """The versions of ``[(None, old), (june_1, new), ...]``; every problem raised at once."""
    from sla.calendar._calendar import Calendar

    problems: list[Problem] = []
    versions: list[Version] = []
    previous: int | None = None
    for i, entry in enumerate(entries):
        where = f"versions[{i}]"
        when, calendar = entry[0], entry[1]
        label = entry[2] if len(entry) > 2 else f"v{i + 1}"
        if not isinstance(calendar, Calendar) or len(calendar.versions) != 1:
            problems.append(Problem(where, "expected a calendar with a single version"))
            continue
        start: int | None = None
        if i == 0 and when is not None:
            problems.append(Problem(where, "the first version must start at None (always)"))
        elif i > 0:
            if when is None:
                problems.append(Problem(where, "a later version needs an effective instant"))
                continue
            try:
                start = to_epoch(when, field=f"{where}.effective_from")
            except CalendarError as error:
                problems.extend(error.problems)
                continue
            if previous is not None and start <= previous:
                problems.append(Problem(where, "versions must start in increasing order"))
            previous = start
        if versions and calendar.tz != versions[0].rules.tz:
            problems.append(Problem(where, "all versions must share one time zone"))
        versions.append(Version(start, str(label), calendar.versions[0].rules))
    if not versions and not problems:
        problems.append(Problem("versions", "at least one version is required"))
    if problems:
        raise CalendarError.from_problems(problems, what="calendar versions")
    return versions


def version_index(versions: Sequence[Version], key: object) -> int:
    """The index (``0..len-1``) of version ``key``: an index (negative from the end) or a label."""
    count = len(versions)
    if isinstance(key, str):
        found = [i for i, v in enumerate(versions) if v.label == key]
        labels = ", ".join(repr(v.label) for v in versions)
        if not found:
            raise CalendarError(
                f"no version labelled {key!r} (versions: {labels})", field="version"
            )
        if len(found) > 1:
            raise CalendarError(
                f"{len(found)} versions are labelled {key!r}; pick one by index",
                field="version",
            )
        index = found[0]
    elif isinstance(key, int) and not isinstance(key, bool):
        if not -count <= key < count:
            raise CalendarError(
                f"version index {key} is out of range for {count} version(s)", field="version"
            )
        index = key % count
    else:
        raise CalendarError(
            f"expected a version index or label, got {type(key).__name__}", field="version"
        )
    return index
