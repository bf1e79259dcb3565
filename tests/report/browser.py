"""Open an HTML file in headless Chromium (Debian's package) and read back what rendered."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1280,2400",
]

# Appended to a copy of the page: measures every inline SVG chart after layout
# and writes the result into the DOM, which --dump-dom then returns.
PROBE = """
<script>
window.addEventListener('load', function () {
  var sizes = Array.prototype.map.call(document.querySelectorAll('svg.chart'), function (svg) {
    var box = svg.getBBox(); var marks = svg.querySelectorAll('polyline, rect.bar, circle').length;
    return Math.round(box.width) + 'x' + Math.round(box.height) + ':' + marks;
  });
  document.body.setAttribute('data-probe', sizes.join(' '));
});
</script>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium is not installed")
    return found


def render(page: Path, workdir: Path) -> tuple[list[str], list[str], Path]:
    """Return (chart probes 'WxH:marks', console lines, screenshot path)."""
    exe = chromium()
    probed = workdir / ("probe-" + page.name)
    probed.write_text(page.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    profile = workdir / "chromium-profile"
    dom = subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", probed.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    match = re.search(r'data-probe="([^"]*)"', dom.stdout)
    probes = match.group(1).split() if match else []
    shot = workdir / (page.stem + ".png")
    subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return probes, console, shot


def assert_charts_rendered(probes: list[str], *, at_least: int) -> None:
    """Every probed chart has a real size and marks (lines, bars or points) on it."""
    assert len(probes) >= at_least
    for probe in probes:
        size, marks = probe.split(":")
        width, height = (int(v) for v in size.split("x"))
        assert width > 100
        assert height > 100
        assert int(marks) > 0
