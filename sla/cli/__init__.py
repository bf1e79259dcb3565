"""The ``sla`` command line (installed as the ``sla`` console script)."""

from sla.cli._app import app, main

__all__ = ["app", "main"]
