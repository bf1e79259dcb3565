"""The Dask recipe of docs/scale.md, saved as a file and run as a script.

Dask's worker processes import the main module again, so the recipe only
works pasted into a script if it guards its work with ``__main__``; this runs
it exactly so, in a fresh interpreter, with a time limit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sla.scale import read_report

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scale.md"
SCRIPT = re.compile(r"<!-- script:dask -->\n```python\n(.*?)^```", re.S | re.M)


def test_the_dask_recipe_runs_as_a_script(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    found = SCRIPT.search(DOCS.read_text(encoding="utf-8"))
    assert found is not None, "docs/scale.md lost its script block"
    script = tmp_path / "report.py"
    script.write_text(found.group(1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "'events_after_as_of': 0" in done.stdout
    report = read_report(tmp_path / "report.csv")
    assert report.equals(read_report(tmp_path / "report.parquet"))
    assert set(report["metric"]) == {"first_response", "speed_of_answer"}
