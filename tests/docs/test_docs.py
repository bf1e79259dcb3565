"""Execute every ```python block of the docs, page by page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
README = DOCS.parent / "README.md"
PAGES = sorted(
    p for p in [*DOCS.rglob("*.md"), README] if BLOCK.search(p.read_text(encoding="utf-8"))
)


def test_docs_have_examples() -> None:
    assert any(p.name == "money.md" for p in PAGES)
    assert README in PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS.parent)))
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    text = page.read_text(encoding="utf-8")
    for number, match in enumerate(BLOCK.finditer(text), start=1):
        line = text.count("\n", 0, match.start()) + 2
        code = compile(match.group(1), f"{page.name}:block{number}@line{line}", "exec")
        exec(code, namespace)
