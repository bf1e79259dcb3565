"""A small TOML writer for contract documents (the standard library only reads TOML).

It writes what :mod:`tomllib` reads back to equal data: tables, arrays of
tables, strings, integers, booleans, dates, and arrays. TOML has no null, so
a ``None`` value raises instead of vanishing silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sla._errors import ContractError

__all__ = ["dumps"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
# TOML 1.0 basic strings: every control character (U+0000-U+001F and U+007F) escaped.
_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _string(text: str, path: str) -> str:
    """A TOML basic string; lone surrogates (not Unicode scalar values) are refused."""
    if any("\ud800" <= c <= "\udfff" for c in text):
        raise ContractError("text with a lone surrogate cannot be written to TOML", field=path)
    escaped = _ESCAPE.sub(lambda m: _SHORT.get(m[0], f"\\u{ord(m[0]):04X}"), text)
    return f'"{escaped}"'


def _key(key: str) -> str:
    return key if _BARE.match(key) else _string(key, key)


def _value(value: Any, path: str) -> str:
    if value is None:
        raise ContractError("TOML has no null; leave the field out instead", field=path)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _string(value, path)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v, f"{path}[{i}]") for i, v in enumerate(value)) + "]"
    if isinstance(value, Mapping):
        items = (f"{_key(str(k))} = {_value(v, f'{path}.{k}')}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise ContractError(f"cannot write {type(value).__name__} to TOML", field=path)


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(_is_table(v) for v in value)


def _table(data: Mapping[str, Any], prefix: list[str], out: list[str]) -> None:
    plain = [(k, v) for k, v in data.items() if not _is_table(v) and not _is_table_array(v)]
    for key, value in plain:
        out.append(f"{_key(key)} = {_value(value, '.'.join([*prefix, key]))}")
    for key, value in data.items():
        path = [*prefix, _key(key)]
        if _is_table(value):
            out.extend(["", f"[{'.'.join(path)}]"])
            _table(value, path, out)
        elif _is_table_array(value):
            for item in value:
                out.extend(["", f"[[{'.'.join(path)}]]"])
                _table(item, path, out)


def dumps(data: Mapping[str, Any]) -> str:
    """TOML text for ``data``.

    :raises ContractError: for a ``None`` or an unsupported value, naming its path.
    """
    out: list[str] = []
    _table(data, [], out)
    return "\n".join(out).lstrip("\n") + "\n"
