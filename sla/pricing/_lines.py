"""Invoice lines: each rounded once, the exact amount kept for audit."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from sla.money import Currency, Money
from sla.pricing._common import Step
from sla.pricing._plans import LineKind, RawLine

__all__ = ["Line"]


@attrs.frozen(slots=True)
class Line:
    """One invoice line: ``amount`` rounded once, ``unrounded`` kept for audit."""

    kind: LineKind
    description: str
    amount: Money
    unrounded: Money
    charge: str | None = None
    quantity: Decimal | None = None
    steps: tuple[Step, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data; every amount and quantity as a string."""
        return {
            "kind": self.kind,
            "description": self.description,
            "charge": self.charge,
            "quantity": None if self.quantity is None else f"{self.quantity:f}",
            "amount": f"{self.amount.amount:f}",
            "unrounded": f"{self.unrounded.amount:f}",
            "steps": [s.to_dict() for s in self.steps],
        }


def _round(raw: RawLine, mode: str) -> Line:
    return Line(
        raw.kind,
        raw.description,
        raw.amount.rounded(mode),
        raw.amount,
        raw.charge,
        raw.quantity,
        raw.steps,
    )


def _round_pieces(raws: Sequence[RawLine], mode: str) -> list[Line]:
    """Round each line once; the pieces of one charge across phases round as a running total.

    The fee lines of one charge in several phases are rounded so that their sum is
    the rounded sum of their exact amounts: splitting a period never adds or loses
    a cent. A line alone in its group is rounded as it is.
    """
    lines: list[Line] = []
    running: dict[tuple[str | None, str], tuple[Money, Money]] = {}
    for raw in raws:
        if raw.kind not in ("fee", "proration") or raw.charge is None:
            lines.append(_round(raw, mode))
            continue
        key = (raw.charge, "fee")
        zero = Money.zero(raw.amount.currency)
        exact, billed = running.get(key, (zero, zero))
        exact = exact + raw.amount
        amount = exact.rounded(mode) - billed
        running[key] = (exact, billed + amount)
        line = _round(raw, mode)
        lines.append(attrs.evolve(line, amount=amount))
    return lines


def _sum(lines: Sequence[Line], currency: Currency) -> Money:
    return sum((line.amount for line in lines), Money.zero(currency))
