"""Self-contained HTML reports with inline SVG charts."""

from sla.report._html import Link, Report
from sla.report._svg import bar_chart, line_chart

__all__ = ["Link", "Report", "bar_chart", "line_chart"]
