"""Small, dependency-free SVG charts for the HTML report.

The charts are plain inline SVG (no JavaScript, no network), so a report
opens anywhere, prints well and can be checked by a test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

__all__ = ["bar_chart", "line_chart"]

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777")

_W, _H = 640, 300
# Inline, so a chart stands alone (in a docs page or an e-mail) as well as in the report.
_STYLE = (
    "<style>.plot{fill:#fff;stroke:#d1d5db}.grid{stroke:#eef2f7}"
    ".reference{stroke:#6b7280;stroke-dasharray:5 4}"
    ".tick,.legend{font:11px sans-serif;fill:#4b5563}.axis-label{font:12px sans-serif;fill:#374151}"
    ".chart-title{font:600 14px sans-serif;fill:#111827}</style>"
)
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 50, 48


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (Heckbert's "nice numbers")."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _frame(title: str, x_label: str, y_label: str, body: list[str], legend: list[str]) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_W} {_H}" '
        f'width="{_W}" height="{_H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        _STYLE,
        f'<text x="{_W / 2}" y="20" text-anchor="middle" class="chart-title">'
        f"{escape(title)}</text>",
        f'<text x="{_W / 2}" y="{_H - 8}" text-anchor="middle" class="axis-label">'
        f"{escape(x_label)}</text>",
        f'<text x="14" y="{_H / 2}" text-anchor="middle" class="axis-label" '
        f'transform="rotate(-90 14 {_H / 2})">{escape(y_label)}</text>',
        *body,
        *legend,
        "</svg>",
    ]
    return "\n".join(parts)


def _plot_area(
    ticks: Sequence[float], sy: Callable[[float], float], y_format: Callable[[float], str]
) -> list[str]:
    """The plot's frame with a grid line and a label for each y tick."""
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    body = [f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" class="plot"/>']
    for tick in ticks:
        y = sy(tick)
        body.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        body.append(
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{escape(y_format(tick))}</text>"
        )
    return body


def line_chart(
    series: Mapping[str, Sequence[tuple[float, float]]],
    *,
    title: str,
    x_label: str = "",
    y_label: str = "",
    y_format: Callable[[float], str] = lambda v: f"{v:g}",
    x_format: Callable[[float], str] = lambda v: f"{v:g}",
    y_range: tuple[float, float] | None = None,
    reference: tuple[float, str] | None = None,
    marker: tuple[float, str] | None = None,
) -> str:
    """A line chart of one or more named series of ``(x, y)`` points.

    ``reference`` draws a dashed horizontal line (e.g. a target of 0.80);
    ``marker`` a dashed vertical one at an x value (e.g. the agents chosen).
    """
    points = [p for values in series.values() for p in values]
    if not points:
        return _frame(title, x_label, y_label, ['<text x="320" y="150">no data</text>'], [])
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if marker is not None:
        xs.append(marker[0])
    if reference is not None:
        ys.append(reference[0])
    x_lo, x_hi = min(xs), max(xs)
    if x_hi == x_lo:
        x_hi = x_lo + 1
    y_ticks = _nice_ticks(*(y_range or (min(ys), max(ys))))
    y_lo, y_hi = y_ticks[0], y_ticks[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def sx(x: float) -> float:
        return _LEFT + (x - x_lo) / (x_hi - x_lo) * plot_w

    def sy(y: float) -> float:
        return _TOP + plot_h - (y - y_lo) / (y_hi - y_lo) * plot_h

    body = _plot_area(y_ticks, sy, y_format)
    for tick in _nice_ticks(x_lo, x_hi, 6):
        if x_lo <= tick <= x_hi:
            x = sx(tick)
            body.append(
                f'<text x="{x:.1f}" y="{_TOP + plot_h + 16}" text-anchor="middle" class="tick">'
                f"{escape(x_format(tick))}</text>"
            )
    if reference is not None:
        y = sy(reference[0])
        body.append(
            f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="reference"/>'
        )
        body.append(
            f'<text x="{_W - _RIGHT - 4}" y="{y - 4:.1f}" text-anchor="end" class="tick">'
            f"{escape(reference[1])}</text>"
        )
    if marker is not None:
        x = sx(marker[0])
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_TOP}" y2="{_TOP + plot_h}" '
            f'class="reference marker"/>'
        )
        body.append(
            f'<text x="{x + 4:.1f}" y="{_TOP + 14}" class="tick">{escape(marker[1])}</text>'
        )
    legend = []
    for i, (name, values) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" '
            f'class="series"><title>{escape(name)}</title></polyline>'
        )
        for x, y in values:
            body.append(
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{color}">'
                f"<title>{escape(name)}: {escape(x_format(x))}, {escape(y_format(y))}</title>"
                "</circle>"
            )
        legend.append(
            f'<rect x="{_LEFT + 8 + 130 * i}" y="{_TOP - 18}" width="10" height="10" '
            f'fill="{color}"/><text x="{_LEFT + 22 + 130 * i}" y="{_TOP - 9}" class="legend">'
            f"{escape(name)}</text>"
        )
    return _frame(title, x_label, y_label, body, legend)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    y_label: str = "",
    y_format: Callable[[float], str] = lambda v: f"{v:g}",
) -> str:
    """A vertical bar chart; negative values hang below the zero line in red."""
    if not bars:
        return _frame(title, "", y_label, ['<text x="320" y="150">no data</text>'], [])
    values = [v for _, v in bars]
    ticks = _nice_ticks(min(0.0, *values), max(0.0, *values))
    lo, hi = ticks[0], ticks[-1]
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def sy(y: float) -> float:
        return _TOP + plot_h - (y - lo) / (hi - lo) * plot_h

    body = _plot_area(ticks, sy, y_format)
    slot = plot_w / len(bars)
    width = slot * 0.6
    zero = sy(0.0)
    for i, (label, value) in enumerate(bars):
        x = _LEFT + slot * i + (slot - width) / 2
        top, bottom = sorted((sy(value), zero))
        color = PALETTE[0] if value >= 0 else PALETTE[1]
        body.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
            f'height="{max(bottom - top, 0.5):.1f}" fill="{color}" class="bar">'
            f"<title>{escape(label)}: {escape(y_format(value))}</title></rect>"
        )
        body.append(
            f'<text x="{x + width / 2:.1f}" y="{_TOP + plot_h + 16}" text-anchor="middle" '
            f'class="tick">{escape(label)}</text>'
        )
    return _frame(title, "", y_label, body, [])
