from __future__ import annotations

import subprocess
import sys

import pytest

import sla


def test_every_exported_name_resolves() -> None:
    for name in sla.__all__:
        assert getattr(sla, name) is not None, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = sla.no_such_name  # type: ignore[attr-defined]


def test_import_is_light() -> None:
    # `import sla` must not pull in the heavy areas (numpy, pandas, the calendar engine, pydantic).
    heavy = ("numpy", "pandas", "sla.calendar", "sla.contracts")
    code = f"import sys, sla; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_errors_share_one_base() -> None:
    for name in sla.__all__:
        value = getattr(sla, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, sla.SLAError)
