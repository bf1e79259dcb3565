"""The one explanation shape of the package: a computed value's formula, inputs and steps.

Every ``explain()`` in ``sla`` (clocks, economics, pricing) returns an
:class:`Explanation`: text for people (``str()``), data for programs (``as_dict()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

__all__ = ["Explanation", "explanation"]


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@attrs.frozen(slots=True)
class Explanation:
    """How a figure was computed: its formula, the inputs and the intermediate steps.

    ``str(explanation)`` renders it for people; the fields are there for programs.
    """

    name: str
    value: str
    formula: str
    inputs: tuple[tuple[str, str], ...] = ()
    steps: tuple[str, ...] = ()

    def __str__(self) -> str:
        lines = [f"{self.name} = {self.value}", f"  formula: {self.formula}"]
        if self.inputs:
            lines.append("  inputs:")
            lines.extend(f"    {key} = {value}" for key, value in self.inputs)
        if self.steps:
            lines.append("  steps:")
            lines.extend(f"    {step}" for step in self.steps)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        """The explanation as plain data (JSON-ready)."""
        return {
            "name": self.name,
            "value": self.value,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "steps": list(self.steps),
        }


def explanation(
    name: str,
    value: object,
    formula: str,
    inputs: Mapping[str, object] | None = None,
    steps: Iterable[str] = (),
) -> Explanation:
    """Build an :class:`Explanation`, rendering values as text."""
    pairs = tuple((k, _fmt(v)) for k, v in (inputs or {}).items())
    return Explanation(name, _fmt(value), formula, pairs, tuple(steps))


# Public as ``sla.Explanation`` (re-exported lazily by ``sla``), whichever package imports it first.
Explanation.__module__ = "sla"
