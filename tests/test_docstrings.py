"""Every docstring example of every module of ``sla`` runs (doctest), from the repository root."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
from types import ModuleType
from typing import Any

import pytest

import sla

# The optional integrations whose imports need extras that may be missing (pyspark).
OPTIONAL = {"sla.scale._spark": "pyspark"}


def _modules() -> list[str]:
    names = ["sla"]
    names += [info.name for info in pkgutil.walk_packages(sla.__path__, prefix="sla.")]
    return sorted(name for name in names if name != "sla.__main__")  # runs the command


def _home_globals(module: ModuleType, test: doctest.DocTest) -> dict[str, Any]:
    """The globals of the module that defines the object, as its author saw them.

    A public class or function reports its package (``sla.simulate.generate``), so
    doctest finds it in the package; its example may use names of its own module.
    """
    value: Any = module
    for part in test.name.removeprefix(module.__name__).strip(".").split("."):
        if part:
            value = getattr(value, part, None)
    if isinstance(value, property):
        value = value.fget
    functions = [value] if inspect.isfunction(value) else []
    if inspect.isclass(value):
        functions = [f for f in vars(value).values() if inspect.isfunction(f)]
    for function in functions:
        if function.__module__ == module.__name__ or module.__name__ in function.__globals__.get(
            "__name__", ""
        ):
            return {**vars(module), **function.__globals__}
    return dict(vars(module))


def _examples(module: ModuleType) -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = [test for test in finder.find(module, module.__name__) if test.examples]
    for test in tests:
        test.globs = _home_globals(module, test)
    return tests


MODULES = _modules()


def test_the_walk_finds_every_area() -> None:
    for area in ("calendar", "tiers", "contracts", "clocks", "economics", "pricing", "scale"):
        assert f"sla.{area}" in MODULES
    assert "sla._frames" in MODULES


def test_there_are_examples_to_run() -> None:
    count = sum(
        len(test.examples)
        for name in MODULES
        if name not in OPTIONAL
        for test in _examples(importlib.import_module(name))
    )
    assert count >= 35


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    if name in OPTIONAL:
        pytest.importorskip(OPTIONAL[name])
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in _examples(module):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
