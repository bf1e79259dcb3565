"""``sla clocks evaluate``, ``sla compliance`` and ``sla report``: events in, results out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from sla._errors import ClockError
from sla.cli._app import app, console
from sla.cli._common import (
    UsageProblem,
    check_writable,
    emit_json,
    parse_instant,
    plain,
    print_table,
    require,
    write_output,
)
from sla.cli._events import events_problem, read_events

clocks_app = typer.Typer(help="SLA clocks over contact events.", no_args_is_help=True)
app.add_typer(clocks_app, name="clocks")

ContractFile = Annotated[Path, typer.Option("--contract", "-c", help="Contract file.")]
EventsFile = Annotated[
    Path, typer.Option("--events", "-e", help="Events: CSV, Parquet or JSON lines.")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of this instant (default: last event).")
]


def _policies(path: Path) -> tuple[Any, str]:
    from sla.cli._contracts import load_contract, naming
    from sla.clocks import clock_policies

    contract = load_contract(path)
    with naming(path):
        policies = clock_policies(contract)
        compiled = contract.compile()
    first = next(iter(compiled.tiers.values()))
    return policies, compiled.calendars[first.coverage].tz


def _as_of(events: Any, text: str | None = None) -> int:
    import pyarrow.compute as pc

    if text is not None:
        return int(parse_instant(text, field="--as-of").timestamp())
    latest = pc.max(events.column("at")).as_py()
    # read_events leaves `at` as int epoch seconds or aware timestamps.
    return int(latest) if isinstance(latest, int) else int(latest.timestamp())


def _cycles(table: Any, policies: Any, as_of: int, path: Path) -> Any:
    """Evaluate, naming the events file in any complaint about its content."""
    from sla.clocks import evaluate_table

    try:
        return evaluate_table(table, policies, as_of=as_of, output="pandas")
    except ClockError as exc:
        raise events_problem(exc, path) from None


def _with_tier(events: Any, policies: dict[str, Any]) -> Any:
    """Contacts without a tier column get the contract's only tier."""
    import pyarrow as pa

    if "tier" in events.column_names or len(policies) != 1:
        return events
    (code,) = policies
    return events.append_column("tier", pa.array([code] * events.num_rows))


@clocks_app.command("evaluate")
def evaluate(
    contract: ContractFile,
    events: EventsFile,
    as_of: AsOf = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """Every metric cycle of every contact: due, status, breach, elapsed, remaining."""
    if json_output:
        format = "json"
    if format not in ("table", "csv", "json"):
        raise UsageProblem(f"{format!r}: use table, csv or json", field="--format")
    if out is not None:
        check_writable(out, field="--out")
    policies, zone = _policies(contract)
    table = _with_tier(read_events(events), policies)
    cycles = _cycles(table, policies, _as_of(table, as_of), events)
    if format == "csv":
        text = cycles.to_csv(index=False)
    elif format == "json":
        import json

        instants = ("start", "due", "stop", "breach_at", "next_event_at")
        records = [
            {k: (_instant(v, zone) or None) if k in instants else _plain(v) for k, v in row.items()}
            for row in cycles.to_dict("records")
        ]
        text = json.dumps(records, indent=2)
    else:
        shown = ["contact_id", "metric", "cycle", "status", "due", "breach_at",
                 "elapsed_seconds", "remaining_seconds"]  # fmt: skip
        rows = [
            [_instant(v, zone) if name in ("due", "breach_at") else v for name, v in row.items()]
            for row in cycles[shown].head(200).to_dict("records")
        ]
        print_table(shown, rows, title=f"{len(cycles)} metric cycles (first 200; times in {zone})")
        return
    if out is None:
        typer.echo(text)
    else:
        write_output(out, text, field="--out")
        console.print(f"wrote {len(cycles)} cycles to {plain(out)}", highlight=False)


@app.command("compliance")
def compliance(
    contract: ContractFile,
    events: EventsFile,
    as_of: AsOf = None,
    period: Annotated[str, typer.Option("--period", help="day, week or month.")] = "month",
    by: Annotated[str, typer.Option("--by", help="Groups: tier,channel,metric,priority.")] = (
        "tier,metric"
    ),
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Met / breached / active per group and period, with service-level attainment."""
    from sla.cli._contracts import load_contract
    from sla.clocks import compliance as compute
    from sla.clocks import service_level_targets

    if period not in ("day", "week", "month"):
        raise UsageProblem(f"{period!r}: use day, week or month", field="--period")
    groups = tuple(g.strip() for g in by.split(",") if g.strip())
    unknown = [g for g in groups if g not in _GROUPS]
    if unknown or not groups:
        raise UsageProblem(
            f"{by!r}: group by one or more of {', '.join(_GROUPS)}, e.g. tier,metric",
            field="--by",
        )
    policies, zone = _policies(contract)
    table = _with_tier(read_events(events), policies)
    cycles = _cycles(table, policies, _as_of(table, as_of), events)
    targets = service_level_targets(load_contract(contract))
    result = compute(cycles, tz=zone, period=period, by=(*groups, "period"), targets=targets)  # type: ignore[arg-type]
    records = result.to_dict("records")
    if json_output:
        emit_json([{k: _plain(v) for k, v in row.items()} for row in records])
        return
    # Every status is shown so that the counts add up to the total.
    headers = [*groups, "period", "total", "met", "breached", "active", "abandoned"]
    if "cancelled" in result.columns and result["cancelled"].sum():
        headers.append("cancelled")
    headers.append("attained")
    if "sl_attained" in result.columns:
        headers.append("sl_attained")
    print_table(
        headers,
        [[_show(row.get(h)) for h in headers] for row in records],
        title=f"Compliance per {period} ({zone})",
    )


_GROUPS = ("tier", "channel", "metric", "priority")


def _instant(value: Any, zone: str) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if value is None or value != value:
        return ""
    return datetime.fromtimestamp(int(value), ZoneInfo(zone)).isoformat()


def _plain(value: Any) -> Any:
    """A JSON-ready value: exact fractions as "n/d" strings, NaN as null, numpy as Python."""
    from fractions import Fraction

    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, float) and value != value:
        return None
    return value.item() if hasattr(value, "item") else value


def _show(value: Any) -> str:
    from fractions import Fraction

    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, Fraction):
        return f"{float(value):.1%}"
    return str(value)


@app.command("report")
def report(
    contract: Annotated[
        list[Path], typer.Option("--contract", "-c", help="Contract file (repeatable).")
    ],
    events: Annotated[
        Path | None, typer.Option("--events", "-e", help="Events file (default: generated).")
    ] = None,
    month: Annotated[
        str | None,
        typer.Option("--month", help="The month, YYYY-MM (default: that of the latest event)."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file.")] = Path("report.html"),
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """A self-contained HTML report: compliance, breaches, staffing, margin, invoices."""
    from sla.cli._contracts import load_contract, naming
    from sla.report._month import run_month
    from sla.report._render import month_report

    require("pandas", "pyarrow", extra="frames")
    check_writable(out, field="--out")
    table = None if events is None else read_events(events)
    if month is None:
        # Without --month the events decide: a June report of November events is empty.
        latest = datetime.fromtimestamp(_as_of(table), UTC) if table is not None else None
        month = "2025-06" if latest is None else f"{latest:%Y-%m}"
    year, sep, mon = month.partition("-")
    if not (sep and year.isdigit() and mon.isdigit() and 1 <= int(mon) <= 12):
        raise UsageProblem(f"{month!r} is not a month such as 2025-06", field="--month")
    files: dict[str, Path] = {}
    for path in contract:
        with naming(path):
            for code in load_contract(path).compile().tiers:
                files[code] = path
    if table is not None and "tier" not in table.column_names and len(files) == 1:
        # As `clocks evaluate` and `compliance`: a single tier needs no tier column.
        table = _with_tier(table, files)
    try:
        result = run_month(files, month=date(int(year), int(mon), 1), events=table)
    except ClockError as exc:
        if events is None:
            raise
        raise events_problem(exc, events) from None
    path = write_output(out, month_report(result).html(), field="--out")
    breached = int((result.cycles["status"] == "breached").sum())
    if json_output:
        emit_json({"report": str(path), "period": result.period, "contacts": result.contacts,
                   "events": result.events, "breaches": breached})  # fmt: skip
        return
    console.print(f"wrote {plain(path)} ({result.contacts:,} contacts, {breached:,} breaches)")
