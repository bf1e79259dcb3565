"""A tiny document model and its two renderers (Markdown, HTML), each escaping user text.

Renderers never see raw markup from a contract: every string is text, escaped
for the output format, so a customer named ``<script>`` or ``*ACME*`` renders as
written.
"""

from __future__ import annotations

import html
import re

import attrs

__all__ = ["Bullets", "Heading", "Paragraph", "TableBlock", "to_html", "to_markdown"]


@attrs.frozen(slots=True)
class Heading:
    level: int
    text: str


@attrs.frozen(slots=True)
class Paragraph:
    text: str


@attrs.frozen(slots=True)
class Bullets:
    items: tuple[str, ...]


@attrs.frozen(slots=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | TableBlock

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown punctuation; newlines become spaces."""
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A leading "-", "1." or "=" would start a list or heading.
    text = re.sub(r"^(\d+)\.", r"\1\\.", text)
    return re.sub(r"^([-=#+])", r"\\\1", text)


def to_markdown(blocks: list[Block]) -> str:
    """Markdown text of ``blocks``."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + md_escape(block.text))
        elif isinstance(block, Paragraph):
            out.append(md_escape(block.text))
        elif isinstance(block, Bullets):
            out.append("\n".join("- " + md_escape(item) for item in block.items))
        else:
            out.append("| " + " | ".join(md_escape(h) for h in block.header) + " |")
            out[-1] += "\n|" + "---|" * len(block.header)
            for row in block.rows:
                out[-1] += "\n| " + " | ".join(md_escape(c) for c in row) + " |"
    return "\n\n".join(out) + "\n"


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;line-height:1.45}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}"
)


def to_html(blocks: list[Block], title: str) -> str:
    """A standalone HTML page of ``blocks``."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out.append(f"<h{level}>{e(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p>{e(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
        else:
            head = "".join(f"<th>{e(h)}</th>" for h in block.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
