"""The report on a 390 px wide phone: the page never scrolls sideways; wide tables do."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sla.report._month import run_month
from sla.report._render import month_report
from tests.report.browser import FLAGS, chromium

PHONE_PROBE = """
<script>
window.addEventListener('load', function () {
  var wide = Array.prototype.filter.call(document.querySelectorAll('div.scroll'), function (d) {
    return d.scrollWidth > d.clientWidth;
  }).length;
  parent.postMessage(
    document.documentElement.scrollWidth + ' ' + window.innerWidth + ' ' + wide, '*');
});
</script>
"""

# Headless Chromium keeps windows at least 500 px wide: the report is shown in a
# 390 px frame instead, which is what its media queries and layout see.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="phone.html" width="390" height="844" style="border:0"></iframe>
<script>
window.addEventListener('message', function (e) {
  document.body.setAttribute('data-phone', e.data);
});
</script></body></html>
"""


def test_tables_scroll_inside_a_phone_screen(tmp_path: Path) -> None:
    exe = chromium()
    page = month_report(run_month()).write(tmp_path / "report.html")
    probed = tmp_path / "phone.html"
    probed.write_text(page.read_text(encoding="utf-8") + PHONE_PROBE, encoding="utf-8")
    frame = tmp_path / "frame.html"
    frame.write_text(FRAME, encoding="utf-8")
    dom = subprocess.run(
        [exe, *FLAGS, "--virtual-time-budget=10000", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", frame.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    match = re.search(r'data-phone="(\d+) (\d+) (\d+)"', dom.stdout)
    assert match, dom.stderr[-2000:]
    page_width, viewport, wide_tables = (int(v) for v in match.groups())
    assert viewport == 390
    assert page_width <= viewport  # the page itself never scrolls sideways
    assert wide_tables > 0  # the wide tables scroll in their own box instead
