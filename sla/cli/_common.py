"""Shared pieces of the command line: reading files, parsing instants, printing."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from sla._errors import SLAError
from sla.cli._app import console


class UsageProblem(SLAError):
    """A command-line argument or input file is unusable (exit code 2)."""


def read_data(path: Path) -> Any:
    """Read YAML, JSON or TOML by suffix; errors name the file, line and reason."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageProblem("file not found", field=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read: {exc}", field=str(path)) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix == ".toml":
            import tomllib

            return tomllib.loads(text)
        import yaml

        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise UsageProblem(
            f"invalid JSON at line {exc.lineno}: {exc.msg}", field=str(path)
        ) from None
    except Exception as exc:  # yaml / toml parse errors carry their own line info
        message = " ".join(str(exc).split())
        raise UsageProblem(f"cannot parse: {message}", field=str(path)) from None


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
    typer.echo(json.dumps(payload, indent=2, default=str))


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None
) -> None:
    table = Table(*headers, title=title)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


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
