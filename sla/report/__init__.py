"""Self-contained HTML reports with inline SVG charts."""

from sla._public import publish
from sla.report._html import Cell, Link, Report
from sla.report._svg import bar_chart, line_chart

__all__ = ["Cell", "Link", "Report", "bar_chart", "line_chart"]

publish(globals())
