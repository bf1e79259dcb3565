"""Public names report their public module, as ``httpx/__init__.py`` does.

A class defined in ``sla.calendar._calendar`` and exported by ``sla.calendar``
shows as ``sla.calendar.Calendar`` in reprs, tracebacks, pickles and the docs.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

__all__ = ["publish"]


def publish(namespace: Mapping[str, object]) -> None:
    """Set ``__module__`` of the classes and functions a package exports to the package.

    Only names defined in one of the package's private modules (``pkg._x``)
    move; names re-exported from another package keep their own home.
    """
    package = str(namespace["__name__"])
    exported = namespace.get("__all__", ())
    assert isinstance(exported, list | tuple)
    for name in exported:
        value = namespace.get(name)  # lazily exported names are not there yet
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        home = value.__module__
        if home.startswith(f"{package}._") and home.count(".") == package.count(".") + 1:
            value.__module__ = package
