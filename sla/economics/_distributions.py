"""Distributions of handle time and patience for the simulation engine.

A :class:`Distribution` is a shape plus, optionally, its mean: without a mean
it takes the queue's own (the AHT for handle times, the mean patience for
patience), so ``Distribution.fixed()`` reads "patience of fixed length, same
mean". All draws come from one seeded ``numpy.random.Generator``, vectorized.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError, Problem
from sla.economics._check import number, positive_duration, raise_all

__all__ = ["Distribution"]

Kind = Literal["exponential", "lognormal", "fixed", "empirical"]
Floats = npt.NDArray[np.float64]


@attrs.frozen
class Distribution:
    """A distribution of durations: exponential, lognormal (mean and CV), fixed or empirical.

    Build one with :meth:`exponential`, :meth:`lognormal`, :meth:`fixed` or
    :meth:`empirical`. ``mean=None`` means "the queue's mean" (AHT or patience).

    >>> Distribution.lognormal(cv=1.5).describe(180.0)
    'lognormal, mean 180 s, CV 1.5'
    """

    kind: Kind
    mean: timedelta | None = None
    cv: float = 1.0
    #: Observed durations in seconds (empirical only).
    samples: tuple[float, ...] = ()

    @classmethod
    def exponential(cls, mean: timedelta | None = None) -> Distribution:
        """Memoryless durations (the Erlang formulas' assumption)."""
        return cls._checked("exponential", mean, 1.0, ())

    @classmethod
    def lognormal(cls, cv: float, mean: timedelta | None = None) -> Distribution:
        """Right-skewed durations with coefficient of variation ``cv`` (> 0)."""
        return cls._checked("lognormal", mean, cv, ())

    @classmethod
    def fixed(cls, mean: timedelta | None = None) -> Distribution:
        """Every duration exactly ``mean`` (deterministic; CV 0)."""
        return cls._checked("fixed", mean, 0.0, ())

    @classmethod
    def empirical(cls, samples: Iterable[timedelta | float]) -> Distribution:
        """Resample observed durations (``timedelta`` or seconds), with replacement."""
        problems: list[Problem] = []
        values: list[float] = []
        for i, item in enumerate(samples):
            if isinstance(item, timedelta):
                values.append(item.total_seconds())
                if item < timedelta(0):
                    problems.append(Problem(f"samples[{i}]", f"must be >= 0, got {item}"))
            else:
                values.append(number(item, f"samples[{i}]", problems))
        if not values:
            problems.append(Problem("samples", "needs at least one observed duration"))
        elif not problems and sum(values) <= 0:
            problems.append(Problem("samples", "every observed duration is 0"))
        raise_all(problems, "empirical distribution")
        return cls("empirical", None, _cv(values), tuple(values))

    @classmethod
    def _checked(
        cls, kind: Kind, mean: timedelta | None, cv: float, samples: tuple[float, ...]
    ) -> Distribution:
        problems: list[Problem] = []
        if mean is not None:
            positive_duration(mean, "mean", problems)
        if kind == "lognormal":
            number(cv, "cv", problems, positive=True)
        raise_all(problems, f"{kind} distribution")
        return cls(kind, mean, float(cv), samples)

    def mean_seconds(self, default: float) -> float:
        """The mean in seconds: its own, the samples' or ``default`` (the queue's)."""
        if self.kind == "empirical":
            return float(np.mean(self.samples))
        return default if self.mean is None else self.mean.total_seconds()

    def draw(self, rng: np.random.Generator, size: int, default_mean: float) -> Floats:
        """``size`` durations in seconds."""
        m = self.mean_seconds(default_mean)
        if self.kind == "exponential":
            return rng.exponential(m, size)
        if self.kind == "fixed":
            return np.full(size, m)
        if self.kind == "lognormal":
            sigma2 = math.log1p(self.cv * self.cv)
            return rng.lognormal(math.log(m) - sigma2 / 2.0, math.sqrt(sigma2), size)
        data = np.asarray(self.samples, dtype=np.float64)
        return data[rng.integers(0, data.size, size)]

    def describe(self, default_mean: float) -> str:
        """One line for explanations: shape, mean and spread."""
        m = self.mean_seconds(default_mean)
        if self.kind == "lognormal":
            return f"lognormal, mean {m:.6g} s, CV {self.cv:.6g}"
        if self.kind == "empirical":
            return f"empirical ({len(self.samples)} samples), mean {m:.6g} s, CV {self.cv:.3g}"
        return f"{self.kind}, mean {m:.6g} s"


def _cv(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return float(np.std(values) / mean) if mean > 0 else 0.0


def as_distribution(value: Distribution | timedelta | None, field: str) -> Distribution | None:
    """Accept a :class:`Distribution`, a mean (exponential) or ``None``."""
    if value is None or isinstance(value, Distribution):
        return value
    if isinstance(value, timedelta):
        return Distribution.exponential(value)
    raise EconomicsError(
        f"expected a Distribution or a timedelta, got {type(value).__name__}", field=field
    )
