"""``sla clocks evaluate``, ``sla compliance`` and ``sla report``: events in, results out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from sla.cli._app import app, console
from sla.cli._common import UsageProblem, emit_json, parse_instant, print_table, require

clocks_app = typer.Typer(help="SLA clocks over contact events.", no_args_is_help=True)
app.add_typer(clocks_app, name="clocks")

ContractFile = Annotated[Path, typer.Option("--contract", "-c", help="Contract file.")]
EventsFile = Annotated[
    Path, typer.Option("--events", "-e", help="Events: CSV, Parquet or JSON lines.")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate as of this instant (default: last event).")
]


def read_events(path: Path) -> Any:
    """An Arrow table of events in the clock event schema, by file suffix."""
    require("pandas", "pyarrow", extra="frames")
    import pyarrow as pa

    if not path.exists():
        raise UsageProblem("file not found", field=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if suffix == ".csv":
            import pyarrow.csv as pacsv

            # Empty cells are missing values (the generator writes None as "").
            return pacsv.read_csv(
                path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True)
            )
        if suffix in (".jsonl", ".ndjson", ".json"):
            import pyarrow.json as pajson

            return pajson.read_json(path)
        if suffix in (".arrow", ".feather"):
            import pyarrow.feather as feather

            return feather.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        message = " ".join(str(exc).split())
        raise UsageProblem(f"cannot read events: {message}", field=str(path)) from None
    raise UsageProblem(
        f"unknown events format {suffix!r}; use .csv, .parquet, .jsonl or .arrow", field=str(path)
    )


def _policies(path: Path) -> tuple[Any, str]:
    from sla.cli._contracts import load_contract
    from sla.clocks import clock_policies

    contract = load_contract(path)
    policies = clock_policies(contract)
    compiled = contract.compile()
    first = next(iter(compiled.tiers.values()))
    return policies, compiled.calendars[first.coverage].tz


def _as_of(events: Any, text: str | None) -> int:
    import pyarrow.compute as pc

    if text is not None:
        return int(parse_instant(text, field="--as-of").timestamp())
    column = events.column("at")
    if column.type == "int64" or str(column.type).startswith("int"):
        return int(pc.max(column).as_py())
    latest = pc.max(column).as_py()
    if latest is None or latest.tzinfo is None:
        raise UsageProblem("`at` must be epoch seconds or instants with an offset", field="at")
    return int(latest.timestamp())


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
) -> None:
    """Every metric cycle of every contact: due, status, breach, elapsed, remaining."""
    from sla.clocks import evaluate_table

    if format not in ("table", "csv", "json"):
        raise UsageProblem(f"{format!r}: use table, csv or json", field="--format")
    policies, zone = _policies(contract)
    table = _with_tier(read_events(events), policies)
    cycles = evaluate_table(table, policies, as_of=_as_of(table, as_of), output="pandas")
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
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(cycles)} cycles to {out}")


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
    from sla.clocks import evaluate_table, service_level_targets

    if period not in ("day", "week", "month"):
        raise UsageProblem(f"{period!r}: use day, week or month", field="--period")
    groups = tuple(g.strip() for g in by.split(",") if g.strip())
    policies, zone = _policies(contract)
    table = _with_tier(read_events(events), policies)
    cycles = evaluate_table(table, policies, as_of=_as_of(table, as_of), output="pandas")
    targets = service_level_targets(load_contract(contract))
    result = compute(cycles, tz=zone, period=period, by=(*groups, "period"), targets=targets)  # type: ignore[arg-type]
    records = result.to_dict("records")
    if json_output:
        emit_json([{k: _plain(v) for k, v in row.items()} for row in records])
        return
    headers = [*groups, "period", "total", "met", "breached", "active", "attained"]
    if "sl_attained" in result.columns:
        headers.append("sl_attained")
    print_table(
        headers,
        [[_show(row.get(h)) for h in headers] for row in records],
        title=f"Compliance per {period} ({zone})",
    )


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
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")] = "2025-06",
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file.")] = Path("report.html"),
) -> None:
    """A self-contained HTML report: compliance, breaches, staffing, margin, invoices."""
    from sla.cli._contracts import load_contract
    from sla.report._month import run_month
    from sla.report._render import month_report

    year, sep, mon = month.partition("-")
    if not (sep and year.isdigit() and mon.isdigit() and 1 <= int(mon) <= 12):
        raise UsageProblem(f"{month!r} is not a month such as 2025-06", field="--month")
    require("pandas", "pyarrow", extra="frames")
    files: dict[str, Path] = {}
    for path in contract:
        for code in load_contract(path).compile().tiers:
            files[code] = path
    table = None if events is None else read_events(events)
    result = run_month(files, month=date(int(year), int(mon), 1), events=table)
    path = month_report(result).write(out)
    console.print(f"wrote {path} ({result.contacts:,} contacts, {len(result.breaches)} breaches)")
