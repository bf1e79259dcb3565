"""Shared pieces of the command line: reading files, parsing instants, printing."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sla._errors import SLAError
from sla.cli._app import console, printable


class UsageProblem(SLAError):
    """A command-line argument or input file is unusable (exit code 2)."""


def read_data(path: Path) -> Any:
    """Read YAML, JSON or TOML by suffix; errors name the file, line and reason.

    The limits of ``docs/limits.md`` apply: size, nesting depth, YAML aliases.
    """
    from sla._documents import check_document, check_size, guard_recursion

    field = str(path)
    try:
        check_size(path.stat().st_size, error=UsageProblem, field=field)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageProblem("file not found", field=field) from None
    except IsADirectoryError:
        raise UsageProblem("is a directory, not a file", field=field) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read: {exc}", field=field) from None
    suffix = path.suffix.lower()

    def parse() -> Any:
        if suffix == ".json":
            return json.loads(text)
        if suffix == ".toml":
            import tomllib

            return tomllib.loads(text)
        import yaml

        return yaml.safe_load(text)

    try:
        data = guard_recursion(parse, error=UsageProblem, field=field)
    except UsageProblem:
        raise
    except json.JSONDecodeError as exc:
        raise UsageProblem(f"invalid JSON at line {exc.lineno}: {exc.msg}", field=field) from None
    except Exception as exc:  # yaml / toml parse errors carry their own line info
        message = " ".join(str(exc).split())
        raise UsageProblem(f"cannot parse: {message}", field=field) from None
    try:
        check_document(data, error=UsageProblem)
    except UsageProblem as exc:
        raise UsageProblem(f"{exc.field or 'the document'}: {exc.reason}", field=field) from None
    return data


def parse_instant(text: str, *, field: str) -> datetime:
    """An ISO 8601 instant with an offset or zone; naive wall times are refused."""
    import pendulum

    try:
        value: object = pendulum.parse(text, exact=True, tz=None)
    except Exception:
        raise UsageProblem(
            f"{text!r} is not an ISO 8601 instant (e.g. 2025-06-02T09:00+02:00)", field=field
        ) from None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise UsageProblem(
            f"{text!r} has no UTC offset; write e.g. {text}+02:00 or {text}Z", field=field
        )
    return value


def emit_json(payload: Any) -> None:
    """Print strict JSON: NaN and infinity (which JSON lacks) are written as null."""
    typer.echo(json.dumps(_finite(payload), indent=2, default=str, allow_nan=False))


def _finite(value: Any) -> Any:
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return _finite(value.item())
    return value


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None
) -> None:
    # Cells and titles are user data: Text objects are never parsed as Rich markup.
    table = Table(title=None if title is None else Text(title))
    for header in headers:
        table.add_column(Text(header))
    for row in rows:
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    console.print(table)


def check_writable(path: Path, *, field: str) -> None:
    """Refuse an output path in a missing or read-only directory before any work is done."""
    import os

    parent = path.parent
    if path.is_dir():
        raise UsageProblem(f"{path} is a directory; give a file name", field=field)
    if not parent.is_dir():
        raise UsageProblem(f"cannot write {path}: directory {parent} does not exist", field=field)
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageProblem(f"cannot write {path}: permission denied", field=field)


def write_output(path: Path, text: str, *, field: str) -> Path:
    """Write an output file atomically; a failure is one usage error naming ``field``."""
    from sla.report._html import write_atomically

    check_writable(path, field=field)
    try:
        return write_atomically(path, text)
    except OSError as exc:
        raise UsageProblem(f"cannot write {path}: {exc.strerror or exc}", field=field) from None


def plain(value: object) -> str:
    """``value`` as text to embed in a Rich markup string: brackets and control
    characters escaped."""
    return escape(printable(str(value)))


def print_mapping(values: Mapping[str, object], *, title: str | None = None) -> None:
    print_table(["", ""], [[k, v] for k, v in values.items()], title=title)


def seconds(text: str, *, field: str) -> int:
    """Whole seconds from ``20s``, ``30m``, ``1h30m``, ``PT30M`` or a plain number."""
    from sla.tiers import parse_duration

    return parse_duration(text, field=field)


def money(text: str, *, field: str) -> Any:
    """Money from ``"32.50 EUR"``."""
    from sla.money import Money

    try:
        return Money.parse(text)
    except SLAError as exc:
        raise UsageProblem(exc.reason, field=field) from None


def share(text: str, *, field: str) -> float:
    """A share from ``0.8`` or ``80%``."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageProblem(f"{text!r} is not a share such as 0.8 or 80%", field=field) from None
    if not 0 <= value <= 1:
        raise UsageProblem(f"{text!r} is not between 0 and 1 (0 % and 100 %)", field=field)
    return value


def require(*modules: str, extra: str) -> None:
    """A clear message instead of an ImportError when an optional dependency is missing."""
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageProblem(
            f"needs {', '.join(missing)}: install the extra with pip install 'sla[{extra}]'",
            field="dependencies",
        )


@contextmanager
def options(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise library errors about ``field`` as usage errors naming the ``--option``.

    The library names its own parameters (``aht``); a command-line user typed
    ``--aht``, so that is what the message should say.
    """
    try:
        yield
    except UsageProblem:
        raise
    except SLAError as exc:
        if len(exc.problems) <= 1 and exc.field is not None and exc.field in names:
            raise UsageProblem(exc.reason, field=names[exc.field]) from None
        renamed = [attrs.evolve(p, field=names.get(p.field, p.field)) for p in exc.problems]
        if renamed and any(p.field in names for p in exc.problems):
            raise UsageProblem(exc.reason, field=None, problems=renamed) from None
        raise


def format_seconds(value: float) -> str:
    """``431.3`` as ``7m 11s``: handle times people can read."""
    whole = round(value)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h"] if hours else []
    if minutes or hours:
        parts.append(f"{minutes}m")
    parts.append(f"{secs}s")
    return " ".join(parts)
