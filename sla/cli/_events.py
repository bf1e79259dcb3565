"""Reading event files for the command line: one readable message per bad file.

The clock engine takes ``at`` as epoch seconds or aware timestamps. Files
written by people often carry ISO 8601 text instead (``2025-06-02T09:00+02:00``,
``...Z``); those are parsed here, and a value without an offset is refused with
the line it is on, because guessing its zone would move every deadline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sla._errors import SLAError
from sla.cli._common import UsageProblem, require

__all__ = ["events_problem", "read_events"]

_SUFFIXES = ".csv, .parquet, .jsonl (or .ndjson, .json) or .arrow (.feather)"
_REQUIRED = ("contact_id", "at", "kind")


def read_events(path: Path) -> Any:
    """An Arrow table of events in the clock event schema, by file suffix."""
    require("pandas", "pyarrow", extra="frames")
    if path.is_dir():
        raise UsageProblem("is a directory, not an events file", field=str(path))
    if not path.exists():
        raise UsageProblem("file not found", field=str(path))
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".toml"):
        raise UsageProblem(
            f"looks like a contract or plan, not events; events are {_SUFFIXES}", field=str(path)
        )
    table = _read(path, suffix)
    missing = [c for c in _REQUIRED if c not in table.column_names]
    if missing:
        found = ", ".join(table.column_names[:8]) or "none"
        raise UsageProblem(
            f"missing column(s) {', '.join(missing)} (found: {found}); an events file has "
            "one row per event with contact_id, at, kind and optional channel, priority, "
            "tier, status, public, by_bot, value",
            field=str(path),
        )
    if table.num_rows == 0:
        raise UsageProblem("has no events (only a header)", field=str(path))
    text_file = suffix in (".csv", ".jsonl", ".ndjson", ".json")
    header_lines, unit = (1 if suffix == ".csv" else 0), ("line" if text_file else "row")
    _check_channels(table, path, header_lines=header_lines, unit=unit)
    return _instants(table, path, header_lines=header_lines, unit=unit)


def _check_channels(table: Any, path: Path, *, header_lines: int, unit: str) -> None:
    """A channel the product does not know (a typo such as ``emial``) would silently get no
    targets and no cycles; name the first such row instead."""
    from sla.tiers import Channel

    if "channel" not in table.column_names:
        return
    known = {c.value for c in Channel}
    values = table.column("channel").to_pylist()
    for i, value in enumerate(values):
        if value is not None and value != "" and str(value) not in known:
            raise UsageProblem(
                f"{unit} {i + 1 + header_lines}: unknown channel {value!r} "
                f"(known: {', '.join(sorted(known))})",
                field=str(path),
            )


def events_problem(exc: SLAError, path: Path) -> UsageProblem:
    """A library error about the events, re-raised naming the file it came from."""
    return UsageProblem(str(exc), field=str(path))


def _read(path: Path, suffix: str) -> Any:
    import pyarrow as pa

    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if suffix == ".csv":
            import pyarrow.csv as pacsv

            # Empty cells are missing values (the generator writes None as "").
            convert = pacsv.ConvertOptions(strings_can_be_null=True)
            table = pacsv.read_csv(path, convert_options=convert)
            if _lost_offsets(table):
                convert.column_types = {"at": pa.string()}
                table = pacsv.read_csv(path, convert_options=convert)
            return table
        if suffix in (".jsonl", ".ndjson", ".json"):
            import pyarrow.json as pajson

            table = pajson.read_json(path)
            if _lost_offsets(table):
                # Arrow's JSON reader turns ISO text into UTC timestamps and drops whether
                # an offset was written at all; read `at` as text to check each value.
                text = pa.schema([("at", pa.string())])
                table = pajson.read_json(
                    path, parse_options=pajson.ParseOptions(explicit_schema=text)
                )
            return table
        if suffix in (".arrow", ".feather"):
            import pyarrow.feather as feather

            return feather.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        message = " ".join(str(exc).split())
        raise UsageProblem(f"cannot read events: {message}", field=str(path)) from None
    raise UsageProblem(f"unknown events format {suffix!r}; use {_SUFFIXES}", field=str(path))


def _lost_offsets(table: Any) -> bool:
    """Whether Arrow read `at` as timestamps without a zone (text it parsed itself)."""
    import pyarrow as pa

    if "at" not in table.column_names:
        return False
    kind = table.column("at").type
    return bool(pa.types.is_timestamp(kind) and kind.tz is None)


def _instants(table: Any, path: Path, *, header_lines: int, unit: str) -> Any:
    """``at`` as int64 epoch seconds or aware timestamps; text is parsed as ISO 8601."""
    import pyarrow as pa

    column = table.column("at")
    kind = column.type
    where = str(path)
    if pa.types.is_integer(kind):
        if column.null_count:
            raise UsageProblem(f"{_line(column, header_lines, unit)}: `at` is empty", field=where)
        return table
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            raise UsageProblem(
                "`at` has no UTC offset; write instants such as 2025-06-02T09:00:00+02:00 "
                "or epoch seconds",
                field=where,
            )
        return table
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise UsageProblem(
            f"`at` must be epoch seconds or ISO 8601 instants with an offset, got {kind}",
            field=where,
        )
    seconds = []
    for index, text in enumerate(column.to_pylist()):
        seconds.append(_seconds(text, where, f"{unit} {index + 1 + header_lines}"))
    position = table.column_names.index("at")
    return table.set_column(position, "at", pa.array(seconds, pa.int64()))


def _seconds(text: str | None, where: str, line: str) -> int:
    from datetime import datetime

    if text is None or not text.strip():
        raise UsageProblem(f"{line}: `at` is empty", field=where)
    raw = text.strip()
    if raw.lstrip("-").isdigit():
        return int(raw)  # epoch seconds among ISO text
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise UsageProblem(
            f"{line}: `at` {raw!r} is not epoch seconds or an ISO 8601 instant "
            "(e.g. 2025-06-02T09:00:00+02:00)",
            field=where,
        ) from None
    if value.tzinfo is None:
        raise UsageProblem(
            f"{line}: `at` {raw!r} has no UTC offset; write e.g. {raw}+02:00 or {raw}Z",
            field=where,
        )
    return int(value.timestamp())


def _line(column: Any, header_lines: int, unit: str) -> str:
    values = column.to_pylist()
    first = next(i for i, v in enumerate(values) if v is None)
    return f"{unit} {first + 1 + header_lines}"
