"""Batch rating: usage records (pandas, polars, Arrow) -> exact amounts per customer and period.

The records are grouped and summed with Arrow's hash aggregation; each
charge model then runs once per charge over whole numpy arrays of
**scaled integers** (quantities in units of ``10**-s``, prices in units of
``10**-p``), so the result is exact and there is no Python loop per row. When
the integers could overflow int64, the same code runs on Python ints
(``dtype=object``): slower, still exact. Rounding to minor units is integer
arithmetic with the plan's mode. A property test holds the batch path equal
to the scalar ``charge()`` path.

Batch rating prices usage lines: the model applied to the quantity after
``included`` units and unit discounts. Amount and percentage discounts,
minimums, caps, fees without a metric, credits and tax belong to
:func:`~sla.pricing.invoice`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from sla._errors import PricingError
from sla._frames import to_arrow
from sla.money import Money
from sla.pricing._common import money_rounding
from sla.pricing._models import ChargeModel, Flat, Graduated, Package, PerUnit, Transform, Volume
from sla.pricing._percent import GreaterOf
from sla.pricing._plans import Charge, Plan

__all__ = ["rate_batch"]

_LIMIT = 2**62


def _digits(value: Decimal) -> int:
    return max(0, -int(value.as_tuple().exponent))


def _scaled(value: Decimal, scale: int) -> int:
    out = value.scaleb(scale)
    if out != out.to_integral_value():
        raise PricingError(f"{value} has more than {scale} decimals", field="quantity")
    return int(out)


def _model_decimals(model: object) -> tuple[int, int]:
    """(quantity decimals, price decimals) a model needs to stay exact."""
    qs: list[Decimal] = []
    ps: list[Decimal] = []
    if isinstance(model, Flat):
        ps.append(model.amount.amount)
    elif isinstance(model, PerUnit):
        ps.append(model.price.amount)
    elif isinstance(model, Package):
        qs += [model.size, model.free]
        ps.append(model.price.amount)
    elif isinstance(model, (Graduated, Volume)):
        for t in model.tiers:
            qs += [t.lower] + ([t.upper] if t.upper is not None else [])
            ps += [t.unit_price.amount] + ([t.flat.amount] if t.flat is not None else [])
    elif isinstance(model, GreaterOf):
        q, p = _model_decimals(model.model)
        return q, max(p, _digits(model.minimum.amount))
    else:
        raise PricingError(
            f"batch rating supports Flat, PerUnit, Package, Graduated, Volume and GreaterOf, "
            f"not {type(model).__name__}",
            field="model",
        )
    transform = getattr(model, "transform", None)
    if transform is not None:
        qs.append(transform.divide_by)
    return max([0, *map(_digits, qs)]), max([0, *map(_digits, ps)])


def _div_round(num: Any, den: int, mode: str | None) -> Any:
    """Round ``num / den`` (both non-negative) to an integer."""
    q, r = np.divmod(num, den)
    if mode in ("up", "ROUND_UP", "ROUND_CEILING"):
        return q + (r > 0)
    if mode in ("down", "ROUND_DOWN", "ROUND_FLOOR"):
        return q
    if mode in ("half_up", "ROUND_HALF_UP"):
        return q + (2 * r >= den)
    if mode == "ROUND_HALF_DOWN":
        return q + (2 * r > den)
    if mode in ("half_even", "ROUND_HALF_EVEN"):
        return q + ((2 * r > den) | ((2 * r == den) & (q % 2 == 1)))
    if mode == "ROUND_05UP":
        return q + ((r > 0) & (q % 5 == 0))
    raise PricingError(f"batch rating cannot round {mode!r}", field="rounding")


def _transform(q: Any, t: Transform | None, s: int) -> tuple[Any, int]:
    """Apply a quantity transform; returns (quantity, its scale)."""
    if t is None:
        return q, s
    if t.rounding is None:
        raise PricingError("batch rating needs a rounded transform", field="transform.rounding")
    return _div_round(q, _scaled(t.divide_by, s), t.rounding), 0


def _vector(model: object, q: Any, s: int, p: int) -> Any:
    """Exact amounts of ``model`` for quantities ``q`` (scale ``s``), at scale ``s + p``."""
    one = 10**s

    def price(m: Money) -> int:
        return _scaled(m.amount, p)

    if isinstance(model, Flat):
        return np.full_like(q, price(model.amount) * one)
    if isinstance(model, GreaterOf):
        return np.maximum(_vector(model.model, q, s, p), price(model.minimum) * one)
    if isinstance(model, PerUnit):
        units, us = _transform(q, model.transform, s)
        return units * price(model.price) * 10 ** (s - us)
    if isinstance(model, Package):
        units, us = _transform(q, model.transform, s)
        billable = np.maximum(units - _scaled(model.free, us), 0)
        packs = _div_round(billable, _scaled(model.size, us), model.rounding)
        return packs * price(model.price) * one
    assert isinstance(model, (Graduated, Volume))
    units, us = _transform(q, model.transform, s)
    lift = 10 ** (s - us)
    prices = [price(t.unit_price) for t in model.tiers]
    flats = [0 if t.flat is None else price(t.flat) * one for t in model.tiers]
    if isinstance(model, Volume):
        uppers = np.array(
            [_scaled(t.upper, us) for t in model.tiers[:-1] if t.upper is not None], dtype=np.int64
        )
        idx = np.searchsorted(uppers, units, side="left")
        unit_p = np.asarray(prices, dtype=units.dtype)[idx]
        flat = np.asarray(flats, dtype=units.dtype)[idx]
        charged = (units > 0) | model.flat_at_zero
        return units * unit_p * lift + flat * charged
    total = np.zeros_like(units)
    for i, t in enumerate(model.tiers):
        lo = _scaled(t.lower, us)
        width = units - lo
        if t.upper is not None:
            width = np.minimum(width, _scaled(t.upper, us) - lo)
        width = np.maximum(width, 0)
        total = total + width * prices[i] * lift
        if flats[i]:
            entered = (width > 0) | ((units == 0) & model.flat_at_zero) if i == 0 else width > 0
            total = total + entered * flats[i]
    return total


def _to_arrow(records: Any) -> tuple[Any, str]:
    return to_arrow(records, error=PricingError, field="records")


def _column_ints(column: Any, name: str, scale: int) -> tuple[Any, int]:
    """A numeric Arrow column as scaled int64 numpy values and their scale."""
    import pyarrow as pa

    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if arr.null_count:
        raise PricingError(f"{arr.null_count} missing value(s)", field=name)
    if pa.types.is_integer(arr.type):
        values = arr.to_numpy().astype(np.int64)
        if (values < 0).any():
            raise PricingError("negative quantities", field=name)
        return values, scale
    if pa.types.is_decimal(arr.type) and arr.type.byte_width == 16:
        words = np.frombuffer(arr.buffers()[1], dtype=np.int64, count=2 * (arr.offset + len(arr)))
        words = words.reshape(-1, 2)[arr.offset :]
        low, high = words[:, 0], words[:, 1]
        if (high != (low >> 63)).any():
            raise PricingError("decimal quantities beyond 64-bit range", field=name)
        if (low < 0).any():
            raise PricingError("negative quantities", field=name)
        return low.copy(), arr.type.scale
    raise PricingError(
        f"quantities must be integer or decimal columns, not {arr.type} "
        "(floats are inexact: cast to decimal first)",
        field=name,
    )


def _decimal_array(num: Any, scale: int) -> Any:
    import pyarrow as pa

    kind = pa.decimal128(38, scale)
    if num.dtype == np.int64:
        words = np.empty((len(num), 2), dtype=np.int64)
        words[:, 0], words[:, 1] = num, num >> 63
        return pa.Array.from_buffers(kind, len(num), [None, pa.py_buffer(words.tobytes())])
    return pa.array([Decimal(int(v)).scaleb(-scale) for v in num], type=kind)


def rate_batch(
    priced: Plan | ChargeModel,
    records: Any,
    *,
    customer: str = "customer",
    period: str = "period",
    metric: str = "metric",
    quantity: str = "quantity",
    quantity_scale: int = 0,
    rounding: str | None = None,
) -> Any:
    """Rate usage records per customer and period (and metric, for a plan).

    ``records`` is a pandas or polars DataFrame, an Arrow table or a mapping of
    columns; ``quantity`` holds integers (in units of ``10**-quantity_scale``)
    or decimals. Returns the same kind of frame with one row per group (and
    charge): the summed ``quantity``, the exact ``amount`` (decimal) and
    ``amount_minor`` (int, rounded once with ``rounding``, default the plan's
    or half-even).
    """
    import pyarrow as pa

    table, kind = _to_arrow(records)
    missing = [c for c in (customer, period, quantity) if c not in table.column_names]
    if isinstance(priced, Plan):
        charges = [c for c in priced.charges if c.metric is not None]
        if metric not in table.column_names:
            missing.append(metric)
        mode = money_rounding(rounding or priced.rounding)
        currency = priced.currency
    else:
        charges = [Charge("charge", priced, metric=None)]
        mode = money_rounding(rounding or "half_even")
        currency = priced.currency
    if missing:
        raise PricingError(f"missing columns {missing}", field="records")
    keys = [customer, period] + ([metric] if isinstance(priced, Plan) else [])
    grouped = table.group_by(keys, use_threads=False).aggregate([(quantity, "sum")])
    raw_q, q_scale = _column_ints(grouped[f"{quantity}_sum"], quantity, quantity_scale)
    parts = []
    for charge in charges:
        rows = (
            np.arange(len(raw_q))
            if charge.metric is None
            else np.flatnonzero(grouped[metric].to_numpy(zero_copy_only=False) == charge.metric)
        )
        if not len(rows):
            continue
        qd, p = _model_decimals(charge.model)
        off = [charge.included] + [d.value for d in charge.discounts if d.kind == "units"]
        s = max(q_scale, qd, *(_digits(v) for v in off if isinstance(v, Decimal)))
        q = raw_q[rows] * 10 ** (s - q_scale)
        if q.size and int(q.max()) >= _LIMIT // max(1, 10 ** (p + s)):
            q = q.astype(object)
        for value in off:
            if isinstance(value, Decimal) and value:
                q = np.maximum(q - _scaled(value, s), 0)
        num = _vector(charge.model, q, s, p)
        a = s + p
        m = currency.minor_units
        minor = _div_round(num, 10 ** (a - m), mode) if a > m else num * 10 ** (m - a)
        part = {c: grouped[c].take(pa.array(rows)) for c in keys}
        part["charge"] = pa.array([charge.name] * len(rows), pa.string())
        part["quantity"] = _decimal_array(raw_q[rows], q_scale)
        part["amount"] = _decimal_array(num, a).cast(pa.decimal128(38, 12))
        part["amount_minor"] = pa.array(np.asarray(minor, dtype=np.int64))
        parts.append(pa.table(part))
    if not parts:
        raise PricingError("no records match the plan's metrics", field="records")
    out = pa.concat_tables(parts, promote_options="permissive")
    if isinstance(priced, Plan) is False:
        out = out.drop_columns(["charge"])
    if kind == "pandas":
        return out.to_pandas()
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(out)
    return out
