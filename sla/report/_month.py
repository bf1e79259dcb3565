"""One month of service, end to end: contracts -> clocks -> compliance -> economics -> invoices.

This is what ``sla demo`` and ``sla report`` run. It only wires the library's
layers together; every number comes from the public functions of
:mod:`sla.clocks`, :mod:`sla.economics` and :mod:`sla.pricing`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from sla._errors import SLAError
from sla.money import Money

__all__ = ["MonthResult", "TierMonth", "example_contracts", "run_month"]

Progress = Callable[[str], None]

#: The three bundled example contracts, one per catalogue tier.
EXAMPLES = {"A": "tier_a.yaml", "B": "tier_b.yaml", "C": "tier_c.yaml"}

#: Loaded cost of one paid hour per tier (USD): personal managers cost more than a pool.
AGENT_HOUR = {"A": Money("40.00", "USD"), "B": Money("32.00", "USD"), "C": Money("22.00", "USD")}
#: Seats tier C's customer contracted for (billed per seat, volume tiers).
CONTRACTED_SEATS = 12
#: Chats an operator handles at once (tier C); voice and written are one at a time.
CHAT_CONCURRENCY = Decimal("2.5")


def example_contracts() -> dict[str, Path]:
    """Paths of the bundled example contracts by tier code."""
    base = resources.files("sla") / "_data" / "contracts"
    return {code: Path(str(base / name)) for code, name in EXAMPLES.items()}


@attrs.frozen
class TierMonth:
    """Everything one tier did in the month."""

    code: str
    name: str
    customer: str
    contacts: int
    compliance: list[dict[str, Any]]
    attainments: list[Any]
    economics: dict[str, Any]
    staffing_curve: list[dict[str, Any]]
    invoice: Any  # None when the contract does not price the tier
    daily: dict[str, list[tuple[float, float]]]


@attrs.frozen
class MonthResult:
    """The month's results: per tier, plus the raw tables for drill-down."""

    period: str
    zone: str
    tiers: dict[str, TierMonth]
    cycles: Any  # pandas DataFrame of metric cycles
    breaches: list[dict[str, Any]]
    events: int
    contacts: int
    #: Caveats a reader must see, e.g. a month outside a contract's effective period.
    notes: tuple[str, ...] = ()


def _usage(code: str, contacts: Any) -> dict[str, int]:
    mine = contacts[contacts["tier"] == code]
    counts = mine["channel"].astype(str).value_counts().to_dict()
    if code == "A":
        return {"contacts.voice": int(counts.get("voice", 0) + counts.get("callback", 0))}
    if code == "B":
        return {"contacts.written": int(sum(counts.values()))}
    handled = int((~mine["bot_resolved"]).sum())
    return {"seats": CONTRACTED_SEATS, "contacts.chat": handled}


def _economics(
    code: str, contacts: Any, revenue: Money, open_hours: Decimal
) -> tuple[dict[str, Any], Any]:
    """Staff the tier's main queue for a busy half hour and price it per contact."""
    import numpy as np

    from sla.economics import Costs, Deflection, PerContact, Queue, TierEconomics

    mine = contacts[contacts["tier"] == code]
    main = {"A": ("voice", "callback"), "B": ("messenger", "email"), "C": ("web_chat",)}[code]
    queue_rows = mine[mine["channel"].astype(str).isin(main)]
    created = queue_rows["created"].to_numpy()
    # A busy half hour: the 90th percentile of contacts per half hour while the tier is busy.
    buckets = np.bincount((created - created.min()) // 1800) if len(created) else np.zeros(1)
    busy = float(np.percentile(buckets[buckets > 0], 90)) if np.any(buckets) else 0.0
    handled = queue_rows[~queue_rows["bot_resolved"]]["handle_seconds"]
    aht = float(handled.mean()) if len(handled) else 180.0
    if code == "C":
        aht = aht / float(CHAT_CONCURRENCY)  # an operator works CHAT_CONCURRENCY chats at once
    within = {"A": 20, "B": 7200, "C": 60}[code]
    level = {"A": 0.8, "B": 0.9, "C": 0.8}[code]
    queue = Queue(
        calls=max(busy, 1.0), interval=timedelta(minutes=30), aht=timedelta(seconds=round(aht))
    )
    bot_share = float(mine["bot_resolved"].mean()) if len(mine) else 0.0
    deflection = None
    if code == "C" and 0 < bot_share < 1:
        deflection = Deflection(bot_share, timedelta(seconds=round(aht * 0.5)))
    tier = TierEconomics(
        queue=queue,
        costs=Costs(agent_hour=AGENT_HOUR[code], shrinkage=0.3),
        price=PerContact(revenue),
        service_level=level,
        within=timedelta(seconds=within),
        deflection=deflection,
        open_hours_month=open_hours,
    )
    outcome = tier.outcome()
    row = outcome.as_row()
    row.update(
        {
            "busy_half_hour_contacts": round(busy, 1),
            "aht_seconds": round(aht, 1),
            "break_even_aht_seconds": _or_none(lambda: round(float(tier.break_even_aht()), 1)),
            "break_even_price": tier.break_even_price().rounded(),
            "cost_per_contact": outcome.cost_per_contact.rounded(),
            "revenue_per_contact": outcome.revenue_per_contact.rounded(),
            "margin_per_contact": outcome.margin_per_contact.rounded(),
            "bot_share": round(bot_share, 3),
        }
    )
    agents = int(outcome.agents)
    curve = list(
        queue.staffing_curve(
            range(max(1, agents - 4), agents + 6),
            timedelta(seconds=within),
            agent_hour=AGENT_HOUR[code],
            shrinkage=0.3,
        )
    )
    return row, curve


def _or_none(compute: Callable[[], Any]) -> Any:
    """A figure, or ``None`` where it does not exist (e.g. no handle time breaks even)."""
    from sla._errors import EconomicsError

    try:
        return compute()
    except EconomicsError:
        return None


def run_month(
    contracts: Mapping[str, Path] | None = None,
    *,
    month: date = date(2025, 6, 1),
    seed: int = 7,
    scale: float = 1.0,
    events: Any = None,
    progress: Progress | None = None,
) -> MonthResult:
    """Evaluate a month of contacts against contracts and price it.

    ``contracts`` maps tier codes to contract files (default: the bundled
    examples). Without ``events`` a realistic month is generated with
    :func:`sla.simulate.generate` (seeded: the same arguments give the same
    report); ``events`` may instead be a table in the clock event schema.
    """
    from sla.clocks import attainment, clock_policies, compliance, evaluate_table
    from sla.clocks import service_level_targets as sl_targets
    from sla.contracts import load
    from sla.pricing import Period, attainments, contract_plan, invoice, is_priced
    from sla.simulate import TierTraffic, generate

    step = progress or (lambda _message: None)
    files = dict(contracts or example_contracts())
    step("loading contracts")
    compiled = {code: load(path).compile() for code, path in files.items()}
    policies: dict[str, Any] = {}
    targets: list[Any] = []
    for code, contract in compiled.items():
        per_tier = clock_policies(contract)
        if code not in per_tier:
            raise SLAError(f"contract has no tier {code!r}", field=str(files[code]))
        policies[code] = per_tier[code]
        targets.extend(t for t in sl_targets(contract) if t.tier == code)
    first = next(iter(compiled.values()))
    zone = first.calendars[first.tiers[next(iter(compiled))].coverage].tz
    start = datetime(month.year, month.month, 1, tzinfo=ZoneInfo(zone))
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    end = datetime(nxt.year, nxt.month, 1, tzinfo=ZoneInfo(zone))
    days = (nxt - date(month.year, month.month, 1)).days

    contacts_table = None
    if events is None:
        step("generating a month of contacts")
        office = (0, 0, 0, 0, 0, 0, 0, 0.02, 0.09, 0.13, 0.13, 0.12, 0.08, 0.1, 0.11, 0.1, 0.08,
                  0.04, 0.0, 0, 0, 0, 0, 0)  # fmt: skip
        profiles: dict[str, dict[str, Any]] = {
            "A": {"channels": {"voice": 0.8, "email": 0.2}, "contacts_per_day": 70,
                  "customers": 40, "handle_median": timedelta(minutes=5), "intraday": office,
                  "answer_wait_mean": timedelta(seconds=8)},
            "B": {"channels": {"messenger": 0.7, "email": 0.3}, "contacts_per_day": 180,
                  "customers": 250, "deflectable_share": 0.15},
            "C": {"channels": {"web_chat": 0.9, "web_form": 0.1}, "contacts_per_day": 600,
                  "customers": 8000, "first_response_median": timedelta(seconds=45),
                  "next_response_median": timedelta(minutes=2),
                  "customer_reply_median": timedelta(minutes=5), "deflectable_share": 0.45},
        }  # fmt: skip
        traffic_tiers = []
        for code, contract in compiled.items():
            tier = contract.tiers[code]
            profile = profiles.get(code, profiles["B"])
            traffic_tiers.append(
                TierTraffic(code, calendar=contract.calendars[tier.coverage], **profile)
            )
        traffic = generate(date(month.year, month.month, 1), days, tiers=traffic_tiers,
                           tz=zone, seed=seed, scale=scale)  # fmt: skip
        events = traffic.events.to_arrow()
        contacts_table = traffic.contacts.to_pandas()
    step("evaluating SLA clocks")
    cycles = evaluate_table(events, policies, as_of=end, output="pandas")
    step("compliance and service credits")
    summary = compliance(cycles, tz=zone, by=("tier", "metric"), targets=targets)
    daily = compliance(cycles, tz=zone, period="day", by=("tier", "metric", "period"))
    found = attainment(cycles, tz=zone, targets=targets)
    period = Period.month(month.year, month.month, zone)

    tiers: dict[str, TierMonth] = {}
    for code, contract in compiled.items():
        step(f"economics and invoice for tier {code}")
        rows = summary[summary["tier"] == code].to_dict("records")
        mine = [a for a in found if a.tier == code]
        # A tier the contract does not price keeps its SLA figures but gets no invoice.
        plan = contract_plan(contract, code) if is_priced(contract, code) else None
        if contacts_table is not None:
            count = int((contacts_table["tier"] == code).sum())
            usage = _usage(code, contacts_table)
        else:
            count = int(cycles[cycles["tier"] == code]["contact_id"].nunique())
            usage = {"contacts.voice" if code == "A" else "contacts.written": count}
        bill = None if plan is None else invoice(plan, usage, attainments(mine), period)
        econ: dict[str, Any] = {}
        curve: list[dict[str, Any]] = []
        if contacts_table is not None and count and bill is not None:
            revenue = bill.total / count
            coverage = contract.calendars[contract.tiers[code].coverage]
            open_hours = (
                Decimal(coverage.elapsed_seconds(int(start.timestamp()), int(end.timestamp())))
                / 3600
            )
            econ, curve = _economics(code, contacts_table, revenue, open_hours)
        series: dict[str, list[tuple[float, float]]] = {}
        for row in daily[daily["tier"] == code].to_dict("records"):
            finished = row["met"] + row["breached"] + row["abandoned"]
            if finished:
                day = float(str(row["period"])[-2:])
                series.setdefault(row["metric"].replace("_", " "), []).append(
                    (day, float(Fraction(row["met"], finished)))
                )
        tiers[code] = TierMonth(
            code,
            contract.tiers[code].name,
            contract.contract.customer.name,
            count,
            rows,
            mine,
            econ,
            curve,
            bill,
            {k: sorted(v) for k, v in series.items()},
        )
    breached = cycles[cycles["status"] == "breached"].sort_values("breach_at")
    breaches = breached.head(200).to_dict("records")
    notes = tuple(
        _out_of_effect(code, contract.contract, date(month.year, month.month, 1), nxt)
        for code, contract in compiled.items()
    )
    return MonthResult(
        period.label,
        zone,
        tiers,
        cycles,
        breaches,
        int(events.num_rows) if hasattr(events, "num_rows") else len(events),
        sum(t.contacts for t in tiers.values()),
        tuple(n for n in notes if n),
    )


def _out_of_effect(code: str, spec: Any, first: date, after: date) -> str:
    """A note when the month is not wholly inside the contract's effective period."""
    until = spec.effective_until
    if spec.effective_from <= first and (until is None or until >= after - timedelta(days=1)):
        return ""
    span = f"{spec.effective_from} to {until}" if until else f"from {spec.effective_from}"
    return (
        f"tier {code}: contract {spec.contract} is in effect {span}, which does not cover "
        f"the whole month; its terms are applied to the month anyway"
    )
