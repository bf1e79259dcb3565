"""Regression tests from a review of the HTML report in a browser."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sla.report import Link, Report
from sla.report._html import Cell
from sla.report._month import MonthResult, run_month
from sla.report._render import BREACHES_SHOWN, month_report
from tests.report.browser import FLAGS, chromium

# Clicks a header (by its text) and writes the first column's order into the DOM.
CLICK = """
<script>
window.addEventListener('load', function () {
  var orders = [];
  ['{header}', '{header}'].forEach(function (name) {
    var th = Array.prototype.find.call(document.querySelectorAll('th'),
                                       function (h) { return h.textContent === name; });
    th.click();
    var rows = document.querySelectorAll('tbody tr');
    orders.push(Array.prototype.map.call(rows, function (r) {
      return r.cells[0].textContent;
    }).join(','));
  });
  document.body.setAttribute('data-orders', orders.join('|'));
});
</script>
"""


def _dom(page: Path, tmp_path: Path, *, fragment: str = "") -> str:
    exe = chromium()
    run = subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri() + fragment],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return run.stdout


def _sorted_page(tmp_path: Path, header: str) -> Path:
    report = Report("Sorting")
    report.table(
        ["id", "when", "amount", "break-even"],
        [
            # Dates all start with "2025": before the fix every row compared equal.
            ["a", Cell("2025-06-02 10:00 +0200", 1748851200), Cell("$1,308.00", "1308.00"),
             Cell("7m 11s", 431)],
            ["b", Cell("2025-06-02 08:00 +0200", 1748844000), Cell("$95.50", "95.50"),
             Cell("never", "")],
            ["c", Cell("2025-06-03 09:00 +0200", 1748934000), Cell("-$0.04", "-0.04"),
             Cell("3m 8s", 188)],
        ],
        sortable=True,
    )  # fmt: skip
    page = report.write(tmp_path / "sort.html")
    page.write_text(page.read_text() + CLICK.replace("{header}", header))
    return page


@pytest.mark.parametrize(
    ("header", "ascending", "descending"),
    [
        ("when", "b,a,c", "c,a,b"),
        ("amount", "c,b,a", "a,b,c"),  # not "1,308" read as 1 by parseFloat
        ("break-even", "c,a,b", "a,c,b"),  # "never" after the numbers either way
    ],
)
def test_sortable_tables_sort_by_value(
    tmp_path: Path, header: str, ascending: str, descending: str
) -> None:
    dom = _dom(_sorted_page(tmp_path, header), tmp_path)
    match = re.search(r'data-orders="([^"]*)"', dom)
    assert match is not None
    assert match.group(1).split("|") == [ascending, descending]


def test_a_link_to_a_breach_opens_its_explanation(tmp_path: Path) -> None:
    report = Report("Links").table(["contact"], [[Link("7", "#b0")]])
    report.details("Breach 1: contact 7", "due ... breach ...", anchor="b0")
    page = report.write(tmp_path / "links.html")
    closed = _dom(page, tmp_path)
    assert re.search(r'<details id="b0">', closed)
    opened = _dom(page, tmp_path, fragment="#b0")
    assert re.search(r'<details id="b0" open="">', opened)


@pytest.fixture(scope="module")
def leap_month() -> MonthResult:
    return run_month(month=date(2024, 2, 1), seed=3, scale=0.3)


def test_month_report_states_counts_currency_and_caveats(leap_month: MonthResult) -> None:
    html = month_report(leap_month).html()
    breached = int((leap_month.cycles["status"] == "breached").sum())
    shown = min(BREACHES_SHOWN, breached)
    # Before: "The first 200 breaches" above a table of 50 rows.
    assert f"The first {shown} of {breached:,} breached cycles" in html
    assert html.count('<details id="b') == shown
    # The invoiced card sums the tiers (one currency) and says which tier is which.
    totals = [t.invoice.total for t in leap_month.tiers.values()]
    total = sum(totals[1:], totals[0])
    assert f'<div class="value">{total.format()}</div>' in html
    assert "invoiced (A " in html
    currency = totals[0].currency.code
    assert f"Result of the month per tier ({currency})" in html
    # 2024-02 is before the example contracts take effect: the report says so.
    assert leap_month.notes
    assert '<div class="notes">' in html
    assert "ACME-A-2025" in html
    # Day 29 of the leap month is on the daily chart's data.
    assert any(day == 29.0 for t in leap_month.tiers.values() for s in t.daily.values()
               for day, _ in s)  # fmt: skip
    assert total.amount > Decimal(0)
