"""The input files of ``sla economics month``: a contact table or a forecast, as a Workload.

Every problem names the file, the line and the column, on one line: the
command line prints it and exits with 2, like every other usage error.
"""

from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from sla._errors import SLAError
from sla.cli._common import UsageProblem

__all__ = ["MonthInput", "read_month_input"]

CONTACT_COLUMNS = {"created", "handle_seconds"}
FORECAST_COLUMNS = {"start", "contacts", "aht_seconds"}


@attrs.frozen
class MonthInput:
    """A file read into the period model's inputs."""

    workload: Any  # sla.economics.Workload
    #: One id per contact (legs of one request share it) and whether a bot resolved it.
    request_ids: list[str]
    bot_resolved: list[bool]
    kind: str  # "contacts" or "forecast"


def _where(path: Path, line: int, column: str) -> str:
    return f"{path}, line {line}, {column}"


def _instant(text: str, field: str) -> int:
    value = (text or "").strip()
    if value.lstrip("-").isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageProblem(f"{text!r} is not epoch seconds or ISO 8601", field=field) from None
    if moment.tzinfo is None:
        raise UsageProblem(f"{text!r} has no UTC offset (naive times are refused)", field=field)
    return int(moment.timestamp())


def _amount(row: dict[str, str], key: str, field: str, *, positive: bool = False) -> float:
    """A finite number >= 0 (> 0 with ``positive``) from a CSV cell."""
    text = row.get(key)
    try:
        value = float(text or "")
    except ValueError:
        raise UsageProblem(f"must be a number, got {text!r}", field=field) from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise UsageProblem(f"must be a finite number {bound}, got {text!r}", field=field)
    return value


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except FileNotFoundError:
        raise UsageProblem("file not found", field=str(path)) from None
    except IsADirectoryError:
        raise UsageProblem("is a directory, not a file", field=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageProblem(f"cannot read: {exc}", field=str(path)) from None


def _named(path: Path, exc: SLAError) -> UsageProblem:
    """A library error about the file's data, as a usage error naming the file."""
    return UsageProblem(exc.reason, field=f"{path}, {exc.field or 'data'}")


def _contacts(
    path: Path, rows: list[dict[str, str]], columns: list[str],
    start: datetime, end: datetime, interval: timedelta,
) -> MonthInput:  # fmt: skip
    from sla.economics import Workload

    created = np.array(
        [_instant(r["created"], _where(path, i + 2, "created")) for i, r in enumerate(rows)],
        dtype=np.int64,
    )
    work = np.array(
        [_amount(r, "handle_seconds", _where(path, i + 2, "handle_seconds"))
         for i, r in enumerate(rows)],
        dtype=np.float64,
    )  # fmt: skip
    ids = (
        [r["request_id"] for r in rows]
        if "request_id" in columns
        else [f"line {i + 2}" for i in range(len(rows))]
    )
    bot = [(r.get("bot_resolved") or "").strip().lower() in ("1", "true", "yes") for r in rows]
    people = ~np.array(bot, dtype=bool)
    try:
        workload = Workload.from_contacts(
            created[people], work[people], start=start, end=end, interval=interval
        )
    except SLAError as exc:
        raise _named(path, exc) from None
    return MonthInput(workload, ids, bot, "contacts")


def _forecast(
    path: Path, rows: list[dict[str, str]], start: datetime, end: datetime, interval: timedelta
) -> MonthInput:
    """``start,contacts,aht_seconds`` per interval; intervals not listed have no contact."""
    from sla.economics import Workload

    first = int(start.timestamp())
    step = int(interval.total_seconds())
    n = (int(end.timestamp()) - first) // step
    counts, aht = np.zeros(n), np.zeros(n)
    seen: dict[int, int] = {}
    for i, row in enumerate(rows):
        line = i + 2
        at = _instant(row["start"], _where(path, line, "start"))
        slot, off = divmod(at - first, step)
        if off or not 0 <= slot < n:
            raise UsageProblem(
                f"{row['start']} is not the start of a {interval} interval of the period "
                f"{start.isoformat()} to {end.isoformat()}",
                field=_where(path, line, "start"),
            )
        if slot in seen:
            raise UsageProblem(
                f"the interval {row['start']} is already given on line {seen[slot]}",
                field=_where(path, line, "start"),
            )
        seen[slot] = line
        counts[slot] = _amount(row, "contacts", _where(path, line, "contacts"))
        aht[slot] = _amount(row, "aht_seconds", _where(path, line, "aht_seconds"),
                            positive=counts[slot] > 0)  # fmt: skip
    try:
        workload = Workload.from_counts(counts, aht, start=start, interval=interval)
    except SLAError as exc:
        raise _named(path, exc) from None
    # A forecast may hold expected (fractional) volumes; the month bills whole
    # requests: their sum rounded half-even (Python's round).
    requests = round(float(counts.sum()))
    return MonthInput(workload, [str(i) for i in range(requests)], [False] * requests, "forecast")


def read_month_input(path: Path, start: datetime, end: datetime, interval: timedelta) -> MonthInput:
    """Contacts (``created,handle_seconds[,request_id,bot_resolved]``) or a forecast
    (``start,contacts,aht_seconds``), told apart by their columns."""
    if (int(end.timestamp()) - int(start.timestamp())) % int(interval.total_seconds()):
        raise UsageProblem(
            f"intervals of {interval} do not tile the month {start.isoformat()} to "
            f"{end.isoformat()} (a day must hold a whole number of them)",
            field="--interval",
        )
    columns, rows = _rows(path)
    if set(columns) >= CONTACT_COLUMNS:
        return _contacts(path, rows, columns, start, end, interval)
    if set(columns) >= FORECAST_COLUMNS:
        return _forecast(path, rows, start, end, interval)
    raise UsageProblem(
        "expected columns created,handle_seconds (contacts) or start,contacts,aht_seconds "
        f"(a forecast); found {', '.join(columns) or 'none'}",
        field=str(path),
    )
