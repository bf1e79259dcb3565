"""``sla economics month``: a period's paid hours, cost, invoice and result per request."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sla.cli._app import console
from sla.cli._common import UsageProblem, emit_json, money, print_mapping, seconds, share
from sla.cli._economics import economics_app


def _instant(text: str, field: str) -> int:
    value = text.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageProblem(f"{text!r} is not epoch seconds or ISO 8601", field=field) from None
    if moment.tzinfo is None:
        raise UsageProblem(f"{text!r} has no UTC offset (naive times are refused)", field=field)
    return int(moment.timestamp())


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except FileNotFoundError:
        raise UsageProblem("file not found", field=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageProblem(f"cannot read: {exc}", field=str(path)) from None


def _number(row: dict[str, str], key: str, line: int) -> float:
    try:
        return float(row[key])
    except (KeyError, TypeError, ValueError):
        raise UsageProblem(f"line {line}: {key} must be a number", field=key) from None


def _workload(path: Path, start: datetime, end: datetime, interval: timedelta) -> Any:
    """Contacts (``created``, ``handle_seconds``[, ``request_id``]) or a forecast
    (``start``, ``contacts``, ``aht_seconds``), told apart by their columns."""
    from sla.economics import Workload

    columns, rows = _rows(path)
    if {"created", "handle_seconds"} <= set(columns):
        created = np.array(
            [_instant(r["created"], f"line {i + 2}: created") for i, r in enumerate(rows)],
            dtype=np.int64,
        )
        work = [_number(r, "handle_seconds", i + 2) for i, r in enumerate(rows)]
        ids = (
            [r["request_id"] for r in rows]
            if "request_id" in columns
            else [str(i) for i in range(len(rows))]
        )
        bot = [r.get("bot_resolved", "").strip().lower() in ("1", "true", "yes") for r in rows]
        people = ~np.array(bot, dtype=bool)
        workload = Workload.from_contacts(
            created[people],
            np.array(work, dtype=np.float64)[people],
            start=start,
            end=end,
            interval=interval,
        )
        return workload, ids, bot
    if {"start", "contacts", "aht_seconds"} <= set(columns):
        first = int(start.timestamp())
        step = int(interval.total_seconds())
        n = (int(end.timestamp()) - first) // step
        counts, handle = np.zeros(n), np.ones(n)
        for i, row in enumerate(rows):
            at = _instant(row["start"], f"line {i + 2}: start")
            slot, off = divmod(at - first, step)
            if off or not 0 <= slot < n:
                raise UsageProblem(
                    f"line {i + 2}: {row['start']} is not an interval start of the period",
                    field="start",
                )
            counts[slot] = _number(row, "contacts", i + 2)
            handle[slot] = _number(row, "aht_seconds", i + 2)
        workload = Workload.from_counts(counts, handle, start=start, interval=interval)
        requests = round(float(counts.sum()))
        return workload, [str(i) for i in range(requests)], [False] * requests
    raise UsageProblem(
        "expected columns created,handle_seconds (contacts) or start,contacts,aht_seconds "
        f"(a forecast); found {', '.join(columns) or 'none'}",
        field=str(path),
    )


@economics_app.command("month")
def month(
    file: Annotated[Path, typer.Argument(help="Contacts or forecast, CSV.")],
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    hour: Annotated[str, typer.Option("--hour-rate", help="Loaded paid hour, e.g. '30 USD'.")],
    zone: Annotated[str, typer.Option("--tz", help="Zone the month is cut in.")] = "UTC",
    interval: Annotated[str, typer.Option("--interval", help="15m or 30m.")] = "30m",
    model: Annotated[str, typer.Option("--model", help="voice, chat or written.")] = "voice",
    service_level: Annotated[str, typer.Option("--service-level")] = "0.8",
    within: Annotated[str, typer.Option("--within", help="Answer (or reply) time.")] = "20s",
    concurrency: Annotated[int, typer.Option("--concurrency", help="Chats at once.")] = 2,
    shrinkage: Annotated[str, typer.Option("--shrinkage")] = "0.3",
    shifts: Annotated[
        str | None, typer.Option("--shifts", help="Shift lengths, e.g. 4h,5h,6h,7h,8h.")
    ] = None,
    starts_every: Annotated[str, typer.Option("--starts-every")] = "30m",
    fixed: Annotated[
        list[str] | None, typer.Option("--fixed", help="NAME=AMOUNT, e.g. 'seats=600 USD'.")
    ] = None,
    revenue: Annotated[
        str | None, typer.Option("--revenue", help="The period's invoice before tax.")
    ] = None,
    price: Annotated[
        str | None, typer.Option("--price-per-request", help="Price of one request.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Paid hours, cost, invoice, result and per-request figures of one tier's month."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from sla.economics import (
        Billable,
        ChatTarget,
        MonthEconomics,
        PeriodCosts,
        ShiftRules,
        VoiceTarget,
        WrittenTarget,
        paid_hours_lower_bound,
        schedule_shifts,
    )

    year, sep, mon = period.partition("-")
    if not (sep and year.isdigit() and mon.isdigit() and 1 <= int(mon) <= 12):
        raise UsageProblem(f"{period!r} is not a month such as 2025-06", field="--period")
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageProblem(f"unknown time zone {zone!r}", field="--tz") from None
    start = datetime(int(year), int(mon), 1, tzinfo=tz)
    end = datetime(int(year) + (int(mon) == 12), int(mon) % 12 + 1, 1, tzinfo=tz)
    step = timedelta(seconds=seconds(interval, field="--interval"))
    workload, ids, bot = _workload(file, start, end, step)
    level = share(service_level, field="--service-level")
    wait = timedelta(seconds=seconds(within, field="--within"))
    targets: dict[str, Any] = {
        "voice": lambda: VoiceTarget(level, wait),
        "chat": lambda: ChatTarget(level, wait, concurrency),
        "written": lambda: WrittenTarget(wait, level),
    }
    if model not in targets:
        raise UsageProblem("use voice, chat or written", field="--model")
    agents = targets[model]().agents(workload)
    shrink = str(share(shrinkage, field="--shrinkage"))
    if shifts:
        lengths = [timedelta(seconds=seconds(s, field="--shifts")) for s in shifts.split(",") if s]
        rules = ShiftRules(
            lengths, starts_every=timedelta(seconds=seconds(starts_every, field="--starts-every"))
        )
        paid = schedule_shifts(agents, shrink, rules, start=start, interval=step)
    else:
        paid = paid_hours_lower_bound(agents, shrink, start=start, interval=step)
    rate = money(hour, field="--hour-rate")
    extra = {}
    for i, item in enumerate(fixed or ()):
        name, sep, amount = item.partition("=")
        if not sep:
            raise UsageProblem(f"{item!r}: write NAME=AMOUNT", field=f"--fixed[{i}]")
        extra[name.strip()] = money(amount, field=f"--fixed[{i}]")
    requests = Billable().count(ids, bot)
    if (revenue is None) == (price is None):
        raise UsageProblem("give --revenue or --price-per-request (one)", field="--revenue")
    income = (
        money(revenue, field="--revenue")
        if revenue is not None
        else money(str(price), field="--price-per-request") * requests
    )
    result = MonthEconomics(paid, PeriodCosts(rate, extra), income, requests)
    if json_output:
        emit_json({"month": result.as_dict(), "proven_optimal": paid.proven_optimal})
        return
    print_mapping(result.as_dict(), title=f"The month {period}: {paid.method}")
    console.print(str(result.explain("result")), highlight=False, markup=False)
