"""``sla economics month``: a period's paid hours, cost, invoice and result per request."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from sla._errors import SLAError
from sla.cli._app import console
from sla.cli._common import UsageProblem, emit_json, money, print_mapping, seconds, share
from sla.cli._economics import economics_app
from sla.cli._month_files import read_month_input
from sla.cli._price import _plan, _usage, attainments


def _billable(path: Path | None) -> Any:
    """The billable unit a plan or contract file declares (``price_plan.billable``)."""
    from sla.economics import Billable

    if path is None:
        return Billable()
    from sla.cli._common import read_data

    data = read_data(path)
    if isinstance(data, dict) and "contract" in data and "tiers" in data:
        from sla.cli._contracts import load_contract

        return Billable.of_contract(load_contract(path))
    wrapped = data.get("price_plan") if isinstance(data, dict) else None
    try:
        return Billable.from_mapping(wrapped.get("billable") if isinstance(wrapped, dict) else None)
    except SLAError as exc:
        raise UsageProblem(exc.reason, field=f"{path}, price_plan.{exc.field}") from None


def _invoice(
    plan_file: Path, tier: str | None, metric: str | None, requests: int,
    usage: list[str] | None, attained: list[str] | None, period: Any,
) -> Any:  # fmt: skip
    """The month's invoice under the plan: billable requests as ``metric``, credits included."""
    from sla.pricing import invoice

    plan = _plan(plan_file, tier)
    metrics = plan.metrics()
    if metric is None:
        if len(metrics) != 1:
            raise UsageProblem(
                f"the plan prices {', '.join(metrics) or 'no usage metric'}; name the one the "
                "billable requests fill with --metric",
                field="--metric",
            )
        metric = metrics[0]
    if metric not in metrics:
        raise UsageProblem(
            f"the plan {plan_file} prices no {metric!r} (it prices {', '.join(metrics) or 'none'})",
            field="--metric",
        )
    quantities: dict[str, Any] = dict(_usage(usage))
    if metric in quantities:
        raise UsageProblem(
            f"{metric} is the billable requests' metric, counted from the file", field="--usage"
        )
    quantities[metric] = requests
    try:
        return invoice(plan, quantities, attainments(attained, plan), period)
    except UsageProblem:
        raise
    except SLAError as exc:
        raise UsageProblem(str(exc), field=str(plan_file)) from None


def _month_of(period: str, zone: str) -> tuple[int, int, datetime, datetime]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    year, sep, mon = period.partition("-")
    if not (sep and year.isdigit() and mon.isdigit() and 1 <= int(mon) <= 12):
        raise UsageProblem(f"{period!r} is not a month such as 2025-06", field="--period")
    if not 1 <= int(year) <= 9998:
        raise UsageProblem(f"{period!r}: the year must be 1 to 9998", field="--period")
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageProblem(f"unknown time zone {zone!r}", field="--tz") from None
    start = datetime(int(year), int(mon), 1, tzinfo=tz)
    end = datetime(int(year) + (int(mon) == 12), int(mon) % 12 + 1, 1, tzinfo=tz)
    return int(year), int(mon), start, end


def _costs(hour: str, fixed: list[str] | None) -> Any:
    from sla.economics import PeriodCosts

    rate = money(hour, field="--hour-rate")
    extra = {}
    for i, item in enumerate(fixed or ()):
        name, sep, amount = item.partition("=")
        if not sep or not name.strip():
            raise UsageProblem(f"{item!r}: write NAME=AMOUNT", field=f"--fixed[{i}]")
        extra[name.strip()] = money(amount, field=f"--fixed[{i}]")
    try:
        return PeriodCosts(rate, extra)
    except SLAError as exc:
        names = list(extra)
        field = exc.field or ""
        if field.startswith("costs.fixed."):
            option = f"--fixed[{names.index(field.removeprefix('costs.fixed.'))}]"
        else:
            option = "--hour-rate"
        raise UsageProblem(exc.reason, field=option) from None


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
    plan: Annotated[
        Path | None,
        typer.Option("--plan", help="Price plan or contract file: the invoice is the revenue."),
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="With a contract --plan, its tier.")
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option("--metric", help="The plan's usage metric the billable requests fill."),
    ] = None,
    usage: Annotated[
        list[str] | None,
        typer.Option("--usage", "-u", help="Other usage, METRIC=QUANTITY (e.g. seats=12)."),
    ] = None,
    attainment: Annotated[
        list[str] | None,
        typer.Option("--attainment", "-a", help="METRIC=SHARE attained, for service credits."),
    ] = None,
    revenue: Annotated[
        str | None, typer.Option("--revenue", help="The period's invoice before tax.")
    ] = None,
    price: Annotated[
        str | None, typer.Option("--price-per-request", help="Price of one request.")
    ] = None,
    simulate: Annotated[
        bool,
        typer.Option("--simulate", help="Check each interval's staffing by simulation (seeded)."),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of --simulate.")] = 0,
    customers: Annotated[
        int, typer.Option("--customers", help="Calls simulated per interval with --simulate.")
    ] = 20_000,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Paid hours, cost, invoice, result and per-request figures of one tier's month."""
    from sla.economics import (
        ChatTarget,
        MonthEconomics,
        ShiftRules,
        VoiceTarget,
        WrittenTarget,
        paid_hours_lower_bound,
        schedule_shifts,
    )
    from sla.pricing import BillingPeriod

    year, mon, start, end = _month_of(period, zone)
    step = timedelta(seconds=seconds(interval, field="--interval"))
    if sum(x is not None for x in (revenue, price, plan)) != 1:
        raise UsageProblem(
            "give the revenue one way: --plan FILE, --price-per-request or --revenue",
            field="--plan",
        )
    costs = _costs(hour, fixed)
    read = read_month_input(file, start, end, step)
    level = share(service_level, field="--service-level")
    wait = timedelta(seconds=seconds(within, field="--within"))
    targets: dict[str, Any] = {
        "voice": lambda: VoiceTarget(level, wait),
        "chat": lambda: ChatTarget(level, wait, concurrency),
        "written": lambda: WrittenTarget(wait, level),
    }
    if model not in targets:
        raise UsageProblem("use voice, chat or written", field="--model")
    target = targets[model]()
    agents = target.agents(read.workload)
    shrink = str(share(shrinkage, field="--shrinkage"))
    if shifts:
        lengths = [timedelta(seconds=seconds(s, field="--shifts")) for s in shifts.split(",") if s]
        rules = ShiftRules(
            lengths, starts_every=timedelta(seconds=seconds(starts_every, field="--starts-every"))
        )
        paid = schedule_shifts(agents, shrink, rules, start=start, interval=step)
    else:
        paid = paid_hours_lower_bound(agents, shrink, start=start, interval=step)
    requests = _billable(plan).count(read.request_ids, read.bot_resolved)
    bill = None
    if plan is not None:
        billing = BillingPeriod.month(year, mon, zone)
        bill = _invoice(plan, tier, metric, requests, usage, attainment, billing)
        if bill.currency != costs.currency:
            raise UsageProblem(
                f"costs are in {costs.currency.code}, the plan {plan} invoices in "
                f"{bill.currency.code}: give the hour rate and fixed costs in "
                f"{bill.currency.code}",
                field="--hour-rate",
            )
        result = MonthEconomics.from_invoice(paid, costs, bill, requests)
    else:
        if usage or attainment or tier or metric:
            raise UsageProblem(
                "--usage, --attainment, --tier and --metric price the month with --plan",
                field="--plan",
            )
        income = (
            money(revenue, field="--revenue")
            if revenue is not None
            else money(str(price), field="--price-per-request") * requests
        )
        if income.currency != costs.currency:
            option = "--revenue" if revenue is not None else "--price-per-request"
            raise UsageProblem(
                f"is in {income.currency.code}, the costs in {costs.currency.code}", field=option
            )
        result = MonthEconomics(paid, costs, income, requests)
    payload: dict[str, Any] = {"month": result.as_dict(), "proven_optimal": paid.proven_optimal}
    if bill is not None:
        payload["invoice"] = _invoice_figures(bill)
    if simulate:
        check = target.check(read.workload, agents, seed=seed, customers=customers)
        payload["simulation"] = _simulation_figures(check)
    if json_output:
        emit_json(payload)
        return
    print_mapping(result.as_dict(), title=f"The month {period}: {paid.method}")
    if bill is not None:
        console.print(bill.to_text(), highlight=False, markup=False)
    console.print(str(result.explain("result")), highlight=False, markup=False)
    if simulate:
        _print_simulation(payload["simulation"])


def _invoice_figures(bill: Any) -> dict[str, str]:
    from sla.economics._period import money_text

    return {
        "charges": money_text(bill.charges),
        "credits": money_text(bill.credits),
        "tax": money_text(bill.tax),
        "total": money_text(bill.total),
    }


def _simulation_figures(check: Any) -> dict[str, Any]:
    rows = list(check)
    return {
        "intervals": len(rows),
        "differ": [r for r in rows if r["differs"]],
    }


def _print_simulation(figures: dict[str, Any]) -> None:
    differ = figures["differ"]
    console.print(
        f"Simulation: {len(differ)} of {figures['intervals']} staffed intervals differ from "
        "the formula (formula outside the simulated 95 % interval)",
        highlight=False,
        markup=False,
    )
    for row in differ:
        console.print(
            f"  {row['start']}: {row['agents']} agents, formula "
            f"{row['service_level']:.1%}, simulated {row['simulated_service_level']:.1%} "
            f"± {row['half_width']:.1%}",
            highlight=False,
            markup=False,
        )
