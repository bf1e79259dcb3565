"""A self-contained HTML report page: inline CSS, inline SVG, a few lines of JS.

Nothing is loaded from the network, so the file opens offline and can be
mailed around. Tables marked sortable get click-to-sort headers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from html import escape
from pathlib import Path

import attrs

__all__ = ["Cell", "Link", "Report"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2937;background:#f8fafc}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
p.lead{color:#4b5563;margin-top:0}
nav a{margin-right:14px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 14px;min-width:150px}
.card .value{font-size:20px;font-weight:600}.card .label{color:#6b7280;font-size:12px}
table{border-collapse:collapse;background:#fff;margin:8px 0 16px;width:100%}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
@media (max-width:600px){.scroll th,.scroll td{white-space:nowrap}}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9;cursor:default} table.sortable th{cursor:pointer}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"} table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
table.sla-invoice td.amount,table.sla-invoice th.amount,table.sla-invoice td:nth-child(3),table.sla-invoice th:nth-child(3){text-align:right;font-variant-numeric:tabular-nums}
table.sla-invoice tr.credit td{color:#b91c1c} table.sla-invoice caption{text-align:left;font-weight:600;padding:4px 0}
.notes{background:#fffbeb;border:1px solid #fcd34d;border-radius:8px;padding:8px 14px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fef2f2} tr.good td{background:#f0fdf4}
.charts{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{background:#fff;border:1px solid #e5e7eb;border-radius:8px;max-width:100%;height:auto}
svg .plot{fill:#fff;stroke:#d1d5db} svg .grid{stroke:#eef2f7} svg .reference{stroke:#6b7280;stroke-dasharray:5 4}
svg .tick,svg .legend{font-size:11px;fill:#4b5563} svg .axis-label{font-size:12px;fill:#374151}
svg .chart-title{font-size:14px;font-weight:600;fill:#111827}
details{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:6px 10px;margin:4px 0}
pre{white-space:pre-wrap;font-size:12px}
footer{color:#6b7280;font-size:12px;margin-top:32px}
"""

_JS = """
function slaKey(cell) {
  var raw = cell.getAttribute('data-sort');
  var text = (raw === null ? cell.textContent : raw).trim();
  var plain = text.replace(/,/g, '').replace(/%$/, '');
  if (/^[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?$/i.test(plain)) { return {n: parseFloat(plain), t: text}; }
  return {n: null, t: text};
}
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, index) {
    th.setAttribute('title', 'Sort by ' + th.textContent);
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      rows.sort(function (a, b) {
        var x = slaKey(a.cells[index]), y = slaKey(b.cells[index]);
        // Numbers before text ("never", "-"), whichever the direction.
        if ((x.n === null) !== (y.n === null)) { return x.n === null ? 1 : -1; }
        var c = x.n !== null ? x.n - y.n : x.t.localeCompare(y.t);
        return asc ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      table.querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    });
  });
});
// A link to a collapsed explanation opens it.
function slaOpen() {
  var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (target && target.tagName === 'DETAILS') { target.open = true; }
}
window.addEventListener('hashchange', slaOpen);
slaOpen();
"""


@attrs.define
class Report:
    """Builds one HTML page section by section.

    >>> page = Report("Demo").heading("Numbers").table(["a"], [["1"]]).html()
    >>> "<table" in page and "Demo" in page
    True
    """

    title: str
    subtitle: str = ""
    _parts: list[str] = attrs.field(factory=list)
    _nav: list[tuple[str, str]] = attrs.field(factory=list)

    def heading(self, text: str, *, anchor: str | None = None) -> Report:
        ident = anchor or "s" + str(len(self._nav) + 1)
        self._nav.append((ident, text))
        self._parts.append(f'<h2 id="{escape(ident)}">{escape(text)}</h2>')
        return self

    def paragraph(self, text: str) -> Report:
        self._parts.append(f"<p>{escape(text)}</p>")
        return self

    def cards(self, items: Sequence[tuple[str, str]]) -> Report:
        cells = "".join(
            f'<div class="card"><div class="value">{escape(value)}</div>'
            f'<div class="label">{escape(label)}</div></div>'
            for label, value in items
        )
        self._parts.append(f'<div class="cards">{cells}</div>')
        return self

    def notes(self, lines: Sequence[str]) -> Report:
        """Caveats the reader must see before trusting the numbers."""
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        self._parts.append(f'<div class="notes"><strong>Note</strong><ul>{items}</ul></div>')
        return self

    def charts(self, *svgs: str) -> Report:
        """Add trusted SVG markup produced by :mod:`sla.report._svg`."""
        self._parts.append('<div class="charts">' + "".join(svgs) + "</div>")
        return self

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        numeric: Sequence[int] = (),
        row_classes: Sequence[str] | None = None,
        row_ids: Sequence[str] | None = None,
        sortable: bool = False,
        caption: str = "",
    ) -> Report:
        num = set(numeric)
        head = "".join(
            f"<th{' class=num' if i in num else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
        )
        body = []
        for r, row in enumerate(rows):
            cls = f' class="{escape(row_classes[r])}"' if row_classes and row_classes[r] else ""
            ident = f' id="{escape(row_ids[r])}"' if row_ids and row_ids[r] else ""
            cells = "".join(
                f"<td{' class=num' if i in num else ''}{_sort(value)}>{_cell(value)}</td>"
                for i, value in enumerate(row)
            )
            body.append(f"<tr{cls}{ident}>{cells}</tr>")
        cap = f"<caption>{escape(caption)}</caption>" if caption else ""
        klass = ' class="sortable"' if sortable else ""
        self._parts.append(
            f'<div class="scroll"><table{klass}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )
        return self

    def details(self, summary: str, text: str, *, anchor: str | None = None) -> Report:
        ident = f' id="{escape(anchor)}"' if anchor else ""
        self._parts.append(
            f"<details{ident}><summary>{escape(summary)}</summary><pre>{escape(text)}</pre></details>"
        )
        return self

    def raw(self, trusted_html: str) -> Report:
        """Add trusted HTML (e.g. an invoice rendered by `sla.pricing`)."""
        self._parts.append(trusted_html)
        return self

    def html(self) -> str:
        nav = "".join(f'<a href="#{escape(i)}">{escape(t)}</a>' for i, t in self._nav)
        sub = f'<p class="lead">{escape(self.subtitle)}</p>' if self.subtitle else ""
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(self.title)}</title><style>{_CSS}</style></head><body><main>"
            f"<h1>{escape(self.title)}</h1>{sub}<nav>{nav}</nav>{''.join(self._parts)}"
            "<footer>Generated by sla. Self-contained: no network needed to view.</footer>"
            f"</main><script>{_JS}</script></body></html>\n"
        )

    def write(self, path: str | Path) -> Path:
        """Write the page atomically (a temp file renamed into place).

        On failure no temp file is left behind and ``path`` is untouched.

        :raises OSError: when the directory is missing or not writable.
        """
        return write_atomically(Path(path), self.html())


def write_atomically(target: Path, text: str) -> Path:
    """Write ``text`` to ``target`` through a temp file in the same directory, renamed
    into place: readers see the old file or the new one, never half of one."""
    import os
    import tempfile

    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return target


class Cell:
    """A table cell shown as ``text`` but sorted by ``sort`` (a number or ISO instant)."""

    __slots__ = ("sort", "text")

    def __init__(self, text: str, sort: object) -> None:
        self.text = text
        self.sort = sort


class Link:
    """A table cell that links to an anchor in the page."""

    __slots__ = ("href", "text")

    def __init__(self, text: str, href: str) -> None:
        self.text = text
        self.href = href


def _cell(value: object) -> str:
    if isinstance(value, Link):
        return f'<a href="{escape(value.href)}">{escape(value.text)}</a>'
    if isinstance(value, Cell):
        return escape(value.text)
    return escape("" if value is None else str(value))


def _sort(value: object) -> str:
    """The ``data-sort`` attribute: what the click-to-sort script compares."""
    if isinstance(value, Cell):
        return f' data-sort="{escape(str(value.sort))}"'
    if isinstance(value, Link) and value.text.isdigit():
        return f' data-sort="{escape(value.text)}"'
    return ""
