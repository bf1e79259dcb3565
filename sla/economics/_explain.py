"""Explainable figures: numbers that can show the formula, inputs and steps behind them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import attrs

__all__ = ["Count", "Explanation", "Figure"]


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


class _Explained:
    """The shared half of :class:`Figure` and :class:`Count`: a lazily built explanation."""

    _explanation: Explanation | Callable[[], Explanation]

    def explain(self) -> Explanation:
        """The formula, inputs and intermediate steps behind this number."""
        if not isinstance(self._explanation, Explanation):
            self._explanation = self._explanation()
        return self._explanation


class Figure(_Explained, float):
    """A float that remembers how it was computed: ``figure.explain()``.

    It *is* a float (compare it, format it, put it in numpy); arithmetic on it
    returns plain floats.
    """

    def __new__(cls, value: float, why: Explanation | Callable[[], Explanation]) -> Figure:
        # ``why`` may be a callable: the explanation is then built only when asked for.
        self = super().__new__(cls, value)
        self._explanation = why
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Figure, (float(self), self.explain()))


class Count(_Explained, int):
    """An int (agents, FTE seats, clients) that remembers how it was computed."""

    def __new__(cls, value: int, why: Explanation | Callable[[], Explanation]) -> Count:
        # ``why`` may be a callable: the explanation is then built only when asked for.
        self = super().__new__(cls, value)
        self._explanation = why
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Count, (int(self), self.explain()))
