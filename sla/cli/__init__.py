"""The ``sla`` command line (installed as the ``sla`` console script)."""

from sla._public import publish
from sla.cli._app import app, main

__all__ = ["app", "main"]

publish(globals())
