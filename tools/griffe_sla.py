"""Griffe extension for the API reference: render ``sla`` docstrings as the docs do.

Docstrings in ``sla`` are Markdown with two conventions from Python's own
tooling, kept because other tools read them: examples as doctest blocks
(``>>>``, run by ``tests/test_docstrings.py``) and cross references as Sphinx
roles (``:class:`Calendar```, ``:func:`~sla.clocks.evaluate```). Markdown alone
shows the first as nested quotes and the second literally, so at build time
this extension turns each example into a ``pycon`` code block and each role
into a link to the object's entry (plain code when the object has no entry).
Configured in ``mkdocs.yml`` under the python handler's ``extensions``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|data|mod|attr|exc|obj|const):`(~?)([\w.]+?)(\(\))?`")


def fence_examples(text: str) -> str:
    """Wrap each run of doctest lines (from ``>>>`` to a blank line) in a ``pycon`` fence."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if not in_fence and line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
                block.append(lines[i])
                i += 1
            if out and out[-1].strip():
                out.append("")
            out += [f"{indent}```pycon", *block, f"{indent}```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def _identifier(obj: griffe.Object | griffe.Alias, target: str) -> str | None:
    if target.startswith("sla."):
        path = target
    else:
        first, _, rest = target.partition(".")
        try:
            found = obj.resolve(first)
        except Exception:  # griffe raises several kinds; an unknown name is plain code
            return None
        path = f"{found}.{rest}" if rest else found
    try:  # a re-export (sla.MoneyError) links to where it is documented (sla._errors)
        member = obj.modules_collection[path]
        return str(member.final_target.path if member.is_alias else member.path)
    except Exception:
        return path


def link_roles(obj: griffe.Object | griffe.Alias, text: str) -> str:
    """``:class:`~sla.X``` -> an optional autorefs link titled ``X`` (plain code when unknown)."""

    def replace(match: re.Match[str]) -> str:
        short, target, call = match.group(1), match.group(2), match.group(3) or ""
        title = (target.rsplit(".", 1)[-1] if short else target) + call
        identifier = _identifier(obj, target)
        if identifier is None:
            return f"`{title}`"
        return f'<autoref identifier="{identifier}" optional><code>{title}</code></autoref>'

    return ROLE.sub(replace, text)


class SlaDocstrings(griffe.Extension):
    """Rewrite each docstring once the object tree is complete (names resolve then)."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and obj.path.startswith("sla"):
            obj.docstring.value = link_roles(obj, fence_examples(obj.docstring.value))
