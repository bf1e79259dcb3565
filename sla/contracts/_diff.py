"""What changed between two versions of a contract, for a redline."""

from __future__ import annotations

import json
from typing import Any, Literal

import attrs

from sla.contracts._document import md_escape
from sla.contracts._spec import Contract

__all__ = ["Change", "Diff", "diff"]

#: Fields that identify an entry of a list, tried in order, so that inserting a
#: target or rule reports one addition instead of shifting every later entry.
_IDENTITY = (("name",), ("tier", "metric"), ("metric", "kind", "channels", "priorities"))


@attrs.frozen(slots=True)
class Change:
    """One difference: ``kind`` is added, removed or changed, at ``path``."""

    path: str
    kind: Literal["added", "removed", "changed"]
    old: object = None
    new: object = None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"{self.path}: added {_show(self.new)}"
        if self.kind == "removed":
            return f"{self.path}: removed {_show(self.old)}"
        return f"{self.path}: {_show(self.old)} -> {_show(self.new)}"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


@attrs.frozen(slots=True)
class Diff:
    """The changes from ``old`` to ``new`` (empty, and falsy, when they mean the same)."""

    old_version: int
    new_version: int
    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def paths(self) -> list[str]:
        """The changed paths, in order."""
        return [c.path for c in self.changes]

    def to_markdown(self) -> str:
        """A redline: removed values struck through, new values in bold."""
        lines = [f"## Changes from version {self.old_version} to {self.new_version}", ""]
        if not self.changes:
            lines.append("No changes.")
        for c in self.changes:
            where = f"`{c.path}`"
            if c.kind == "added":
                lines.append(f"- {where}: **{md_escape(_show(c.new))}** (added)")
            elif c.kind == "removed":
                lines.append(f"- {where}: ~~{md_escape(_show(c.old))}~~ (removed)")
            else:
                lines.append(
                    f"- {where}: ~~{md_escape(_show(c.old))}~~ **{md_escape(_show(c.new))}**"
                )
        return "\n".join(lines) + "\n"


def _identity(old: list[Any], new: list[Any]) -> tuple[str, ...] | None:
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for fields in _IDENTITY:
        if fields[0] in items[0] and all(
            len({_label(i, fields) for i in side}) == len(side) for side in (old, new)
        ):
            return fields
    return None


def _label(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    parts = []
    for f in fields:
        value = item.get(f)
        if value not in (None, [], ""):
            parts.append(f"{f}={','.join(value) if isinstance(value, list) else value}")
    return "[" + " ".join(parts) + "]"


def _walk(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(Change(where, "removed", old[key]))
            elif key not in old:
                out.append(Change(where, "added", None, new[key]))
            else:
                _walk(old[key], new[key], where, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        fields = _identity(old, new)
        if fields is not None:
            olds = {_label(i, fields): i for i in old}
            news = {_label(i, fields): i for i in new}
            for label in [*olds, *(k for k in news if k not in olds)]:
                where = f"{path}{label}"
                if label not in news:
                    out.append(Change(where, "removed", olds[label]))
                elif label not in olds:
                    out.append(Change(where, "added", None, news[label]))
                else:
                    _walk(olds[label], news[label], where, out)
            return
        if len(old) == len(new) and not all(isinstance(i, str) for i in old + new):
            for i, (a, b) in enumerate(zip(old, new)):
                _walk(a, b, f"{path}[{i}]", out)
            return
    out.append(Change(path, "changed", old, new))


def diff(old: Contract, new: Contract) -> Diff:
    """What changed from ``old`` to ``new``: every field, with defaults filled in, so that
    writing a default out explicitly is not a change."""
    before = old.model_dump(mode="json")
    after = new.model_dump(mode="json")
    changes: list[Change] = []
    _walk(before, after, "", changes)
    return Diff(old.version, new.version, tuple(changes))
