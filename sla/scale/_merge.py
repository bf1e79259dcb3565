"""Merging compliance partials into one table of the same shape: the node of a tree reduce.

:func:`~sla.clocks.combine_partials` turns partials into a report; a tree
reduction needs the step before, partials + partials -> partials, so that
every level of the tree sends one table no larger than the distinct
(group, measure, value) rows it holds, whatever the number of inputs. Rows
of the same fine group, measure and value add their counts: the merge of
the partials of a split equals the partials of the whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from sla._types import ArrowData, ArrowTable, PandasFrame
from sla.clocks import PARTIAL_COLUMNS

__all__ = ["merge_partials"]

_KEYS = PARTIAL_COLUMNS[:-1]  # every column but the count


def merge_partials(partials: Sequence[ArrowData | PandasFrame]) -> ArrowTable:
    """One Arrow partials table (dictionary-encoded text) from several, counts added up."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = []
    for table in partials:
        if isinstance(table, pa.RecordBatch):
            table = pa.Table.from_batches([table])
        if type(table).__module__.split(".")[0] == "pandas":
            table = pa.Table.from_pandas(table[list(PARTIAL_COLUMNS)], preserve_index=False)
        columns = {}
        for name in PARTIAL_COLUMNS:
            column = table.column(name)
            if pa.types.is_dictionary(column.type):
                column = column.cast(column.type.value_type)
            if name in ("value", "count"):
                column = column.cast(pa.int64())
            elif not pa.types.is_string(column.type):
                column = column.cast(pa.string())
            columns[name] = column
        tables.append(pa.table(columns))
    whole = pa.concat_tables(tables)
    summed = whole.group_by(list(_KEYS), use_threads=False).aggregate([("count", "sum")])
    summed = summed.sort_by([(name, "ascending") for name in _KEYS]).combine_chunks()
    out = {}
    for name in _KEYS:
        column = summed.column(name)
        out[name] = (
            column
            if name == "value"
            else pc.dictionary_encode(column).cast(pa.dictionary(pa.int32(), pa.string()))
        )
    out["count"] = summed.column("count_sum")
    return pa.table(out)
