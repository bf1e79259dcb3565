"""Reading and writing contracts: YAML (safe loading only), JSON and TOML."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from sla._documents import check_document, check_size, check_text, guard_recursion, parse_json
from sla._errors import ContractError, Problem
from sla.contracts import _toml
from sla.contracts._spec import Contract
from sla.contracts._validate import ValidationReport, check

__all__ = ["Format", "dump", "json_schema", "load", "problems_from_pydantic", "validate"]

Format = Literal["yaml", "json", "toml"]
_SUFFIXES: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
# libyaml's safe loader when available: the same safe subset as yaml.safe_load, in C.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _UniqueKeyLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, refusing a key given twice in one mapping.

    Plain YAML keeps the last of two equal keys, so a second ``within:`` in a
    target would silently change a promise; a contract author must hear of it.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` may be overridden
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # an unhashable key: the base loader reports it
                continue
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {first.start_mark.line + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"duplicate key {key!r}")
        data[key] = value
    return data


_MESSAGES = {
    "Extra inputs are not permitted": "unknown field (a typo?)",
    "Field required": "missing (required)",
}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or part in ("str", "int", "date", "function-plain"):
            continue  # a union member's name, not a field
        else:
            out += f".{part}" if out else part
    return out


def problems_from_pydantic(error: ValidationError) -> list[Problem]:
    """One :class:`Problem` per field, messages of union alternatives joined by "or"."""
    found: dict[str, list[str]] = {}
    for e in error.errors():
        msg = e["msg"].removeprefix("Value error, ")
        found.setdefault(_path(e["loc"]), []).append(_MESSAGES.get(msg, msg))
    return [Problem(where, " or ".join(dict.fromkeys(msgs))) for where, msgs in found.items()]


def _parse_text(text: str, fmt: Format | None, origin: str) -> Any:
    check_text(text, error=ContractError, field=origin)
    if fmt == "json" or (fmt is None and text.lstrip().startswith("{")):
        try:
            return parse_json(
                text, error=ContractError, field=origin, object_pairs_hook=_unique_pairs
            )
        except ContractError:
            raise
        except json.JSONDecodeError as error:
            raise ContractError(
                f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                field=origin,
            ) from None
        except ValueError as error:
            raise ContractError(f"not valid JSON: {error}", field=origin) from None
    if fmt == "toml":
        return _parse_toml(text, origin)
    try:
        data = guard_recursion(
            lambda: yaml.load(text, Loader=_UniqueKeyLoader), error=ContractError, field=origin
        )
    except yaml.YAMLError as error:
        if fmt is None:
            try:
                return _parse_toml(text, origin)
            except ContractError:
                pass
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ContractError(f"not valid YAML: {problem}{where}", field=origin) from None
    if fmt is None and not isinstance(data, Mapping):
        try:
            return _parse_toml(text, origin)
        except ContractError:
            pass
    return data


def _parse_toml(text: str, origin: str) -> Any:
    try:
        return guard_recursion(lambda: tomllib.loads(text), error=ContractError, field=origin)
    except tomllib.TOMLDecodeError as error:
        raise ContractError(f"not valid TOML: {error}", field=origin) from None


def load(
    source: str | Path | bytes | Mapping[str, Any], *, format: Format | None = None
) -> Contract:
    """A contract from a file path, YAML / JSON / TOML text, bytes or a dict.

    The format comes from ``format``, the file suffix, or the text itself. YAML
    is read with ``yaml.safe_load``: tags that would build Python objects are
    refused, nothing is executed. Documents nested deeper than
    :data:`~sla._documents.MAX_DEPTH` levels, or whose YAML aliases would expand
    by more than :data:`~sla._documents.ALIAS_BUDGET` nodes, are refused
    (see ``docs/limits.md``).

    :raises ContractError: for an unknown ``format``, unreadable text (with line
        and column), a document past the limits (naming the place) or, listing
        every problem with its field path, for data of the wrong shape or type.
    """
    data = read_document(source, format=format)
    try:
        return Contract.model_validate(data)
    except ValidationError as error:
        raise ContractError.from_problems(problems_from_pydantic(error), what="contract") from None


def read_document(
    source: str | Path | bytes | Mapping[str, Any], *, format: Format | None = None
) -> Mapping[str, Any]:
    """The contract document as data, read and checked against the limits, not yet validated.

    :raises ContractError: as :func:`load` does, for everything but the fields' shape.
    """
    if format is not None and format not in ("yaml", "json", "toml"):
        raise ContractError(
            f"unknown format {format!r}: use yaml, json or toml (or leave it out)",
            field="format",
        )
    origin = "<input>"
    if isinstance(source, Mapping):
        data: Any = source
    else:
        text: str
        if isinstance(source, bytes):
            try:
                text = source.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ContractError(f"not UTF-8 text: {error.reason}", field=origin) from None
        elif not isinstance(source, (str, Path)):
            raise ContractError(
                "expected a path, YAML / JSON / TOML text, bytes or a mapping, got "
                f"{type(source).__name__}",
                field=origin,
            )
        elif isinstance(source, Path) or (
            "\n" not in source and Path(source).suffix.lower() in _SUFFIXES
        ):
            path = Path(source)
            origin = str(path)
            try:
                check_size(path.stat().st_size, error=ContractError, field=origin)
                text = path.read_text(encoding="utf-8")
            except OSError as error:
                raise ContractError(f"cannot read {path}: {error.strerror}", field=origin) from None
            except UnicodeDecodeError as error:
                raise ContractError(
                    f"{path} is not UTF-8 text: {error.reason}", field=origin
                ) from None
            format = format or _SUFFIXES.get(path.suffix.lower())
        else:
            text = source
        data = _parse_text(text, format, origin)
    if not isinstance(data, Mapping):
        raise ContractError(
            f"a contract is a mapping of fields, got {type(data).__name__}", field=origin
        )
    check_document(data, error=ContractError)
    return data


def to_data(contract: Contract) -> dict[str, Any]:
    """The contract as plain JSON-compatible data (only the fields its author set)."""
    return contract.model_dump(mode="json", exclude_unset=True)


def dump(contract: Contract, format: Format = "yaml", path: str | Path | None = None) -> str:
    """The contract as YAML, JSON or TOML text that :func:`load` reads back to an equal
    contract; written to ``path`` as well when given.

    :raises ContractError: for TOML when a field is explicitly ``null`` (TOML has none).
    """
    data = to_data(contract)
    if format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif format == "toml":
        text = _toml.dumps(data)
    elif format == "yaml":
        text = yaml.dump(data, Dumper=_SAFE_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    else:
        raise ContractError(f"unknown format {format!r} (yaml, json or toml)", field="format")
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a contract document, for editors and CI checks."""
    schema = Contract.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sla contract"
    return schema


def validate(source: Contract | Mapping[str, Any] | str | Path | bytes) -> ValidationReport:
    """Every problem of a contract at once, with field paths, as errors and warnings.

    ``source`` is a loaded :class:`Contract` or anything :func:`load` reads. If it cannot
    even be loaded, the report holds the loading problems: bad content never raises here.
    A field of the wrong type (``version: two``) does not hide the rest: the fields
    that fail to load are reported, and the contract without them is checked too.
    """
    if isinstance(source, Contract):
        return check(source)[0]
    try:
        data = read_document(source)
    except ContractError as error:
        return ValidationReport(error.problems or (Problem(error.field or "", error.reason),))
    return _validate_data(data)


def _validate_data(data: Mapping[str, Any]) -> ValidationReport:
    from pydantic import ValidationError

    try:
        return check(Contract.model_validate(data))[0]
    except ValidationError as error:
        failed = error
    found = problems_from_pydantic(failed)
    removed: set[tuple[int | str, ...]] = set()
    pruned: Any = data
    for _ in range(4):
        locations = {tuple(e["loc"]) for e in failed.errors()} - removed
        if not locations:
            # What fails now is a required field that was removed: remove its parent entry.
            parents = {loc[:-1] for loc in removed if len(loc) > 1}
            locations = parents - removed
            if not locations:
                break
        removed |= locations
        pruned = _without(data, removed)
        try:
            contract = Contract.model_validate(pruned)
        except ValidationError as error:
            failed = error
            continue
        gone = {p.field for p in found}
        rest = [p for p in check(contract)[0].problems if not _under(p.field, gone)]
        return ValidationReport(tuple(dict.fromkeys([*found, *rest])))
    return ValidationReport(tuple(found))


def _under(field: str, prefixes: set[str]) -> bool:
    return any(field == p or field.startswith((p + ".", p + "[")) for p in prefixes)


def _without(data: Any, locations: set[tuple[int | str, ...]]) -> Any:
    """``data`` without the entries pydantic's ``loc`` tuples point at. A location is cut
    where the data ends (its next part is a union member's name, not a key)."""
    cuts: set[tuple[Any, ...]] = set()
    for loc in locations:
        node, resolved = data, 0
        for part in loc:
            found = (isinstance(node, Mapping) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            )
            if not found:
                break
            node = node[part]
            resolved += 1
        if resolved:
            cuts.add(tuple(loc[:resolved]))
    return _cut(data, cuts, ())


def _cut(data: Any, cuts: set[tuple[Any, ...]], here: tuple[Any, ...]) -> Any:
    if isinstance(data, Mapping):
        return {k: _cut(v, cuts, (*here, k)) for k, v in data.items() if (*here, k) not in cuts}
    if isinstance(data, list):
        return [_cut(v, cuts, (*here, i)) for i, v in enumerate(data) if (*here, i) not in cuts]
    return data
