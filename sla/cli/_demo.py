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


def _money(value: Any) -> str:
    return "–" if value is None else value.rounded().format()


def _pnl_table(result: Any) -> Table:
    """The month's profit and loss per tier: the answer to "does each tier pay?"."""
    table = Table(
        "tier", "paid hours", "cost", "invoice", "result", "requests", "cost/request",
        "revenue/request", "margin/request",
        title=f"The month's profit and loss per tier, {result.period}",
    )  # fmt: skip
    for code, tier in result.tiers.items():
        month = tier.month
        if month is None:
            continue
        colour = "green" if month.result.amount >= 0 else "red"
        table.add_row(
            code, f"{month.paid_hours:,}", _money(month.cost), _money(month.revenue),
            f"[{colour}]{_money(month.result)}[/]", f"{month.requests:,}",
            _money(month.cost_per_request), _money(month.revenue_per_request),
            _money(month.margin_per_request),
        )  # fmt: skip
    return table


def _print(result: Any, report_path: Path) -> None:
    console.rule(f"[bold]sla demo: one month of service, {result.period}")
    console.print(_pnl_table(result))
    console.print(
        "Paid hours: a roster of shifts covering every half hour's Erlang staffing plus "
        "shrinkage; cost = paid hours × hour rate + fixed costs; invoice before tax, credits "
        "included; per request = one billable request (legs of a request counted once).",
        highlight=False,
    )
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

    console.print(
        "Met share: contacts that met their own deadline, per contact. Attained: the "
        "aggregate service level of the month, compared with the promised target.",
        highlight=False,
    )
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
                "month": None if tier.month is None else tier.month.as_dict(),
                "invoice": None if tier.invoice is None else tier.invoice.to_dict(),
            }
            for code, tier in result.tiers.items()
        },
    }


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Where to write the HTML report.")] = Path(
        "sla-report.html"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated month.")] = 7,
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")] = "2025-06",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    costs: Annotated[
        Path | None,
        typer.Option(
            "--costs", help="Costs, shifts and traffic (YAML, see examples/demo/costs.yaml)."
        ),
    ] = None,
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

        result = run_month(month=first_day, seed=seed, progress=step, costs=costs)
        step("writing the HTML report")
        path = write_output(out, month_report(result).html(), field="--out")
    if json_output:
        emit_json(_json(result, path))
    else:
        _print(result, path)
