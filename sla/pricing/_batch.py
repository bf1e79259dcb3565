"""Batch rating: usage records (pandas, polars, Arrow) -> exact amounts per customer and period.

The records are grouped and summed with Arrow's hash aggregation; each
charge model then runs once per charge over whole numpy arrays of
**scaled integers** (quantities in units of ``10**-s``, prices in units of
``10**-p``), so the result is exact and there is no Python loop per row. When
the integers could overflow int64, the same code runs on Python ints
(``dtype=object``): slower, still exact. Rounding to minor units is integer
arithmetic with the plan's mode. A property test holds the batch path equal
to the scalar ``charge()`` path.

Each model prices a column through its own ``charge_many`` (the rater never
switches on the model's type). A model with ``per_row`` (``Percentage``: one
row per transaction) prices each row and the fees are summed per group; the
others price the group's summed quantity.

Batch rating prices usage lines: the model applied to the quantity after
``included`` units and unit discounts. Amount and percentage discounts,
minimums, caps, fees without a metric, credits and tax belong to
:func:`~sla.pricing.invoice`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from sla._errors import PricingError
from sla._frames import FrameKind, from_arrow, to_arrow
from sla._types import DataFrame
from sla.pricing._common import CTX, money_rounding
from sla.pricing._models import ChargeModel
from sla.pricing._plans import Charge, Plan
from sla.pricing._vector import Column, digits, div_round, rescale, scaled

__all__ = ["rate_table"]

_INT64_MAX = 2**63 - 1


def _to_arrow(records: Any) -> tuple[Any, FrameKind]:
    return to_arrow(records, error=PricingError, field="records")


def _check_column(table: Any, name: str) -> None:
    """A clear error for a quantity column that is not integer or decimal."""
    import pyarrow as pa

    kind = table.schema.field(name).type
    if not (pa.types.is_integer(kind) or pa.types.is_decimal(kind)):
        raise PricingError(
            f"quantities must be integer or decimal columns, not {kind} "
            "(floats are inexact: cast to decimal first; text: parse it first)",
            field=name,
        )


def _summable(table: Any, name: str) -> Any:
    """``table`` with ``name`` cast to decimal when an int64 group sum could overflow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table[name]
    if not pa.types.is_integer(column.type) or not len(column):
        return table
    top = pc.max(pc.abs(column)).as_py() or 0
    if top * len(column) <= _INT64_MAX:
        return table
    index = table.column_names.index(name)
    return table.set_column(index, name, column.cast(pa.decimal128(38, 0)))


def _group(table: Any, keys: list[str], sums: list[str]) -> Any:
    """Sum ``sums`` per distinct ``keys``: one column ``<name>_sum`` each, keys kept.

    Each key column is dictionary-encoded and the codes folded into one int64 key,
    so Arrow groups on integers (several times faster than on several string
    columns); when the folded key could overflow, Arrow groups on the keys themselves.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = [pc.dictionary_encode(table[k]).combine_chunks() for k in keys]
    sizes = [max(1, len(e.dictionary)) for e in encoded]
    if np.prod([float(n) for n in sizes]) >= 2**62:
        return table.group_by(keys, use_threads=False).aggregate([(c, "sum") for c in sums])
    folded = np.zeros(table.num_rows, dtype=np.int64)
    for column, size in zip(encoded, sizes, strict=True):
        folded = folded * size + column.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    parts = {"_key": folded, **{c: table[c] for c in sums}}
    grouped = (
        pa.table(parts).group_by(["_key"], use_threads=False).aggregate([(c, "sum") for c in sums])
    )
    key = grouped["_key"].to_numpy()
    out: dict[str, Any] = {}
    for name, column, size in reversed(list(zip(keys, encoded, sizes, strict=True))):
        out[name] = column.dictionary.take(pa.array(key % size))
        key = key // size
    return pa.table(
        {**{k: out[k] for k in keys}, **{f"{c}_sum": grouped[f"{c}_sum"] for c in sums}}
    )


def _column_ints(column: Any, name: str, scale: int) -> tuple[Column, int]:
    """A numeric Arrow column as scaled integers (int64, or Python ints when larger)."""
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
            exact = [int(v.scaleb(arr.type.scale)) for v in arr.to_pylist()]
            values = np.array(exact, dtype=object)
            if (values < 0).any():
                raise PricingError("negative quantities", field=name)
            return values, arr.type.scale
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
    values = [Decimal(int(v)).scaleb(-scale, context=CTX) for v in num]
    if any(len(v.as_tuple().digits) > 38 for v in values):
        raise PricingError("an amount or quantity exceeds 38 digits", field="quantity")
    return pa.array(values, type=kind)


def rate_table(
    priced: Plan | ChargeModel,
    records: DataFrame | Mapping[str, Iterable[object]],
    *,
    customer: str = "customer",
    period: str = "period",
    metric: str = "metric",
    quantity: str = "quantity",
    quantity_scale: int = 0,
    rounding: str | None = None,
) -> DataFrame:
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
    else:
        charges = [Charge("charge", priced, metric=None)]
        mode = money_rounding(rounding or "half_even")
    if missing:
        raise PricingError(f"missing columns {missing}", field="records")
    _check_column(table, quantity)
    table = _summable(table, quantity)
    keys = [customer, period] + ([metric] if isinstance(priced, Plan) else [])
    grouped = _group(table, keys, [quantity])
    raw_q, q_scale = _column_ints(grouped[f"{quantity}_sum"], quantity, quantity_scale)
    metrics = (
        None if not isinstance(priced, Plan) else grouped[metric].to_numpy(zero_copy_only=False)
    )
    parts = []
    for charge in charges:
        if charge.model.per_row:
            part = _per_row(charge, table, keys, metric, quantity, quantity_scale, mode)
            if part is not None:
                parts.append(part)
            continue
        rows = (
            np.arange(len(raw_q)) if metrics is None else np.flatnonzero(metrics == charge.metric)
        )
        if not len(rows):
            continue
        off = [charge.included] + [d.value for d in charge.discounts if d.kind == "units"]
        s = max(q_scale, *(digits(v) for v in off if isinstance(v, Decimal)))
        q = raw_q[rows] * 10 ** (s - q_scale)
        for value in off:
            if isinstance(value, Decimal) and value:
                q = np.maximum(q - scaled(value, s), 0)
        num, a = charge.model.charge_many(q, s)
        groups = {c: grouped[c].take(pa.array(rows)) for c in keys}
        parts.append(
            _part(
                groups, charge.name, raw_q[rows], q_scale, num, a, mode, priced.currency.minor_units
            )
        )
    if not parts:
        raise PricingError("no records match the plan's metrics", field="records")
    out = pa.concat_tables(parts, promote_options="permissive")
    if isinstance(priced, Plan) is False:
        out = out.drop_columns(["charge"])
    return from_arrow(out, kind)


def _per_row(
    charge: Charge,
    table: Any,
    keys: list[str],
    metric: str,
    quantity: str,
    quantity_scale: int,
    mode: str,
) -> Any:
    """Price each row (a transaction) on its own, then sum the fees per group."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if charge.included or any(d.kind == "units" for d in charge.discounts):
        raise PricingError(
            "included units and unit discounts do not apply to per-transaction shares",
            field=f"charges[{charge.name}]",
        )
    rows = table if charge.metric is None else table.filter(pc.equal(table[metric], charge.metric))
    if not rows.num_rows:
        return None
    q, s = _column_ints(rows[quantity], quantity, quantity_scale)
    fees, a = charge.model.charge_many(q, s)
    both = pa.table(
        {
            **{c: rows[c] for c in keys},
            "_q": _decimal_array(q, s),
            "_fee": _decimal_array(fees, a),
        }
    )
    summed = _group(both, keys, ["_q", "_fee"])
    total_q, _ = _column_ints(summed["_q_sum"], quantity, s)
    total, _ = _column_ints(summed["_fee_sum"], "amount", a)
    groups = {c: summed[c] for c in keys}
    minor = charge.model.currency.minor_units
    return _part(groups, charge.name, total_q, s, total, a, mode, minor)


def _part(
    groups: dict[str, Any],
    name: str,
    quantities: Column,
    q_scale: int,
    amounts: Column,
    a: int,
    mode: str,
    m: int,
) -> Any:
    """One charge's output rows: group keys, quantity, exact amount and rounded minor units."""
    import pyarrow as pa

    minor = div_round(amounts, 10 ** (a - m), mode) if a > m else rescale((amounts, a), m)
    if len(minor) and int(max(abs(int(minor.max())), abs(int(minor.min())))) > _INT64_MAX:
        raise PricingError("an amount exceeds 64-bit minor units", field="amount")
    part = dict(groups)
    part["charge"] = pa.array([name] * len(quantities), pa.string())
    part["quantity"] = _decimal_array(quantities, q_scale)
    exact = _decimal_array(amounts, a)
    part["amount"] = exact.cast(pa.decimal128(38, 12)) if a <= 12 else exact
    part["amount_minor"] = pa.array(np.asarray(minor, dtype=np.int64))
    return pa.table(part)
