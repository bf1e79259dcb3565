"""sla._frames: one adapter for pandas, polars, Arrow and column-mapping input."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import ClockError, PricingError, SLAError
from sla._frames import frame_kind, from_arrow, to_arrow

columns = st.lists(st.integers(-(2**62), 2**62), min_size=0, max_size=30)


def _shapes(a: list[int], b: list[int]) -> dict[str, object]:
    data = {"a": a, "b": b}
    arrow = pa.table({"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())})
    return {
        "pandas": pd.DataFrame(data, index=[10 + i for i in range(len(a))]),  # index dropped
        "polars": pl.DataFrame(data, schema={"a": pl.Int64, "b": pl.Int64}),
        "arrow": arrow,
        "batch": arrow.to_batches()[0] if len(a) else pa.RecordBatch.from_pydict(data),
        "mapping": {"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())},
    }


@given(st.data())
def test_every_input_shape_reads_as_the_same_arrow_columns(data: st.DataObject) -> None:
    a = data.draw(columns)
    b = data.draw(st.lists(st.integers(-(2**62), 2**62), min_size=len(a), max_size=len(a)))
    for shape, value in _shapes(a, b).items():
        table, kind = to_arrow(value)
        assert table.column_names == ["a", "b"], shape
        assert table.column("a").to_pylist() == a, shape
        assert table.column("b").to_pylist() == b, shape
        assert kind == (shape if shape in ("pandas", "polars") else "arrow")


@pytest.mark.parametrize("shape", ["pandas", "polars", "arrow", "batch", "mapping"])
def test_columns_are_selected_in_the_order_asked(shape: str) -> None:
    table, _ = to_arrow(_shapes([1, 2], [3, 4])[shape], columns=["b"])
    assert table.column_names == ["b"]
    assert table.column("b").to_pylist() == [3, 4]


@pytest.mark.parametrize("shape", ["pandas", "polars", "arrow", "mapping"])
def test_a_missing_column_is_named_in_the_callers_error(shape: str) -> None:
    with pytest.raises(ClockError, match=r"missing column.*zzz") as caught:
        to_arrow(_shapes([1], [2])[shape], error=ClockError, field="cycles", columns=["a", "zzz"])
    assert caught.value.field == "cycles"


def test_anything_else_is_refused_with_the_callers_error_and_field() -> None:
    with pytest.raises(PricingError, match="got list") as caught:
        to_arrow([1, 2, 3], error=PricingError, field="records")
    assert caught.value.field == "records"
    with pytest.raises(SLAError):
        to_arrow(pd.Series([1, 2]))  # a column is not a table


def test_a_column_arrow_cannot_read_is_an_sla_error_not_an_arrow_traceback() -> None:
    # Where the two old adapters differed: the pricing one let ArrowTypeError escape.
    mixed = pd.DataFrame({"quantity": [1, "two"]})
    with pytest.raises(PricingError, match="quantity") as caught:
        to_arrow(mixed, error=PricingError, field="records")
    assert caught.value.field == "records"
    with pytest.raises(PricingError, match="cannot read"):
        to_arrow({"quantity": [1, "two"]}, error=PricingError, field="records")


def test_module_names_are_matched_exactly() -> None:
    # The pricing adapter once matched ``startswith("pandas")``; a look-alike is not pandas.
    lookalike = type("Frame", (), {"__module__": "pandas_lookalike.core"})()
    assert frame_kind(lookalike) is None
    assert frame_kind(pd.Series([1])) == "pandas"
    assert frame_kind(pl.Series([1])) == "polars"
    assert frame_kind(pa.array([1])) == "arrow"


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_answers_go_back_in_the_callers_kind(kind: str) -> None:
    table = pa.table({"x": [1, 2]})
    out = from_arrow(table, kind)  # type: ignore[arg-type]
    assert frame_kind(out) == kind
    back, _ = to_arrow(out)
    assert back.equals(table)
