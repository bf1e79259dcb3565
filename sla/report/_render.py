"""The month's HTML report: compliance, breaches, staffing, margin and invoices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sla.report._html import Link, Report
from sla.report._month import MonthResult
from sla.report._svg import bar_chart, line_chart

__all__ = ["month_report"]


def _pct(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{float(Fraction(value)):.1%}"


def _when(seconds: Any, zone: str) -> str:
    if seconds is None or seconds != seconds:
        return "–"
    return datetime.fromtimestamp(int(seconds), ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %z")


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
    invoiced = [t.invoice.total for t in result.tiers.values()]
    report.cards(
        [
            ("contacts", f"{result.contacts:,}"),
            ("metric cycles", f"{total:,}"),
            ("breached cycles", f"{breached:,}"),
            ("invoiced", ", ".join(m.format() for m in invoiced)),
        ]
    )

    report.heading("Compliance", anchor="compliance")
    charts = []
    for code, tier in result.tiers.items():
        if tier.daily:
            charts.append(
                line_chart(
                    tier.daily,
                    title=f"Tier {code}: share met per day",
                    x_label=f"day of {result.period}",
                    y_label="met",
                    y_format=lambda v: f"{v:.0%}",
                    x_format=lambda v: f"{v:.0f}",
                    y_range=(0.0, 1.0),
                )
            )
    report.charts(*charts)
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
    report.paragraph(
        f"The first {len(result.breaches)} breaches of the month in time order; "
        "each links to the figures that explain it."
    )
    report.table(
        ["contact", "tier", "metric", "channel", "priority", "due", "breached at", "overdue (s)"],
        [
            [
                Link(str(row["contact_id"]), f"#b{i}"),
                row["tier"],
                row["metric"].replace("_", " "),
                row["channel"],
                row["priority"],
                _when(row["due"], result.zone),
                _when(row["breach_at"], result.zone),
                row["overdue_seconds"],
            ]
            for i, row in enumerate(result.breaches[:50])
        ],
        numeric=[7],
        sortable=True,
    )
    for i, row in enumerate(result.breaches[:50]):
        report.details(
            f"Breach {i + 1}: contact {row['contact_id']}, {row['metric'].replace('_', ' ')}",
            _explain_breach(row, result.zone),
            anchor=f"b{i}",
        )

    report.heading("Staffing and unit economics", anchor="economics")
    curves: dict[str, list[tuple[float, float]]] = {}
    costs: dict[str, list[tuple[float, float]]] = {}
    for code, tier in result.tiers.items():
        if tier.staffing_curve:
            curves[f"tier {code}"] = [
                (float(r["agents"]), float(r["service_level"])) for r in tier.staffing_curve
            ]
            costs[f"tier {code}"] = [
                (float(r["agents"]), float(r["cost_per_contact"]))
                for r in tier.staffing_curve
                if r.get("cost_per_contact") is not None
            ]
    margins = [
        (f"tier {code}", float(tier.economics["margin_per_contact"].amount))
        for code, tier in result.tiers.items()
        if tier.economics
    ]
    report.charts(
        line_chart(
            curves,
            title="Service level by agents (busy half hour)",
            x_label="agents on the queue",
            y_label="service level",
            y_format=lambda v: f"{v:.0%}",
            x_format=lambda v: f"{v:.0f}",
            y_range=(0.0, 1.0),
        ),
        line_chart(
            costs,
            title="Cost per contact by agents (USD)",
            x_label="agents on the queue",
            y_label="cost per contact",
            y_format=lambda v: f"{v:,.2f}",
            x_format=lambda v: f"{v:.0f}",
        ),
        bar_chart(margins, title="Margin per contact (USD)", y_format=lambda v: f"{v:,.2f}"),
    )
    report.table(
        [
            "tier",
            "contacts",
            "busy ½ h",
            "AHT (s)",
            "agents",
            "paid agents",
            "cost / contact",
            "revenue / contact",
            "margin / contact",
            "break-even AHT (s)",
            "break-even price",
        ],
        [
            [
                code,
                tier.contacts,
                tier.economics.get("busy_half_hour_contacts"),
                tier.economics.get("aht_seconds"),
                tier.economics.get("agents"),
                f"{tier.economics.get('scheduled_agents', 0):.2f}",
                tier.economics.get("cost_per_contact"),
                tier.economics.get("revenue_per_contact"),
                tier.economics.get("margin_per_contact"),
                tier.economics.get("break_even_aht_seconds") or "never",
                tier.economics.get("break_even_price"),
            ]
            for code, tier in result.tiers.items()
            if tier.economics
        ],
        numeric=range(1, 11),
    )

    report.heading("Invoices", anchor="invoices")
    for code, tier in result.tiers.items():
        report.paragraph(f"Tier {code}: {tier.customer}")
        report.raw(tier.invoice.to_html())
    return report
