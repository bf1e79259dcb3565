"""``python -m sla`` runs the command line."""

from sla.cli import main

raise SystemExit(main())
