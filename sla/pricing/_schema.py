"""The boundary: plans from dicts, JSON or YAML, validated with every problem listed.

pydantic checks the shape (known keys, types); the conversion to core
objects then checks the meaning (tier gaps and overlaps, negative prices,
currency mixes) and collects every problem into one :class:`~sla.PricingError`.

Band lists come in three spellings, all converted to ``(lower, upper]``:

* ours: ``{"up_to": 5, "unit_price": "7.00", "flat": "0"}`` (major units);
* Stripe: ``{"up_to": 5 | "inf", "unit_amount": 700, "flat_amount": 0}``
  (``unit_amount``/``flat_amount``/``*_decimal`` in minor units, as Stripe);
* Lago: ``{"from_value": 0, "to_value": 10, "per_unit_amount": "0.5",
  "flat_amount": "1"}`` (inclusive integer ranges, major units): ``[11, 20]``
  becomes ``(10, 20]`` so that 10.5 falls in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from sla._documents import check_document, guard_recursion, parse_json
from sla._errors import PricingError, Problem, SLAError
from sla.contracts._io import _unique_pairs, _UniqueKeyLoader
from sla.money import Currency, Money
from sla.pricing._adjust import TaxRate
from sla.pricing._blocks import Blocks, BlockTier
from sla.pricing._common import to_decimal, to_money, to_share
from sla.pricing._credits import BandCredit, BreachCredit, ClaimDeadline, CreditSchedule
from sla.pricing._models import Flat, Graduated, Package, PerUnit, PriceBand, Transform, Volume
from sla.pricing._percent import GraduatedPercentage, GreaterOf, Percentage, PercentTier
from sla.pricing._plans import Charge, Discount, Plan

__all__ = ["ChargeSpec", "PlanSpec", "load_plan"]

T = TypeVar("T")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class TransformSpec(_Spec):
    divide_by: Any
    round: Literal["up", "down", "half_up", "half_even"] | None = "up"


class DiscountSpec(_Spec):
    kind: Literal["units", "amount", "percent"]
    value: Any
    label: str = ""


class ChargeSpec(_Spec):
    """One charge of a plan, as data."""

    name: str
    model: Literal[
        "flat",
        "per_unit",
        "package",
        "graduated",
        "volume",
        "percentage",
        "graduated_percentage",
        "blocks",
    ]
    metric: str | None = None
    recurring: bool = False
    description: str = ""
    amount: Any = None
    price: Any = None
    size: Any = None
    free: Any = 0
    rounding: Literal["up", "down", "half_up", "half_even"] = "up"
    tiers: list[dict[str, Any]] | None = None
    flat_at_zero: bool = True
    block_policy: Literal["all_tiers", "top_tier"] = "all_tiers"
    transform: TransformSpec | None = None
    rate: Any = None
    fixed: Any = None
    free_events: int | None = None
    free_amount: Any = None
    min_per_tx: Any = None
    max_per_tx: Any = None
    greater_of: Any = None
    included: Any = 0
    discounts: list[DiscountSpec] = []
    minimum: Any = None
    maximum: Any = None
    unit: str = ""
    prorate_tier_flat: bool = False
    prorate_included: bool = True


class TaxSpec(_Spec):
    label: str
    rate: Any
    kinds: list[str] = []
    charges: list[str] = []


class CreditRuleSpec(_Spec):
    metric: str
    below: list[tuple[Any, Any]] | None = None
    per_breach: Any = None
    per_breach_share: Any = None


class ClaimSpec(_Spec):
    rule: Literal[
        "days_after_period", "days_after_incident", "end_of_following_month", "end_of_second_cycle"
    ]
    days: int | None = None


class CreditSpec(_Spec):
    rules: list[CreditRuleSpec]
    cap: Any = None
    minimum_credit: Any = None
    claim_days: int | None = None
    basis: Literal["charges", "fees"] = "charges"
    claim: ClaimSpec | None = None


class PlanSpec(_Spec):
    """A price plan as data (the JSON Schema of plan files is ``PlanSpec.model_json_schema()``)."""

    name: str
    currency: str = "USD"
    service_class: str | None = None
    charges: list[ChargeSpec]
    commitment: Any = None
    rounding: str = "half_even"
    tax_rate: Any = 0
    tax_label: str = "tax"
    credits: CreditSpec | None = None
    credits_before_tax: bool = True
    zone: str | None = None
    proration: Literal["day", "second"] = "day"
    credit_rounding: Literal["plan", "toward_zero"] = "plan"
    credits_may_exceed_charges: bool = False
    taxes: list[TaxSpec] = []
    tax_rounding: Literal["per_invoice", "per_line"] = "per_invoice"


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def take(self, field: str, build: Callable[[], Any]) -> Any:
        try:
            return build()
        except SLAError as error:
            found = error.problems or (Problem("", error.reason),)
            for p in found:
                path = field if not p.field else f"{field}.{p.field}" if field else p.field
                self.problems.append(Problem(path, p.reason, p.severity))
            return None


def _tiers(
    rows: list[dict[str, Any]], cur: Currency, col: _Collector, where: str
) -> list[PriceBand]:
    lago = any("from_value" in r or "to_value" in r for r in rows)
    tiers: list[PriceBand] = []
    lower = Decimal(0)
    previous: Decimal | None = None
    for i, row in enumerate(rows):
        f = f"{where}[{i}]"
        allowed = (
            {"from_value", "to_value", "per_unit_amount", "flat_amount"}
            if lago
            else {
                "up_to",
                "unit_price",
                "flat",
                "unit_amount",
                "unit_amount_decimal",
                "flat_amount",
                "flat_amount_decimal",
            }
        )
        extra = sorted(set(row) - allowed)
        if extra:
            col.problems.append(
                Problem(f, f"unexpected keys {extra}{' (Lago-style tiers)' if lago else ''}")
            )
        if lago:
            start = col.take(
                f"{f}.from_value",
                lambda r=row: to_decimal(r.get("from_value", 0), ""),  # type: ignore[misc]
            )
            this_lower = _lago_lower(start, previous, i, f, col)
            to = row.get("to_value")
            upper = (
                None if to is None else col.take(f"{f}.to_value", lambda t=to: to_decimal(t, ""))  # type: ignore[misc]
            )
            unit = col.take(
                f"{f}.per_unit_amount",
                lambda r=row: to_money(r.get("per_unit_amount", 0), cur, ""),  # type: ignore[misc]
            )
            flat_raw = row.get("flat_amount")
            flat = (
                None
                if flat_raw is None
                else col.take(f"{f}.flat_amount", lambda v=flat_raw: to_money(v, cur, ""))  # type: ignore[misc]
            )
            previous = upper
        else:
            this_lower = lower
            up = row.get("up_to")
            upper = (
                None
                if up in (None, "inf")
                else col.take(f"{f}.up_to", lambda u=up: to_decimal(u, ""))  # type: ignore[misc]
            )
            unit, flat = _stripe_prices(row, cur, col, f)
        if unit is None or this_lower is None:
            continue
        band = col.take(f, lambda a=this_lower, b=upper, u=unit, v=flat: PriceBand(a, b, u, v))  # type: ignore[misc]
        if band is not None:
            tiers.append(band)
        lower = upper if upper is not None else lower
    return tiers


def _lago_lower(
    start: Decimal | None, previous: Decimal | None, i: int, f: str, col: _Collector
) -> Decimal | None:
    """The exclusive lower bound of a Lago range.

    Lago writes ranges either inclusive on integers (0–10, 11–20: ``from`` is the
    previous ``to`` + 1) or adjacent (0–10, 10–20; 0–0.1, 0.1–1: ``from`` equals the
    previous ``to``). Both mean the band ``(previous to, to]``.
    """
    if start is None:
        return None
    if i == 0:
        if start not in (0, 1):
            col.problems.append(Problem(f"{f}.from_value", "the first range starts at 0"))
            return None
        return Decimal(0)
    if previous is None:
        return None  # the previous range was open or unreadable: reported there
    if start in (previous, previous + 1):
        return previous
    kind = "gap" if start > previous + 1 else "overlap"
    col.problems.append(
        Problem(
            f"{f}.from_value",
            f"{kind}: from_value {start} after a range ending at {previous} "
            f"(write {previous} or {previous + 1})",
        )
    )
    return None


def _stripe_prices(
    row: Mapping[str, Any], cur: Currency, col: _Collector, f: str
) -> tuple[Money | None, Money | None]:
    def minor(key: str) -> Money | None:
        value = col.take(f"{f}.{key}", lambda: to_decimal(row[key], "", allow_negative=True))
        return None if value is None else Money(value.scaleb(-cur.minor_units), cur)

    unit = flat = None
    if "unit_price" in row:
        unit = col.take(f"{f}.unit_price", lambda: to_money(row["unit_price"], cur, ""))
    for key in ("unit_amount_decimal", "unit_amount"):
        if key in row:
            unit = minor(key)
    if "flat" in row and row["flat"] is not None:
        flat = col.take(f"{f}.flat", lambda: to_money(row["flat"], cur, ""))
    for key in ("flat_amount_decimal", "flat_amount"):
        if key in row and row[key] is not None:
            flat = minor(key)
    if unit is None and not any(
        k in row for k in ("unit_price", "unit_amount", "unit_amount_decimal")
    ):
        unit = Money(0, cur)
    return unit, flat


def _model(spec: ChargeSpec, cur: Currency, col: _Collector, where: str) -> object | None:
    def money(key: str, value: Any) -> Money | None:
        return (
            None if value is None else col.take(f"{where}.{key}", lambda: to_money(value, cur, ""))
        )

    transform = None
    if spec.transform is not None:
        t = spec.transform
        transform = col.take(f"{where}.transform", lambda: Transform(t.divide_by, t.round))
    kind = spec.model
    model: object | None = None
    if kind == "flat":
        amount = money("amount", spec.amount if spec.amount is not None else spec.price)
        model = None if amount is None else col.take(where, lambda: Flat(amount))
    elif kind == "per_unit":
        price = money("price", spec.price)
        model = None if price is None else col.take(where, lambda: PerUnit(price, transform))  # type: ignore[arg-type]
    elif kind == "package":
        price = money("price", spec.price)
        if price is not None:
            model = col.take(
                where, lambda: Package(spec.size, price, spec.free, spec.rounding, transform)
            )
    elif kind in ("graduated", "volume"):
        n = len(col.problems)
        tiers = _tiers(spec.tiers or [], cur, col, f"{where}.tiers")
        if len(col.problems) == n:
            cls = Graduated if kind == "graduated" else Volume
            model = col.take(
                f"{where}.tiers".removesuffix(".tiers"),
                lambda: cls(tiers, spec.flat_at_zero, transform),
            )
    elif kind == "blocks":
        model = _blocks(spec, cur, col, where)
    elif kind == "percentage":
        model = col.take(
            where,
            lambda: Percentage(
                spec.rate,
                money("fixed", spec.fixed),
                spec.free_events,
                money("free_amount", spec.free_amount),
                money("min_per_tx", spec.min_per_tx),
                money("max_per_tx", spec.max_per_tx),
                cur,
            ),
        )
    else:
        rows = spec.tiers or []
        ptiers, lower = [], Decimal(0)
        for i, row in enumerate(rows):
            f = f"{where}.tiers[{i}]"
            extra = sorted(set(row) - {"up_to", "rate", "flat"})
            if extra:
                col.problems.append(
                    Problem(f, f"unexpected keys {extra} (a band has up_to, rate and flat)")
                )
            up = row.get("up_to")
            upper = (
                None
                if up in (None, "inf")
                else col.take(f"{f}.up_to", lambda u=up: to_decimal(u, ""))  # type: ignore[misc]
            )
            rate = col.take(f"{f}.rate", lambda r=row: to_decimal(r.get("rate"), ""))  # type: ignore[misc]
            flat = row.get("flat")
            flat_money = (
                None if flat is None else col.take(f"{f}.flat", lambda v=flat: to_money(v, cur, ""))  # type: ignore[misc]
            )
            ptiers.append(PercentTier(lower, upper, rate or 0, flat_money))
            lower = upper if upper is not None else lower
        model = col.take(where, lambda: GraduatedPercentage(ptiers, cur, spec.flat_at_zero))
    if model is not None and spec.greater_of is not None:
        floor = money("greater_of", spec.greater_of)
        if floor is not None:
            model = col.take(where, lambda: GreaterOf(floor, model))  # type: ignore[arg-type]
    return model


def _blocks(spec: ChargeSpec, cur: Currency, col: _Collector, where: str) -> Blocks | None:
    tiers = []
    for i, row in enumerate(spec.tiers or []):
        f = f"{where}.tiers[{i}]"
        extra = sorted(set(row) - {"size", "price", "max_blocks"})
        if extra:
            col.problems.append(Problem(f, f"unexpected keys {extra} (size, price, max_blocks)"))
        price = col.take(f"{f}.price", lambda r=row: to_money(r.get("price"), cur, ""))  # type: ignore[misc]
        if price is None:
            continue
        tier = col.take(
            f,
            lambda r=row, p=price: BlockTier(r.get("size"), p, r.get("max_blocks")),  # type: ignore[misc]
        )
        if tier is not None:
            tiers.append(tier)
    n = len(col.problems)
    result = col.take(where, lambda: Blocks(tiers, spec.block_policy))
    return result if len(col.problems) == n else None


def _charge(spec: ChargeSpec, cur: Currency, col: _Collector, where: str) -> Charge | None:
    model = _model(spec, cur, col, where)
    discounts = []
    for i, d in enumerate(spec.discounts):
        f = f"{where}.discounts[{i}]"
        if d.kind == "amount":
            built = col.take(
                f,
                lambda d=d: Discount.amount(to_money(d.value, cur, "value"), d.label),  # type: ignore[misc]
            )
        elif d.kind == "units":
            built = col.take(f, lambda d=d: Discount.units(d.value, d.label))  # type: ignore[misc]
        else:
            built = col.take(f, lambda d=d: Discount.percent(d.value, d.label))  # type: ignore[misc]
        if built is not None:
            discounts.append(built)
    minimum = (
        None
        if spec.minimum is None
        else col.take(f"{where}.minimum", lambda: to_money(spec.minimum, cur, ""))
    )
    maximum = (
        None
        if spec.maximum is None
        else col.take(f"{where}.maximum", lambda: to_money(spec.maximum, cur, ""))
    )
    if model is None:
        return None
    return col.take(  # type: ignore[no-any-return]
        where,
        lambda: Charge(
            spec.name,
            model,  # type: ignore[arg-type]
            spec.metric,
            spec.recurring,
            spec.included,
            discounts,
            minimum,
            maximum,
            spec.description,
            spec.unit,
            spec.prorate_tier_flat,
            spec.prorate_included,
        ),
    )


def _credits(spec: CreditSpec, cur: Currency, col: _Collector) -> CreditSchedule | None:
    rules: list[BandCredit | BreachCredit] = []
    for i, r in enumerate(spec.rules):
        f = f"credits.rules[{i}]"
        if r.below is not None:
            band = col.take(f, lambda r=r: BandCredit.below(r.metric, r.below or []))  # type: ignore[misc]
            if band is not None:
                rules.append(band)
        else:
            breach = col.take(
                f,
                lambda r=r: BreachCredit(  # type: ignore[misc]
                    r.metric,
                    None if r.per_breach is None else to_money(r.per_breach, cur, ""),
                    r.per_breach_share,
                ),
            )
            if breach is not None:
                rules.append(breach)
    minimum = (
        None
        if spec.minimum_credit is None
        else col.take("credits.minimum_credit", lambda: to_money(spec.minimum_credit, cur, ""))
    )
    return col.take(  # type: ignore[no-any-return]
        "credits",
        lambda: CreditSchedule(
            rules,
            spec.cap,
            minimum,
            spec.claim_days,
            spec.basis,
            None if spec.claim is None else ClaimDeadline(spec.claim.rule, spec.claim.days),
        ),
    )


class _DecimalLoader(_UniqueKeyLoader):
    """The contracts' YAML loader (safe, in C when libyaml is there, refusing duplicate
    keys), reading floats as Decimals."""


def _yaml_decimal(loader: Any, node: Any) -> Decimal:
    """A YAML float as the exact Decimal written; ``.inf`` and ``.nan`` as Decimal's own
    (the plan's validators then refuse them with the field's name)."""
    text = str(loader.construct_scalar(node)).replace("_", "").lower().lstrip("+")
    special = {".inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    try:
        return Decimal(special.get(text, text))
    except ArithmeticError:  # YAML 1.1 sexagesimal (1:30.5) and other spellings
        return Decimal(str(loader.construct_yaml_float(node)))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _yaml_decimal)


def parse_plan_text(text: str, origin: str = "plan") -> Any:
    """A plan's data from JSON or YAML text: numbers exact, a key given twice refused.

    JSON and YAML keep the last of two equal keys; ``"price": "10.00"`` then
    ``"price": "1.00"`` would silently bill $1.00. Plans refuse it, as contracts do.
    """
    try:
        return parse_json(
            text,
            error=PricingError,
            field=origin,
            parse_float=Decimal,
            object_pairs_hook=_unique_pairs,
        )
    except PricingError:
        raise  # past the size or nesting limits
    except json.JSONDecodeError:
        pass
    except ValueError as error:
        raise PricingError(f"not valid JSON: {error}", field=origin) from None
    except RecursionError:
        raise PricingError("JSON nested too deeply", field=origin) from None
    try:
        return guard_recursion(
            lambda: yaml.load(text, Loader=_DecimalLoader), error=PricingError, field=origin
        )
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PricingError(f"neither JSON nor YAML: {problem}{where}", field=origin) from None
    except RecursionError:
        raise PricingError("YAML nested too deeply", field=origin) from None


def load_plan(data: Mapping[str, Any] | str | PlanSpec) -> Plan:
    """A validated :class:`Plan` from a dict, JSON or YAML text, or a :class:`PlanSpec`.

    Raises one :class:`~sla.PricingError` listing every problem found. Plans
    nested deeper than :data:`~sla._documents.MAX_DEPTH` levels or whose YAML
    aliases expand by more than :data:`~sla._documents.ALIAS_BUDGET` nodes are
    refused, naming the place (see ``docs/limits.md``).
    """
    if isinstance(data, str):
        data = parse_plan_text(data)
    if isinstance(data, PlanSpec):
        spec = data
    else:
        if not isinstance(data, Mapping):
            raise PricingError(f"expected a mapping, got {type(data).__name__}", field="plan")
        check_document(data, error=PricingError)
        try:
            spec = PlanSpec.model_validate(dict(data))
        except ValidationError as error:
            problems = [
                Problem(".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()
            ]
            raise PricingError.from_problems(problems, what="price plan") from None
    col = _Collector()
    cur = col.take("currency", lambda: Currency(spec.currency))
    if cur is None:
        raise PricingError.from_problems(col.problems, what="price plan")
    charges = [_charge(c, cur, col, f"charges[{i}]") for i, c in enumerate(spec.charges)]
    commitment = (
        None
        if spec.commitment is None
        else col.take("commitment", lambda: to_money(spec.commitment, cur, ""))
    )
    credits = None if spec.credits is None else _credits(spec.credits, cur, col)
    tax = col.take("tax_rate", lambda: to_share(spec.tax_rate, ""))
    taxes = [
        col.take(f"taxes[{i}]", lambda t=t: TaxRate(t.label, t.rate, t.kinds, t.charges))  # type: ignore[misc]
        for i, t in enumerate(spec.taxes)
    ]
    if col.problems:
        raise PricingError.from_problems(col.problems, what="price plan")
    plan = col.take(
        "",
        lambda: Plan(
            spec.name,
            cur,
            [c for c in charges if c is not None],
            spec.service_class,
            commitment,
            spec.rounding,
            tax,
            spec.tax_label,
            credits,
            spec.credits_before_tax,
            spec.zone,
            spec.proration,
            spec.credit_rounding,
            spec.credits_may_exceed_charges,
            taxes,
            spec.tax_rounding,
        ),
    )
    if plan is None:
        raise PricingError.from_problems(col.problems, what="price plan")
    return plan  # type: ignore[no-any-return]
