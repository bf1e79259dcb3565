"""Dense integer codes of columns and of tuples of codes: group keys without a group-by.

Partials group rows by numpy arithmetic on these codes (no pandas group-by);
each helper returns codes ``0..k-1`` plus what each code stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sla._types import Ints


def _codes(column: Any) -> tuple[Ints, list[Any]]:
    """Dense codes of a column and the value of each code (``None`` for null: the last code)."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_dictionary(column.type):
        # Codes of the (small) dictionary, looked up by index: no string per row.
        inner, values = _codes(column.dictionary)
        index = column.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        lookup = np.append(inner, len(values) - 1)  # index -1 (null) -> the null code
        return lookup[index], values
    if pa.types.is_null(column.type):
        column = column.cast(pa.string())
    encoded = column.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    codes = encoded.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64, copy=False), [*values, None]


def _ints(column: Any) -> Ints:
    return np.asarray(column.fill_null(0).to_numpy(), dtype=np.int64)


def _dense(keys: Ints) -> tuple[Ints, Ints]:
    """Dense codes ``0..k-1`` of integer keys (in key order) and one row holding each code."""
    if not len(keys):
        return keys, keys
    low, high = int(keys.min()), int(keys.max())
    span = high - low + 1
    if span <= 4 * len(keys) + 1024:
        where = np.full(span, -1, dtype=np.int64)
        where[keys - low] = np.arange(len(keys), dtype=np.int64)
        present = where >= 0
        code_of = np.cumsum(present, dtype=np.int64) - 1
        return code_of[keys - low], where[present]
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), first.astype(np.int64)


def _combine(codes: Sequence[Ints], radices: Sequence[int]) -> tuple[Ints, Ints]:
    """Dense codes of tuples of codes (mixed radix, re-densified before it could overflow)."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    size = 1
    for column, radix in zip(codes, radices, strict=True):
        if size * radix >= 2**62:
            key, _ = _dense(key)
            size = int(key.max()) + 1 if len(key) else 1
        key = key * radix + column
        size *= radix
    return _dense(key)
