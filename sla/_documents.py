"""Limits on the documents users hand us: size, nesting depth, YAML alias expansion.

Contracts, price plans and calendars arrive as YAML, JSON, TOML or plain
dicts. Three shapes of hostile input would otherwise hang or crash the
process far from where the data came in:

* a *YAML alias bomb*: a 2 KB text whose anchors refer to anchors, nine
  levels of ten, is a billion strings once anything walks it (``dump``,
  ``diff``, a deep copy). Loading keeps the shared references cheap, so the
  damage shows up later; :func:`check_document` refuses it at load time.
* *deep nesting*: JSON or YAML nested a thousand levels deep raises
  ``RecursionError`` in parsers and validators. A real contract is about
  eight levels deep; anything past :data:`MAX_DEPTH` is refused.
* *huge text*: a contract or plan is a page of terms, not a data set;
  anything past :data:`MAX_DOCUMENT_CHARS` is refused before parsing.

Every refusal is an :class:`~sla.SLAError` subclass chosen by the caller
(``ContractError`` for contracts, ``PricingError`` for plans) that names
the place in the document. The limits are documented in ``docs/limits.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sla._errors import SLAError

__all__ = [
    "ALIAS_BUDGET",
    "MAX_DEPTH",
    "MAX_DOCUMENT_CHARS",
    "check_document",
    "check_size",
    "check_text",
    "guard_recursion",
    "parse_json",
]

#: How many nodes YAML aliases (``*name``) may add to a document when expanded.
ALIAS_BUDGET = 10_000
#: How deeply mappings and lists may nest in a contract, plan or calendar.
MAX_DEPTH = 64
#: The largest contract, plan or calendar: characters of text, or bytes of a file.
MAX_DOCUMENT_CHARS = 10_000_000

T = TypeVar("T")


def check_size(length: int, *, error: type[SLAError], field: str, unit: str = "bytes") -> None:
    """Refuse a document of more than :data:`MAX_DOCUMENT_CHARS` characters (or file bytes)."""
    if length > MAX_DOCUMENT_CHARS:
        raise error(
            f"the document has {length:,} {unit}, more than the limit of "
            f"{MAX_DOCUMENT_CHARS:,} for a contract, plan or calendar",
            field=field,
        )


def check_text(text: str, *, error: type[SLAError], field: str) -> None:
    """Refuse a document text longer than :data:`MAX_DOCUMENT_CHARS`."""
    check_size(len(text), error=error, field=field, unit="characters")


def guard_recursion(parse: Callable[[], T], *, error: type[SLAError], field: str) -> T:
    """Run a parser, turning a ``RecursionError`` from deep nesting into ``error``."""
    try:
        return parse()
    except RecursionError:
        raise error(
            f"nested too deeply to read (the limit is {MAX_DEPTH} levels)", field=field
        ) from None


def parse_json(text: str, *, error: type[SLAError], field: str, **options: Any) -> Any:
    """``json.loads`` with the size and nesting limits (``options`` go to ``json.loads``)."""
    check_text(text, error=error, field=field)
    return guard_recursion(lambda: json.loads(text, **options), error=error, field=field)


def _is_container(value: object) -> bool:
    return isinstance(value, Mapping | list | tuple)


def _items(value: Any) -> list[tuple[str | int, Any]]:
    if isinstance(value, Mapping):
        return list(value.items())
    return list(enumerate(value))


def _step(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def check_document(data: object, *, error: type[SLAError], field: str = "") -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH`, referring to itself, or whose
    shared parts (YAML aliases) expand to more than :data:`ALIAS_BUDGET` extra nodes.

    ``field`` is the path of ``data`` inside a larger document (empty for the root).
    The walk is iterative and visits each distinct container once, so the check
    itself costs time in the size of the text, not of its expansion.

    :raises SLAError: of type ``error``, naming the offending place.
    """
    if not _is_container(data):
        return
    size: dict[int, int] = {}  # nodes with aliases expanded
    depth: dict[int, int] = {}
    refs: dict[int, int] = {}
    entering: set[int] = set()
    written = 0  # nodes as written (each shared container once)
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            entering.discard(key)
            total, deepest = 1, 0
            written += 1
            for _, child in _items(node):
                total += isinstance(node, Mapping)  # the key itself
                written += isinstance(node, Mapping)
                if _is_container(child):
                    total += size[id(child)]
                    deepest = max(deepest, depth[id(child)])
                    refs[id(child)] = refs.get(id(child), 0) + 1
                else:
                    total += 1
                    written += 1
            size[key], depth[key] = total, deepest + 1
            continue
        if key in size:
            continue
        if key in entering:
            raise error("the document refers to itself (a recursive YAML alias)", field=field)
        entering.add(key)
        stack.append((node, True))
        stack.extend((child, False) for _, child in _items(node) if _is_container(child))
    if depth[id(data)] > MAX_DEPTH:
        place = _descend(data, field, lambda c: depth[id(c)], MAX_DEPTH)
        raise error(
            f"nested {depth[id(data)]} levels deep, more than the limit of {MAX_DEPTH}",
            field=place,
        )
    extra = size[id(data)] - written
    if extra > ALIAS_BUDGET:
        place = _shared_place(data, field, size, refs)
        raise error(
            f"YAML aliases expand this document by {extra:,} nodes, more than the "
            f"budget of {ALIAS_BUDGET:,} (an alias bomb?)",
            field=place,
        )


def _descend(data: Any, path: str, measure: Callable[[Any], int], levels: int) -> str:
    """The path reached by following the largest child ``levels`` times."""
    node = data
    for _ in range(levels):
        children = [(k, c) for k, c in _items(node) if _is_container(c)]
        if not children:
            break
        key, node = max(children, key=lambda kc: measure(kc[1]))
        path = _step(path, key)
    return path


def _shared_place(data: Any, path: str, size: dict[int, int], refs: dict[int, int]) -> str:
    """The first shared (aliased) container on the way to the largest expansion."""
    node = data
    while True:
        children = [(k, c) for k, c in _items(node) if _is_container(c)]
        if not children:
            return path
        key, node = max(children, key=lambda kc: size[id(kc[1])])
        path = _step(path, key)
        if refs.get(id(node), 0) > 1:
            return path
