"""Input checks that collect every problem before raising :class:`EconomicsError`."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

from sla._errors import EconomicsError, Problem, SLAError

__all__ = ["cap_share", "fraction", "number", "positive_duration", "raise_all"]

#: The most hours any calendar month has (31 days of 24 hours).
MONTH_HOURS_MAX = 744


def raise_all(problems: list[Problem], what: str) -> None:
    """Raise one error listing every problem, if there are any."""
    errors = [p for p in problems if p.severity == "error"]
    if len(errors) == 1 and len(problems) == 1:
        raise EconomicsError(errors[0].reason, field=errors[0].field)
    if problems:
        error = SLAError.from_problems(problems, what=what)
        raise EconomicsError(error.reason, field=error.field, problems=error.problems)


def number(value: object, field: str, problems: list[Problem], *, positive: bool = False) -> float:
    """A finite real number >= 0 (> 0 with ``positive``); records a problem otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        problems.append(Problem(field, f"expected a number, got {type(value).__name__}"))
        return 0.0
    if isinstance(value, Decimal) and value.is_snan():  # float() raises on a signaling NaN
        problems.append(Problem(field, f"must be a finite number, got {value!r}"))
        return 0.0
    result = float(value)
    if not math.isfinite(result) or result < 0 or (positive and result == 0):
        problems.append(Problem(field, f"must be {'> 0' if positive else '>= 0'}, got {value!r}"))
    return result


def fraction(
    value: object, field: str, problems: list[Problem], *, upper_open: bool = True
) -> float:
    """A share in [0, 1) (or [0, 1] with ``upper_open=False``)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        problems.append(Problem(field, f"expected a share between 0 and 1, got {value!r}"))
        return 0.0
    if isinstance(value, Decimal) and value.is_snan():  # float() raises on a signaling NaN
        problems.append(Problem(field, f"expected a share between 0 and 1, got {value!r}"))
        return 0.0
    result = float(value)
    top_ok = result < 1 if upper_open else result <= 1
    if not (math.isfinite(result) and result >= 0 and top_ok):
        bound = "1)" if upper_open else "1]"
        problems.append(Problem(field, f"must be in [0, {bound}, got {value!r}"))
    return result


def cap_share(value: object, field: str, problems: list[Problem]) -> float:
    """A ceiling share in (0, 1]: a cap of 0 % (no work at all) staffs nothing."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        problems.append(Problem(field, f"expected a share between 0 and 1, got {value!r}"))
        return 1.0
    result = float(value)
    if not (0 < result <= 1):
        problems.append(Problem(field, f"must be above 0 and at most 1, got {value!r}"))
        return 1.0
    return result


def target_share(value: object, field: str, problems: list[Problem]) -> float:
    """A target share in (0, 1): 1.0 would need infinitely many agents."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        problems.append(Problem(field, f"expected a share between 0 and 1, got {value!r}"))
        return 0.5
    result = float(value)
    if not (0 < result < 1):
        problems.append(Problem(field, f"must be strictly between 0 and 1, got {value!r}"))
    return result


def positive_duration(value: object, field: str, problems: list[Problem]) -> float:
    """A positive ``timedelta``, returned in seconds."""
    if not isinstance(value, timedelta):
        problems.append(
            Problem(field, f"expected a datetime.timedelta, got {type(value).__name__}")
        )
        return 1.0
    if value <= timedelta(0):
        problems.append(Problem(field, f"must be positive, got {value}"))
        return 1.0
    return value.total_seconds()
