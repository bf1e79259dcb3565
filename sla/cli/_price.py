"""``sla price quote|invoice``: price a period ahead, or invoice one with service credits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sla.cli._app import app, console
from sla.cli._common import UsageProblem, emit_json, money, read_data, write_output

price_app = typer.Typer(help="Quotes and invoices from a price plan.", no_args_is_help=True)
app.add_typer(price_app, name="price")

PlanFile = Annotated[
    Path | None,
    typer.Option("--plan", help="Price plan or contract file (YAML, JSON or TOML)."),
]
Tier = Annotated[
    str | None,
    typer.Option(
        "--tier", help="The catalogue plan of tier A, B or C; with a contract --plan, its tier."
    ),
]
Usage = Annotated[
    list[str] | None,
    typer.Option("--usage", "-u", help="METRIC=QUANTITY, e.g. contacts.voice=520 (repeatable)."),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
Html = Annotated[Path | None, typer.Option("--html", help="Also write the document as HTML.")]


def _plan(path: Path | None, tier: str | None) -> Any:
    """A plan file, a contract file (its tier's plan), or a catalogue tier."""
    from sla._errors import SLAError
    from sla.pricing import catalogue_plan, contract_plan, load_plan
    from sla.pricing._schema import parse_plan_text

    if path is None:
        if tier is None:
            raise UsageProblem(
                "give --plan FILE (a plan or a contract) or --tier A|B|C", field="--plan"
            )
        return catalogue_plan(str(tier))
    data = read_data(path)
    if data is None:
        raise UsageProblem(
            "the file is empty; a price plan has name, currency and charges", field=str(path)
        )
    try:
        if isinstance(data, dict) and "contract" in data and "tiers" in data:
            return _contract_plan(path, tier, contract_plan)
        if tier is not None:
            raise UsageProblem(
                "--tier picks a tier of a contract file; this is a plan file", field="--tier"
            )
        if path.suffix.lower() != ".toml":
            # Read again with the plan's parser: exact numbers, duplicate keys refused.
            data = parse_plan_text(path.read_text(encoding="utf-8"), str(path))
        if isinstance(data, dict) and isinstance(data.get("price_plan"), dict):
            data = {k: v for k, v in data["price_plan"].items() if k != "billable"}
        return load_plan(data)
    except UsageProblem:
        raise
    except SLAError as exc:
        raise UsageProblem(str(exc), field=str(path)) from None


def _contract_plan(path: Path, tier: str | None, contract_plan: Any) -> Any:
    from sla.cli._contracts import load_contract

    contract = load_contract(path)
    codes = list(contract.compile().tiers)
    if tier is None:
        if len(codes) != 1:
            raise UsageProblem(
                f"the contract has tiers {', '.join(codes)}; choose one with --tier", field="--tier"
            )
        tier = codes[0]
    if tier not in codes:
        raise UsageProblem(
            f"the contract has no tier {tier!r} (it has {', '.join(codes)})", field="--tier"
        )
    return contract_plan(contract, tier)


def _usage(items: list[str] | None) -> dict[str, str]:
    usage: dict[str, str] = {}
    for i, item in enumerate(items or ()):
        metric, sep, quantity = item.partition("=")
        if not sep or not metric.strip():
            raise UsageProblem(f"{item!r}: write METRIC=QUANTITY", field=f"--usage[{i}]")
        usage[metric.strip()] = quantity.strip()
    return usage


def attainments(items: list[str] | None, plan: Any) -> list[Any]:
    """``--attainment METRIC=SHARE`` options, each a metric one of the plan's credits uses."""
    from sla._errors import SLAError
    from sla.pricing import Attainment

    figures = []
    for i, item in enumerate(items or ()):
        metric, sep, value = item.partition("=")
        if not sep:
            raise UsageProblem(f"{item!r}: write METRIC=SHARE", field=f"--attainment[{i}]")
        try:
            # The text goes to Attainment as it is: read exactly, never through a float.
            figures.append(Attainment(metric.strip(), value.strip()))
        except SLAError as exc:
            reason = "; ".join(p.reason for p in exc.problems) or exc.reason
            raise UsageProblem(reason, field=f"--attainment[{i}]") from None
    credited = {rule.metric for rule in plan.credits.rules} if plan.credits else set()
    for i, figure in enumerate(figures):
        if figure.metric not in credited:
            raise UsageProblem(
                f"no service credit of this plan uses {figure.metric!r} "
                f"(credited metrics: {', '.join(sorted(credited)) or 'none'})",
                field=f"--attainment[{i}]",
            )
    return figures


def _show(document: Any, json_output: bool, html: Path | None) -> None:
    if html is not None:
        write_output(html, document.to_html(), field="--html")
    if json_output:
        emit_json(document.to_dict())
    else:
        console.print(document.to_text(), highlight=False, markup=False)


@price_app.command("quote")
def quote(
    plan: PlanFile = None,
    tier: Tier = None,
    usage: Usage = None,
    cost_per_contact: Annotated[
        str | None, typer.Option("--cost-per-contact", help="Cost to serve, e.g. '3.10 USD'.")
    ] = None,
    json_output: Json = False,
    html: Html = None,
) -> None:
    """Price a period ahead for expected usage (with margin when the cost is given)."""
    from sla.pricing import quote as make_quote

    cost = None if cost_per_contact is None else money(cost_per_contact, field="--cost-per-contact")
    document = make_quote(_plan(plan, tier), _usage(usage), cost_to_serve=cost)
    _show(document, json_output, html)


@price_app.command("invoice")
def invoice(
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    plan: PlanFile = None,
    tier: Tier = None,
    usage: Usage = None,
    attainment: Annotated[
        list[str] | None,
        typer.Option("--attainment", "-a", help="METRIC=SHARE attained, e.g. speed_of_answer=73%."),
    ] = None,
    zone: Annotated[str, typer.Option("--tz", help="Zone the month is cut in.")] = "UTC",
    json_output: Json = False,
    html: Html = None,
) -> None:
    """Invoice a month: fees, usage, overage, true-up, service credits and tax."""
    from sla.pricing import BillingPeriod
    from sla.pricing import invoice as make_invoice

    year, sep, month = period.partition("-")
    if not (sep and year.isdigit() and month.isdigit()):
        raise UsageProblem(f"{period!r} is not a month such as 2025-06", field="--period")
    priced = _plan(plan, tier)
    document = make_invoice(
        priced,
        _usage(usage),
        attainments(attainment, priced),
        BillingPeriod.month(int(year), int(month), zone),
    )
    _show(document, json_output, html)
