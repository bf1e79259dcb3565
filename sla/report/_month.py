"""One month of service, end to end: contracts -> clocks -> compliance -> economics -> invoices.

This is what ``sla demo`` and ``sla report`` run. It only wires the library's
layers together; every number comes from the public functions of
:mod:`sla.clocks`, :mod:`sla.economics` and :mod:`sla.pricing`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from sla._errors import SLAError
from sla.report._costs import TierCosts, load_costs
from sla.report._staffing import staffing_curve
from sla.report._targets import queue_target

__all__ = ["MonthResult", "TierMonth", "example_contracts", "run_month"]

Progress = Callable[[str], None]

#: The three bundled example contracts, one per catalogue tier.
EXAMPLES = {"A": "tier_a.yaml", "B": "tier_b.yaml", "C": "tier_c.yaml"}


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
    #: The month's profit and loss (:class:`sla.economics.MonthEconomics`), if contacts are known.
    month: Any
    invoice: Any  # None when the contract does not price the tier
    daily: dict[str, list[tuple[float, float]]]
    #: The aggregate service level per day, for metrics with a promised target.
    daily_service_level: dict[str, list[tuple[float, float]]] = attrs.field(factory=dict)
    #: The promised service level per metric (share), e.g. ``{"speed of answer": 0.8}``.
    service_level_targets: dict[str, float] = attrs.field(factory=dict)
    #: Each costs-file queue's channels and the staffing target read from the contract
    #: (:class:`sla.economics.VoiceTarget`, ``ChatTarget`` or ``WrittenTarget``).
    queue_targets: tuple[tuple[tuple[str, ...], Any], ...] = ()
    #: Per queue, service level by agents in its busiest interval, with the target and
    #: the agents chosen (:class:`sla.report._staffing.StaffingCurve`).
    staffing: tuple[Any, ...] = ()


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


def queue_targets(tier: Any, costs: TierCosts, code: str) -> tuple[Any, ...]:
    """Each costs-file queue's staffing target, its times from the contract's ``tier``."""
    return tuple(
        queue_target(tier, queue, f"tiers.{code}.queues[{i}]")
        for i, queue in enumerate(costs.queues)
    )


def _requests(contract: Any, mine: Any) -> int:
    """Billable requests: legs of one request once, as the contract's price plan declares."""
    from sla.economics import Billable

    billable = Billable.of_contract(contract)
    return billable.count(mine["request_id"].to_numpy(), mine["bot_resolved"].to_numpy())


def _billed_usage(contract: Any, mine: Any, costs: TierCosts) -> int:
    """The plan metric's quantity: billable requests, of the usage's ``channels`` if given.

    A request counts under a channel when its first leg (the original contact) came by it.
    """
    channels = costs.usage.get("channels")
    if channels is None:
        return _requests(contract, mine)
    first = mine["contact_id"].to_numpy() == mine["request_id"].to_numpy()
    asked = set(mine["request_id"].to_numpy()[
        first & mine["channel"].astype(str).isin([str(c) for c in channels]).to_numpy()
    ])  # fmt: skip
    return _requests(contract, mine[mine["request_id"].isin(asked).to_numpy()])


def _paid_hours(
    code: str, mine: Any, costs: TierCosts, targets: tuple[Any, ...], coverage: Any,
    start: datetime, end: datetime, interval: timedelta,
) -> Any:  # fmt: skip
    """Each queue staffed per interval by its model; one roster of shifts covers their sum.

    Returns the paid hours and each queue's staffing curve in its busiest interval.

    Every queue's workload is built on the tier's coverage calendar, so no closed
    interval is staffed and work left while closed is answered from the next opening.
    A call or chat left while closed is a message (voicemail, offline chat): it is
    staffed by the tier's first written queue, if it has one, not as a live contact.
    """
    import numpy as np

    from sla.economics import ShiftRules, Workload, schedule_shifts

    total = None
    curves: list[Any] = []
    people = mine[~mine["bot_resolved"].to_numpy()]
    channel = people["channel"].astype(str)
    created = people["created"].to_numpy(np.int64)
    closed = ~np.asarray(coverage.add_many(created, 0) == created, dtype=bool)
    models = [q.get("model") for q in costs.queues]
    # A call or chat left while the tier is closed (voicemail, offline chat) is a
    # message: it joins the tier's first written queue; with none, its own queue at opening.
    inbox = models.index("written") if "written" in models else None
    live = {i for i, m in enumerate(models) if m != "written"} if inbox is not None else set()
    for i, queue in enumerate(costs.queues):
        take = channel.isin([str(c) for c in queue.get("channels", ())]).to_numpy()
        if i in live:
            take = take & ~closed
        elif i == inbox:
            moved = [str(c) for j in live for c in costs.queues[j].get("channels", ())]
            take = take | (channel.isin(moved).to_numpy() & closed)
        rows = people[take]
        work = Workload.from_contacts(
            rows["created"].to_numpy(np.int64),
            rows["handle_seconds"].to_numpy(np.float64),
            start=start,
            end=end,
            interval=interval,
            calendar=coverage,
        )
        agents = targets[i].agents(work)
        total = agents if total is None else total + agents
        curve = staffing_curve(
            targets[i], work, agents, tuple(str(c) for c in queue.get("channels", ()))
        )
        if curve is not None:
            curves.append(curve)
    if total is None:
        raise SLAError("give at least one queue", field=f"tiers.{code}.queues")
    rules = ShiftRules(costs.shift_lengths, starts_every=costs.starts_every)
    paid = schedule_shifts(total, costs.shrinkage, rules, start=start, interval=interval)
    return paid, tuple(curves)


def _month_economics(
    code: str, contract: Any, mine: Any, bill: Any, requests: int, costs: TierCosts,
    targets: tuple[Any, ...], start: datetime, end: datetime, interval: timedelta,
) -> Any:  # fmt: skip
    from sla.economics import MonthEconomics, PeriodCosts

    coverage = contract.calendars[contract.tiers[code].coverage]
    paid, curves = _paid_hours(code, mine, costs, targets, coverage, start, end, interval)
    period_costs = PeriodCosts(costs.hour, costs.fixed, costs.bot_conversation)
    month = MonthEconomics.from_invoice(
        paid, period_costs, bill, requests, bot_conversations=int(mine["bot_resolved"].sum())
    )
    return month, curves


def run_month(
    contracts: Mapping[str, Path] | None = None,
    *,
    month: date = date(2025, 6, 1),
    seed: int = 7,
    scale: float = 1.0,
    events: Any = None,
    progress: Progress | None = None,
    costs: Path | None = None,
) -> MonthResult:
    """Evaluate a month of contacts against contracts and price it.

    ``contracts`` maps tier codes to contract files (default: the bundled
    examples). Without ``events`` a realistic month is generated with
    :func:`sla.simulate.generate` (seeded: the same arguments give the same
    report); ``events`` may instead be a table in the clock event schema.
    ``costs`` is a demo costs file (default: the bundled ``examples/demo/costs.yaml``):
    hour rates, fixed costs, shifts, queues and the generated traffic.
    Raises :class:`~sla.SLAError` for December 9999, whose end is past ``date.max``.
    """
    if (month.year, month.month) == (9999, 12):
        raise SLAError(
            "9999-12 ends in year 10000, past the last representable date", field="month"
        )
    from sla.clocks import attainment, clock_policies, compliance, evaluate_table
    from sla.clocks import service_level_targets as sl_targets
    from sla.contracts import load
    from sla.pricing import BillingPeriod, contract_plan, invoice, is_priced
    from sla.simulate import TierTraffic, generate

    step = progress or (lambda _message: None)
    demo_costs = load_costs(costs)
    files = dict(contracts or example_contracts())
    step("loading contracts")
    compiled = {code: load(path).compile() for code, path in files.items()}
    # The queues' targets come from the contracts: a conflicting costs file fails here.
    staffed = {
        code: queue_targets(contract.tiers[code], demo_costs.tiers[code], code)
        for code, contract in compiled.items()
        if code in demo_costs.tiers and code in contract.tiers
    }
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
        traffic_tiers = []
        for code, contract in compiled.items():
            tier = contract.tiers[code]
            # A tier the costs file does not know (a contract's custom tier) gets the
            # traffic of the file's first tier and no profit and loss; a note says so.
            known = demo_costs.tiers.get(code) or next(iter(demo_costs.tiers.values()))
            profile = known.traffic
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
    daily = compliance(
        cycles, tz=zone, period="day", by=("tier", "metric", "period"), targets=targets
    )
    found = attainment(cycles, tz=zone, targets=targets)
    period = BillingPeriod.month(month.year, month.month, zone)

    tiers: dict[str, TierMonth] = {}
    unknown: list[str] = []  # tiers the costs file does not cover
    for code, contract in compiled.items():
        step(f"economics and invoice for tier {code}")
        rows = summary[summary["tier"] == code].to_dict("records")
        mine_att = [a for a in found if a.tier == code]
        # A tier the contract does not price keeps its SLA figures but gets no invoice.
        plan = contract_plan(contract, code) if is_priced(contract, code) else None
        month_pnl = None
        curves: tuple[Any, ...] = ()
        if contacts_table is not None and code in demo_costs.tiers:
            mine = contacts_table[(contacts_table["tier"] == code).to_numpy()]
            count = len(mine)
            tier_costs = demo_costs.tiers[code]
            requests = _requests(contract, mine)
            usage = {str(tier_costs.usage["metric"]): _billed_usage(contract, mine, tier_costs)}
            usage.update(
                {k: int(v) for k, v in tier_costs.usage.items() if k not in ("metric", "channels")}
            )
            bill = None if plan is None else invoice(plan, usage, mine_att, period)
            if count and bill is not None:
                month_pnl, curves = _month_economics(
                    code, contract, mine, bill, requests, tier_costs, staffed[code], start,
                    end, demo_costs.interval,
                )  # fmt: skip
        else:
            if contacts_table is not None:
                unknown.append(code)
            count = int(cycles[cycles["tier"] == code]["contact_id"].nunique())
            usage = {"contacts.voice" if code == "A" else "contacts.written": count}
            bill = None if plan is None else invoice(plan, usage, mine_att, period)
        series: dict[str, list[tuple[float, float]]] = {}
        levels: dict[str, list[tuple[float, float]]] = {}
        for row in daily[daily["tier"] == code].to_dict("records"):
            finished = row["met"] + row["breached"] + row["abandoned"]
            day = float(str(row["period"])[-2:])
            name = row["metric"].replace("_", " ")
            if finished:
                series.setdefault(name, []).append((day, float(Fraction(row["met"], finished))))
            if isinstance(row.get("sl_target"), Fraction) and row.get("sl_attained") is not None:
                levels.setdefault(name, []).append((day, float(Fraction(row["sl_attained"]))))
        goals = {
            row["metric"].replace("_", " "): float(row["sl_target"])
            for row in rows
            if isinstance(row.get("sl_target"), Fraction)
        }
        tiers[code] = TierMonth(
            code,
            contract.tiers[code].name,
            contract.spec.customer.name,
            count,
            rows,
            mine_att,
            month_pnl,
            bill,
            {k: sorted(v) for k, v in series.items()},
            {k: sorted(v) for k, v in levels.items()},
            goals,
            tuple(
                (tuple(str(c) for c in queue.get("channels", ())), target)
                for queue, target in zip(
                    demo_costs.tiers[code].queues if code in staffed else (),
                    staffed.get(code, ()),
                    strict=True,
                )
            ),
            curves,
        )
    breached = cycles[cycles["status"] == "breached"].sort_values("breach_at")
    breaches = breached.head(200).to_dict("records")
    notes = tuple(
        _out_of_effect(code, contract.spec, date(month.year, month.month, 1), nxt)
        for code, contract in compiled.items()
    ) + tuple(
        f"tier {code}: the costs file has no tier {code!r}; its contacts are generated like "
        f"tier {next(iter(demo_costs.tiers))}'s and it has no profit and loss"
        for code in unknown
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
