"""``sla demo``: the worked example on bundled data, end to end."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from sla.cli._app import app, console, err_console
from sla.cli._common import emit_json, plain


def _pct(value: Any) -> str:
    if not isinstance(value, Fraction | int):
        return "–"
    return f"{float(value):.1%}"


def _breakeven(seconds: Any) -> str:
    """``None``: no handle time covers the cost; ``inf``: every handle time does."""
    import math

    if seconds is None:
        return "never"
    return "any" if math.isinf(seconds) else f"{seconds:.0f} s"


def _print(result: Any, report_path: Path) -> None:
    console.rule(f"[bold]sla demo: one month of service, {result.period}")
    console.print(
        f"{result.contacts:,} contacts and {result.events:,} events generated for three "
        f"example contracts (zone {result.zone}).",
        highlight=False,
    )

    contracts = Table("tier", "service class", "customer", "contacts", title="Contracts")
    for code, tier in result.tiers.items():
        contracts.add_row(plain(code), plain(tier.name), plain(tier.customer), f"{tier.contacts:,}")
    console.print(contracts)

    for note in result.notes:
        err_console.print(f"[yellow]note:[/] {plain(note)}", highlight=False)

    compliance = Table(
        "tier", "metric", "cycles", "met", "breached", "active", "abandoned", "met share",
        "service level", "attained",
        title="Compliance (per contact deadlines and aggregate promises)",
    )  # fmt: skip
    for code, tier in result.tiers.items():
        for row in tier.compliance:
            has_sl = isinstance(row.get("sl_target"), Fraction)
            attained = row.get("sl_attained") if has_sl else None
            style = ""
            if has_sl and attained is not None:
                style = "red" if Fraction(attained) < row["sl_target"] else "green"
            compliance.add_row(
                plain(code), row["metric"].replace("_", " "), f"{row['total']:,}",
                f"{row['met']:,}",
                f"{row['breached']:,}", f"{row['active']:,}", f"{row['abandoned']:,}",
                _pct(row["attained"]),
                _pct(row["sl_target"]) if has_sl else "–",
                f"[{style}]{_pct(attained)}[/]" if style else "–",
            )  # fmt: skip
    console.print(compliance)

    economics = Table(
        "tier", "busy ½ h", "AHT", "agents", "paid", "cost/contact", "revenue/contact",
        "margin/contact", "break-even AHT", "break-even price",
        title="Staffing and unit economics (Erlang C, 30 % shrinkage)",
    )  # fmt: skip
    for code, tier in result.tiers.items():
        econ = tier.economics
        if not econ:
            continue
        margin = econ["margin_per_contact"]
        colour = "green" if margin.amount >= 0 else "red"
        breakeven = econ["break_even_aht_seconds"]
        economics.add_row(
            plain(code), f"{econ['busy_half_hour_contacts']:g}", f"{econ['aht_seconds']:.0f} s",
            str(econ["agents"]), f"{econ['scheduled_agents']:.1f}",
            econ["cost_per_contact"].format(), econ["revenue_per_contact"].format(),
            f"[{colour}]{margin.format()}[/]",
            _breakeven(breakeven),
            econ["break_even_price"].format(),
        )  # fmt: skip
    console.print(economics)

    first = next(iter(result.tiers.values()))
    console.print(f"[bold]Invoice, tier {plain(first.code)} ({plain(first.customer)})[/]")
    if first.invoice is not None:
        console.print(first.invoice.to_text(), highlight=False, markup=False)
    totals = Table("tier", "customer", "total", title="All invoices")
    for code, tier in result.tiers.items():
        total = "not priced" if tier.invoice is None else tier.invoice.total.format()
        totals.add_row(plain(code), plain(tier.customer), total)
    console.print(totals)
    console.print(f"Report written to [bold]{plain(report_path)}[/] (open it in a browser).")


def _json(result: Any, report_path: Path) -> dict[str, Any]:
    return {
        "period": result.period,
        "zone": result.zone,
        "contacts": result.contacts,
        "events": result.events,
        "report": str(report_path),
        "notes": list(result.notes),
        "tiers": {
            code: {
                "customer": tier.customer,
                "contacts": tier.contacts,
                "compliance": [
                    {
                        "metric": row["metric"],
                        "total": int(row["total"]),
                        "met": int(row["met"]),
                        "breached": int(row["breached"]),
                        "active": int(row["active"]),
                        "abandoned": int(row["abandoned"]),
                        "cancelled": int(row["cancelled"]),
                        "attained": str(row["attained"]),
                    }
                    for row in tier.compliance
                ],
                "economics": {k: _plain(v) for k, v in tier.economics.items()},
                "invoice": None if tier.invoice is None else tier.invoice.to_dict(),
            }
            for code, tier in result.tiers.items()
        },
    }


def _plain(value: Any) -> Any:
    """JSON-ready: numbers stay numbers, infinity and NaN (not JSON) become null."""
    import math

    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float | type(None)):
        return value
    return str(value)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Where to write the HTML report.")] = Path(
        "sla-report.html"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated month.")] = 7,
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")] = "2025-06",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Run the worked example: contracts, a month of contacts, compliance, economics, invoices.

    Three example contracts (tiers A, B and C), a generated month of calls,
    messenger threads and chats, and an HTML report with charts.
    """
    from sla.cli._common import UsageProblem, check_writable, require, write_output
    from sla.report._month import run_month
    from sla.report._render import month_report

    year, sep, mon = month.partition("-")
    if not (sep and year.isdigit() and mon.isdigit() and 1 <= int(mon) <= 12):
        raise UsageProblem(f"{month!r} is not a month such as 2025-06", field="--month")
    first_day = date(int(year), int(mon), 1)
    require("pandas", "pyarrow", extra="frames")
    check_writable(out, field="--out")
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=json_output,
    ) as progress:
        task = progress.add_task("starting", total=None)

        def step(message: str) -> None:
            progress.update(task, description=message)

        result = run_month(month=first_day, seed=seed, progress=step)
        step("writing the HTML report")
        path = write_output(out, month_report(result).html(), field="--out")
    if json_output:
        emit_json(_json(result, path))
    else:
        _print(result, path)
