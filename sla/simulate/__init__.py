"""Realistic, seeded contact traffic for demos, tests and benchmarks."""

from sla._public import publish
from sla.simulate._table import Column, ColumnTable
from sla.simulate._traffic import (
    DEFAULT_INTRADAY,
    DEFAULT_WEEKLY,
    TierTraffic,
    Traffic,
    default_tiers,
    generate,
)

__all__ = [
    "DEFAULT_INTRADAY",
    "DEFAULT_WEEKLY",
    "Column",
    "ColumnTable",
    "TierTraffic",
    "Traffic",
    "default_tiers",
    "generate",
]

publish(globals())
