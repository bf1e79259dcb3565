"""The API reference's docstring conventions render (tools/griffe_sla.py, used by mkdocs.yml)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("griffe")
sys.path.insert(0, str(ROOT / "tools"))
from griffe_sla import fence_examples  # noqa: E402

DOCSTRING = """An amount.

>>> 1 + 1
2
>>> print("a")
a

Raises :class:`~sla.MoneyError` for floats."""


def test_examples_become_pycon_code_blocks() -> None:
    out = fence_examples(DOCSTRING)
    assert out.split("\n")[1:8] == [
        "",
        "```pycon",
        ">>> 1 + 1",
        "2",
        '>>> print("a")',
        "a",
        "```",
    ]


def test_existing_fences_are_left_alone() -> None:
    text = "```python\n>>> x\n```"
    assert fence_examples(text) == text


def test_mkdocs_uses_the_extension() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "tools/griffe_sla.py:SlaDocstrings" in config
