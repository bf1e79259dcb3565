from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def sla(tmp_path: Path) -> Callable[..., Run]:
    """Run the real ``sla`` entry point (``python -m sla``) in a temp directory."""

    def run(*args: str, cwd: Path | None = None) -> Run:
        proc = subprocess.run(
            [sys.executable, "-m", "sla", *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            timeout=300,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        )
        return Run(proc)

    return run
