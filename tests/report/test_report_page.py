from __future__ import annotations

from pathlib import Path

from sla.report import Link, Report, bar_chart, line_chart
from tests.report.browser import assert_charts_rendered, render


def _page(tmp_path: Path) -> Path:
    report = Report("Test <report>", subtitle="escaping & charts")
    report.heading("Charts").charts(
        line_chart(
            {"A": [(1, 0.8), (2, 0.9)], "B": [(1, 0.7), (2, 0.75)]},
            title="Attainment",
            reference=(0.8, "target 80 %"),
        ),
        bar_chart([("A", 12.5), ("B", -3.0)], title="Margin"),
    )
    report.heading("Table").table(
        ["name", "value"], [["<b>x</b>", 1], [Link("y", "#s1"), 2]], numeric=[1], sortable=True
    )
    return report.write(tmp_path / "page.html")


def test_report_escapes_user_text(tmp_path: Path) -> None:
    html = _page(tmp_path).read_text(encoding="utf-8")
    assert "Test &lt;report&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
    assert 'href="#s1"' in html


def test_write_is_atomic(tmp_path: Path) -> None:
    path = _page(tmp_path)
    assert path.exists()
    assert not path.with_name(path.name + ".tmp").exists()


def test_charts_render_in_chromium_without_console_errors(tmp_path: Path) -> None:
    probes, console, shot = render(_page(tmp_path), tmp_path)
    assert_charts_rendered(probes, at_least=2)
    assert len(probes) == 2
    assert console == []
    assert shot.stat().st_size > 1000
