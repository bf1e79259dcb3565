"""The month's HTML report: compliance, breaches, staffing, margin and invoices."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from sla.calendar import from_epoch
from sla.report._html import Cell, Link, Report
from sla.report._month import MonthResult
from sla.report._svg import bar_chart, line_chart

__all__ = ["month_report"]


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{float(Fraction(value)):.1%}"


#: Breaches listed (and explained) in the report; the count of all is given.
BREACHES_SHOWN = 50


def _number(value: Any) -> Any:
    return "" if value is None or value != value else value


def _duration(seconds: Any) -> str:
    """Overdue time for people: ``1h 20m 10s`` rather than ``4810``."""
    if seconds is None or seconds != seconds:
        return "–"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ([f"{hours}h"] if hours else []) + ([f"{minutes}m"] if hours or minutes else [])
    return " ".join([*parts, f"{secs}s"])


def _money(value: Any) -> Any:
    if value is None:
        return "–"
    return Cell(value.format(), value.amount)


def _break_even_aht(seconds: Any) -> Any:
    """``None``: no handle time covers the cost; ``inf``: every handle time does."""
    if seconds is None:
        return Cell("never", "")
    if seconds == float("inf"):
        return Cell("any", "")
    return Cell(_duration(seconds), seconds)


def _invoiced(result: MonthResult) -> list[tuple[str, str]]:
    """One card per currency invoiced: the sum, and which tiers make it up."""
    by_currency: dict[str, list[tuple[str, Any]]] = {}
    for code, tier in result.tiers.items():
        if tier.invoice is None:
            continue
        by_currency.setdefault(tier.invoice.total.currency.code, []).append(
            (code, tier.invoice.total)
        )
    cards = []
    for parts in by_currency.values():
        total = sum((m for _, m in parts[1:]), parts[0][1])
        detail = " · ".join(f"{code} {m.format()}" for code, m in parts)
        cards.append((f"invoiced ({detail})", total.format()))
    return cards


def _when(seconds: Any, zone: str, *, missing: str = "–") -> str:
    if seconds is None or seconds != seconds:
        return missing
    return from_epoch(int(seconds), zone).strftime("%Y-%m-%d %H:%M %z")


def _explain_breach(row: Mapping[str, Any], zone: str) -> str:
    lines = [
        f"contact {row['contact_id']} · {row['metric'].replace('_', ' ')} · cycle {row['cycle']}",
        f"tier {row['tier']} · channel {row['channel']} · priority {row['priority']}",
        f"policy {row['policy_id']} version {row['policy_version']}",
        f"started {_when(row['start'], zone)}",
        f"due     {_when(row['due'], zone)}  (target {row['target_seconds']} s of its clock)",
        f"breach  {_when(row['breach_at'], zone)}",
        f"stopped {_when(row['stop'], zone)}",
        f"elapsed {row['elapsed_seconds']} s business, {row['calendar_seconds']} s calendar; "
        f"overdue {row['overdue_seconds']} s",
        f"warnings fired: {row['warnings_fired']}, escalations fired: {row['escalations_fired']}",
    ]
    return "\n".join(lines)


def _profit_and_loss(report: Report, result: MonthResult) -> None:
    """The first table and chart: does each tier pay this month?"""
    report.heading("The month's profit and loss per tier", anchor="economics")
    months = [(code, tier.month) for code, tier in result.tiers.items() if tier.month is not None]
    currency = ", ".join(sorted({m.revenue.currency.code for _, m in months})) or "no economics"
    report.table(
        [
            "tier",
            "paid hours",
            "cost",
            "invoice",
            "result",
            "requests",
            "cost / request",
            "revenue / request",
            "margin / request",
        ],
        [
            [
                code,
                str(m.paid_hours),
                _money(m.cost.rounded()),
                _money(m.revenue.rounded()),
                _money(m.result.rounded()),
                m.requests,
                _money(None if m.cost_per_request is None else m.cost_per_request.rounded()),
                _money(None if m.revenue_per_request is None else m.revenue_per_request.rounded()),
                _money(None if m.margin_per_request is None else m.margin_per_request.rounded()),
            ]
            for code, m in months
        ],
        numeric=range(1, 9),
    )
    report.charts(
        bar_chart(
            [(f"tier {code}", float(m.result.amount)) for code, m in months],
            title=f"Result of the month per tier ({currency})",
            y_format=lambda v: f"{v:,.0f}",
        )
    )
    staffing = []
    for code, m in months:
        step = m.paid.interval.total_seconds() / 86400
        week = min(m.paid.heads.size, round(7 / step))
        staffing.append(
            line_chart(
                {
                    "paid heads (roster)": [
                        (i * step + 1, float(h)) for i, h in enumerate(m.paid.heads[:week])
                    ],
                    "heads the target needs": [
                        (i * step + 1, float(h)) for i, h in enumerate(m.paid.required[:week])
                    ],
                },
                title=f"Tier {code}: heads needed for the target and paid, first week",
                x_label=f"day of {result.period}",
                y_label="agents (with shrinkage)",
                x_format=lambda v: f"{v:.0f}",
                y_format=lambda v: f"{v:.0f}",
            )
        )
    report.charts(*staffing)
    report.charts(*staffing_curves(result))
    report.paragraph(
        "Why this many agents: in each queue's busiest interval, the service level the "
        "queue model gives for each number of agents, the contract's target (dashed line) "
        "and the agents chosen for that interval (dashed vertical line): the fewest whose "
        "service level reaches the target (for written queues, also under the occupancy "
        "ceiling)."
    )
    report.paragraph(
        "Paid hours: a roster of shifts (lengths and start grid from the costs file) covering, "
        "in every half hour, the agents the tier's queue model needs for its target plus "
        "shrinkage. Cost: paid hours × loaded hour rate + fixed costs + bot conversations. "
        "Invoice: the month's invoice before tax, service credits included. Result: invoice − "
        "cost. Per request: divided by the billable requests (the legs of one request, such "
        "as a missed call and its callback, count once)."
    )


def staffing_curves(result: MonthResult) -> list[str]:
    """Per tier and queue: service level by agents, the target line and the agents chosen."""
    charts = []
    for code, tier in result.tiers.items():
        for curve in tier.staffing:
            within = _duration(curve.within.total_seconds())
            charts.append(
                line_chart(
                    {"service level": [(float(n), level) for n, level in curve.points]},
                    title=curve.title(code),
                    x_label="agents on the queue",
                    y_label="service level (formula)",
                    y_format=lambda v: f"{v:.0%}",
                    x_format=lambda v: f"{v:.0f}",
                    y_range=(0.0, 1.0),
                    reference=(curve.target, f"target {curve.target:.0%} in {within}"),
                    marker=(float(curve.chosen), f"chosen: {curve.chosen}"),
                )
            )
    return charts


def month_report(result: MonthResult) -> Report:
    """Build the report page for ``result`` (write it with ``.write(path)``)."""
    report = Report(
        f"Service levels and economics, {result.period}",
        subtitle=f"{result.contacts:,} contacts, {result.events:,} events, "
        f"periods cut in {result.zone}",
    )
    breached = sum(
        int(row["breached"]) for tier in result.tiers.values() for row in tier.compliance
    )
    total = sum(int(row["total"]) for tier in result.tiers.values() for row in tier.compliance)
    report.cards(
        [
            ("contacts", f"{result.contacts:,}"),
            ("metric cycles", f"{total:,}"),
            ("breached cycles", f"{breached:,}"),
            *_invoiced(result),
        ]
    )
    if result.notes:
        report.notes(result.notes)
    _profit_and_loss(report, result)

    report.heading("Compliance", anchor="compliance")
    charts = []
    for code, tier in result.tiers.items():
        if tier.daily:
            charts.append(
                line_chart(
                    tier.daily,
                    title=f"Tier {code}: share met per day",
                    x_label=f"day of {result.period}",
                    y_label="share met (met ÷ finished)",
                    y_format=lambda v: f"{v:.0%}",
                    x_format=lambda v: f"{v:.0f}",
                    y_range=(0.0, 1.0),
                )
            )
    for code, tier in result.tiers.items():
        for metric, days in tier.daily_service_level.items():
            goal = tier.service_level_targets.get(metric)
            charts.append(
                line_chart(
                    {f"{metric}, attained": days},
                    title=f"Tier {code}: {metric}, aggregate service level per day",
                    x_label=f"day of {result.period}",
                    y_label="service level (answered in time ÷ offered)",
                    y_format=lambda v: f"{v:.0%}",
                    x_format=lambda v: f"{v:.0f}",
                    y_range=(0.0, 1.0),
                    reference=None if goal is None else (goal, f"target {goal:.0%}"),
                )
            )
    report.charts(*charts)
    report.paragraph(
        "Met share: the share of finished contacts that met their own deadline "
        "(per contact, per metric). Attained: the aggregate service level the contract "
        "promises for the month (e.g. 80 % of calls answered within 20 s), compared with "
        "its target. They differ because the promise counts only the contacts and window it "
        "names, and a contact can miss its own deadline while the month still meets the "
        "aggregate promise (and the other way round)."
    )
    rows = []
    classes = []
    for code, tier in result.tiers.items():
        for row in tier.compliance:
            sl_target = row.get("sl_target")
            has_sl = isinstance(sl_target, Fraction)
            rows.append(
                [
                    code,
                    row["metric"].replace("_", " "),
                    row["total"],
                    row["met"],
                    row["breached"],
                    row["active"],
                    row["abandoned"],
                    _pct(row["attained"]),
                    _pct(sl_target) if has_sl else "–",
                    _pct(row["sl_attained"]) if has_sl else "–",
                ]
            )
            missed = isinstance(sl_target, Fraction) and Fraction(row["sl_attained"]) < sl_target
            classes.append("bad" if missed else ("good" if has_sl else ""))
    report.table(
        [
            "tier",
            "metric",
            "cycles",
            "met",
            "breached",
            "active",
            "abandoned",
            "met share",
            "service level",
            "attained",
        ],
        rows,
        numeric=range(2, 10),
        row_classes=classes,
        sortable=True,
    )

    report.heading("Breaches", anchor="breaches")
    shown = result.breaches[:BREACHES_SHOWN]
    if shown:
        report.paragraph(
            f"The first {len(shown)} of {breached:,} breached cycles of the month, in the "
            "order they breached (a breach happens at the deadline). Click a contact for "
            "the figures that explain its breach; click a column heading to sort."
        )
        report.table(
            [
                "contact",
                "tier",
                "metric",
                "channel",
                "priority",
                "due (breached)",
                "stopped",
                "overdue",
            ],
            [
                [
                    Link(str(row["contact_id"]), f"#b{i}"),
                    row["tier"],
                    row["metric"].replace("_", " "),
                    row["channel"],
                    row["priority"],
                    Cell(_when(row["due"], result.zone), _number(row["due"])),
                    Cell(
                        _when(row["stop"], result.zone, missing="still open"), _number(row["stop"])
                    ),
                    Cell(_duration(row["overdue_seconds"]), _number(row["overdue_seconds"])),
                ]
                for i, row in enumerate(shown)
            ],
            numeric=[7],
            sortable=True,
        )
        for i, row in enumerate(shown):
            report.details(
                f"Breach {i + 1}: contact {row['contact_id']}, {row['metric'].replace('_', ' ')}",
                _explain_breach(row, result.zone),
                anchor=f"b{i}",
            )
    else:
        report.paragraph("No deadline was breached this month.")

    report.heading("Invoices", anchor="invoices")
    for code, tier in result.tiers.items():
        report.paragraph(f"Tier {code}: {tier.customer}")
        if tier.invoice is None:
            report.paragraph(
                "Not invoiced: the contract gives this tier no price (no catalogue tier "
                "to start from and no price_plan)."
            )
        else:
            report.raw(f'<div class="scroll">{tier.invoice.to_html()}</div>')
    return report
