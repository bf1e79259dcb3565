"""Explainable figures: numbers that can show the formula, inputs and steps behind them."""

from __future__ import annotations

from collections.abc import Callable

from sla._explain import Explanation, explanation

__all__ = ["Count", "Explanation", "Figure", "explanation"]


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
