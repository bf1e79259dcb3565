"""``sla staffing`` and ``sla economics``: agents for a target, and money per contact."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated, Any

import typer

from sla.cli._app import app
from sla.cli._common import (
    UsageProblem,
    emit_json,
    format_seconds,
    money,
    options,
    print_mapping,
    print_table,
    seconds,
    share,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
Calls = Annotated[float, typer.Option("--calls", help="Contacts offered per interval.")]
Interval = Annotated[str, typer.Option("--interval", help="Interval length, e.g. 30m or 1h.")]
Aht = Annotated[str, typer.Option("--aht", help="Average handle time, e.g. 180s or 3m.")]
Target = Annotated[str, typer.Option("--service-level", help="Share answered in time: 0.8 or 80%.")]
Within = Annotated[str, typer.Option("--within", help="Answer-time threshold, e.g. 20s.")]
Patience = Annotated[
    str | None, typer.Option("--patience", help="Mean caller patience: Erlang A instead of C.")
]
Shrinkage = Annotated[
    str, typer.Option("--shrinkage", help="Breaks, training, absence: 0.3 or 30%.")
]

_PRICES = ("per-contact", "per-minute", "per-agent-hour", "per-tier-month", "per-resolved-contact")


def _queue(calls: float, interval: str, aht: str, patience: str | None) -> Any:
    from sla.economics import Queue

    if not (math.isfinite(calls) and calls >= 0):
        raise UsageProblem(f"{calls}: must be a finite number, zero or more", field="--calls")
    with options(_STAFFING_OPTIONS):
        queue = Queue(
            calls=calls,
            interval=timedelta(seconds=seconds(interval, field="--interval")),
            aht=timedelta(seconds=seconds(aht, field="--aht")),
        )
        if patience is not None:
            queue = queue.with_patience(timedelta(seconds=seconds(patience, field="--patience")))
    return queue


_STAFFING_OPTIONS = {
    "calls": "--calls", "interval": "--interval", "aht": "--aht", "patience": "--patience",
    "service_level": "--service-level", "within": "--within", "max_asa": "--max-asa",
    "shrinkage": "--shrinkage",
}  # fmt: skip
_ECONOMICS_OPTIONS = {
    **_STAFFING_OPTIONS, "price": "--price", "agent_hour": "--agent-hour",
    "costs.agent_hour": "--agent-hour", "costs.shrinkage": "--shrinkage",
    "deflection.share": "--deflection", "deflection.aht": "--deflection-aht", "fcr": "--fcr",
    "open_hours_month": "--open-hours-month",
}  # fmt: skip


def _break_even(tier: Any) -> dict[str, Any]:
    """Break-even AHT and price; where none exists, ``None`` and the reason in words."""
    from sla._errors import EconomicsError

    found: dict[str, Any] = {}
    try:
        aht = float(tier.break_even_aht())
    except EconomicsError as exc:
        found["break_even_aht_seconds"] = None
        found["break_even_aht"] = f"never: {exc.reason}"
    else:
        # JSON has no infinity: "covers at any handle time" is said in words.
        finite = math.isfinite(aht)
        found["break_even_aht_seconds"] = round(aht, 1) if finite else None
        if tier.break_even_is_minimum:
            # A time-based price: longer contacts earn more, the break-even is a minimum.
            found["break_even_aht"] = (
                f"at least {format_seconds(aht)}"
                if aht > 0
                else "always: the price covers every handle time"
            )
        else:
            found["break_even_aht"] = (
                f"at most {format_seconds(aht)}" if finite else "any: the price always covers"
            )
    try:
        found["break_even_price"] = str(tier.break_even_price().rounded())
    except EconomicsError as exc:
        found["break_even_price"] = None
        found["break_even_price_note"] = exc.reason
    return found


@app.command()
def staffing(
    calls: Calls = 100,
    interval: Interval = "30m",
    aht: Aht = "180s",
    service_level: Target = "0.8",
    within: Within = "20s",
    max_asa: Annotated[
        str | None, typer.Option("--max-asa", help="Also: ASA at most this.")
    ] = None,
    patience: Patience = None,
    shrinkage: Shrinkage = "0",
    json_output: Json = False,
) -> None:
    """Agents needed for a service level (Erlang C, or Erlang A with --patience)."""
    from sla.economics import scheduled_agents

    queue = _queue(calls, interval, aht, patience)
    wait = timedelta(seconds=seconds(within, field="--within"))
    target = share(service_level, field="--service-level")
    asa_limit = None if max_asa is None else timedelta(seconds=seconds(max_asa, field="--max-asa"))
    with options(_STAFFING_OPTIONS):
        agents = int(queue.agents_for(service_level=target, within=wait, max_asa=asa_limit))
    shrink = share(shrinkage, field="--shrinkage")
    summary: dict[str, Any] = {
        "model": "Erlang A" if patience else "Erlang C",
        "traffic_erlangs": round(float(queue.traffic), 4),
        "agents": agents,
        "scheduled_agents": round(float(scheduled_agents(agents, shrink)), 2),
        "service_level": round(float(queue.service_level(agents, wait)), 4),
        "asa_seconds": round(float(queue.asa(agents)), 2),
        "occupancy": round(float(queue.occupancy(agents)), 4),
    }
    if patience:
        summary["abandon_probability"] = round(float(queue.abandon_probability(agents)), 4)
    low = max(1, agents - 3)
    curve = list(queue.staffing_curve(range(low, agents + 4), wait))
    if json_output:
        emit_json({"summary": summary, "curve": curve})
        return
    print_mapping(summary, title="Staffing")
    print_table(
        ["agents", "service level", "ASA (s)", "occupancy"],
        [
            [
                r["agents"],
                f"{r['service_level']:.1%}",
                f"{r['asa_seconds']:.1f}",
                f"{r['occupancy']:.1%}",
            ]
            for r in curve
        ],
        title="Around the answer",
    )


economics_app = typer.Typer(
    help="Cost and revenue per contact for one tier; `month` for a whole period."
)
app.add_typer(economics_app, name="economics")


@economics_app.callback(invoke_without_command=True)
def economics(
    ctx: typer.Context,
    calls: Calls = 100,
    interval: Interval = "30m",
    aht: Aht = "180s",
    agent_hour: Annotated[
        str, typer.Option("--agent-hour", help="Loaded cost, e.g. '32 EUR'.")
    ] = "32 EUR",
    price: Annotated[str, typer.Option("--price", help="Price, e.g. '4.50 EUR'.")] = "4.50 EUR",
    price_model: Annotated[
        str, typer.Option("--price-model", help=f"One of {', '.join(_PRICES)}.")
    ] = "per-contact",
    service_level: Target = "0.8",
    within: Within = "20s",
    shrinkage: Shrinkage = "0.3",
    deflection: Annotated[
        str | None, typer.Option("--deflection", help="Share a bot answers.")
    ] = None,
    deflection_aht: Annotated[
        str, typer.Option("--deflection-aht", help="AHT of deflectable contacts.")
    ] = "90s",
    fcr: Annotated[str, typer.Option("--fcr", help="First-contact resolution share.")] = "1",
    open_hours: Annotated[
        int, typer.Option("--open-hours-month", help="Open hours per month (spread a monthly fee).")
    ] = 730,
    vary_aht: Annotated[
        list[str] | None, typer.Option("--vary-aht", help="What-if AHT (repeatable).")
    ] = None,
    vary_service_level: Annotated[
        list[str] | None,
        typer.Option("--vary-service-level", help="What-if target share, e.g. 90% (repeatable)."),
    ] = None,
    vary_agent_hour: Annotated[
        list[str] | None,
        typer.Option("--vary-agent-hour", help="What-if wage, e.g. '35 EUR' (repeatable)."),
    ] = None,
    vary_price: Annotated[
        list[str] | None,
        typer.Option("--vary-price", help="What-if price, e.g. '5 EUR' (repeatable)."),
    ] = None,
    vary_volume: Annotated[
        list[float] | None, typer.Option("--vary-volume", help="What-if volume factor.")
    ] = None,
    json_output: Json = False,
) -> None:
    """Cost and revenue per contact, margin and break-even handle time for one tier.

    `sla economics month FILE` runs the period model on a contact or forecast file.
    """
    from decimal import Decimal

    if ctx.invoked_subcommand is not None:
        return

    from sla import economics as eco

    queue = _queue(calls, interval, aht, None)
    models: dict[str, Any] = {"per-contact": eco.PerContact, "per-minute": eco.PerMinute,
              "per-agent-hour": eco.PerAgentHour, "per-tier-month": eco.PerTierMonth,
              "per-resolved-contact": eco.PerResolvedContact}  # fmt: skip
    if price_model not in models:
        raise UsageProblem(
            f"unknown price model; use one of {', '.join(_PRICES)}", field="--price-model"
        )
    with options(_ECONOMICS_OPTIONS):
        tier = eco.TierEconomics(
            queue=queue,
            costs=eco.Costs(agent_hour=money(agent_hour, field="--agent-hour"),
                            shrinkage=share(shrinkage, field="--shrinkage")),
            price=models[price_model](money(price, field="--price")),
            service_level=share(service_level, field="--service-level"),
            within=timedelta(seconds=seconds(within, field="--within")),
            deflection=None if deflection is None else eco.Deflection(
                share(deflection, field="--deflection"),
                timedelta(seconds=seconds(deflection_aht, field="--deflection-aht"))),
            fcr=share(fcr, field="--fcr"),
            open_hours_month=Decimal(open_hours),
        )  # fmt: skip
    with options(_ECONOMICS_OPTIONS):
        outcome = tier.outcome()
    row = outcome.as_row()
    row.update(_break_even(tier))
    variations: dict[str, list[Any]] = {}
    if vary_aht:
        variations["aht"] = [timedelta(seconds=seconds(v, field="--vary-aht")) for v in vary_aht]
    if vary_volume:
        if any(v <= 0 for v in vary_volume):
            raise UsageProblem("volume factors must be above 0", field="--vary-volume")
        variations["volume"] = list(vary_volume)
    if vary_service_level:
        variations["service_level"] = [
            share(v, field="--vary-service-level") for v in vary_service_level
        ]
    if vary_agent_hour:
        variations["agent_hour"] = [money(v, field="--vary-agent-hour") for v in vary_agent_hour]
    if vary_price:
        variations["price"] = [money(v, field="--vary-price") for v in vary_price]
    with options(_ECONOMICS_OPTIONS):
        table = list(eco.what_if(tier, **variations)) if variations else []
    if json_output:
        emit_json({"outcome": row, "explain": list(outcome.steps), "what_if": table})
        return
    print_mapping(_readable(row), title="Unit economics of one interval (per contact)")
    if table:
        headers = list(table[0])
        print_table(
            headers,
            [[_readable_value(h, r[h], row["currency"]) for h in headers] for r in table],
            title="What if",
        )


def _readable(row: dict[str, Any]) -> dict[str, str]:
    """The outcome for people: money with its currency, shares as percentages."""
    shown = {k: _readable_value(k, v, row["currency"]) for k, v in row.items()}
    shown.pop("currency", None)
    if row.get("break_even_aht_seconds") is not None:
        shown.pop("break_even_aht_seconds")
    else:
        shown.pop("break_even_aht_seconds", None)
    return shown


_MONEY = ("cost_per_contact", "revenue_per_contact", "margin_per_contact",
          "break_even_price", "agent_hour", "price")  # fmt: skip
_SHARES = ("achieved_service_level", "occupancy", "margin_share", "service_level")


def _readable_value(key: str, value: Any, currency: str) -> str:
    from decimal import Decimal

    if value is None:
        return "–"
    if key in _SHARES and not isinstance(value, bool):
        return f"{float(Decimal(str(value))):.1%}"
    if key in _MONEY:
        from sla.money import Money

        text = str(value)
        amount = Money.parse(text) if text.endswith(currency) else Money(text, currency)
        return amount.rounded().format()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
