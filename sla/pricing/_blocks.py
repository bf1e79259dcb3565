"""Kill Bill's tiered blocks: each tier sells blocks of a size, up to a maximum number.

A :class:`BlockTier` sells blocks of ``size`` units at ``price`` each, at most
``max_blocks`` of them (``None``: no limit, the last tier). Usage fills the
tiers in order; a started block is a whole block. Two policies, as Kill Bill's
catalog names them (``tierBlockPolicy``):

* ``"all_tiers"``: every tier bills the blocks its part of the usage starts;
* ``"top_tier"``: all the usage is billed in blocks of the tier it ends in.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Literal, TypeAlias

import attrs
import numpy as np

from sla._errors import Problem
from sla._explain import Explanation
from sla._types import NumberText
from sla.money import Currency, Money
from sla.pricing._common import (
    CTX,
    ZERO,
    Step,
    converter_problems,
    decimal_field,
    explained,
    fmt,
    items,
    money_problems,
    optional_decimal_field,
    raise_problems,
    round_quantity,
    to_decimal,
    total_of,
)
from sla.pricing._vector import Column, Scaled, digits, div_round, money_digits, scaled, widen

__all__ = ["BlockPolicy", "BlockTier", "Blocks"]

BlockPolicy: TypeAlias = Literal["all_tiers", "top_tier"]


@attrs.frozen
class BlockTier:
    """Blocks of ``size`` units at ``price`` each, at most ``max_blocks`` (``None``: no limit)."""

    size: Decimal = attrs.field(converter=decimal_field("size"))  # type: ignore[misc]
    price: Money
    max_blocks: Decimal | None = attrs.field(
        default=None,
        converter=optional_decimal_field("max_blocks"),  # type: ignore[misc]
    )

    def __attrs_post_init__(self) -> None:
        problems, bad = converter_problems(self)
        problems.extend(money_problems(("price", self.price)))
        if "size" not in bad and self.size <= 0:
            problems.append(Problem("size", "a block size must be positive"))
        whole = self.max_blocks is None or (
            self.max_blocks > 0 and self.max_blocks == self.max_blocks.to_integral_value()
        )
        if "max_blocks" not in bad and not whole:
            problems.append(Problem("max_blocks", "must be a positive whole number"))
        if isinstance(self.price, Money) and self.price.amount < 0:
            problems.append(Problem("price", f"{self.price} is negative"))
        raise_problems(problems, "block tier")

    @property
    def capacity(self) -> Decimal | None:
        """Units the tier holds (``None``: unlimited)."""
        return None if self.max_blocks is None else CTX.multiply(self.size, self.max_blocks)


def _block_tiers(value: Iterable[BlockTier]) -> tuple[BlockTier, ...]:
    result: tuple[BlockTier, ...] = items(value)
    return result


@attrs.frozen
class Blocks:
    """Tiered blocks, billed across ``"all_tiers"`` or at the ``"top_tier"`` reached.

    >>> tiers = [BlockTier(100, Money("1.50", "USD"), 10), BlockTier(1000, Money("10", "USD"))]
    >>> Blocks(tiers).charge(1_500)  # 10 blocks of 100, then 1 started block of 1,000
    Money('25.00', 'USD')
    >>> Blocks(tiers, "top_tier").charge(1_500)  # 2 started blocks of 1,000
    Money('20', 'USD')
    """

    tiers: tuple[BlockTier, ...] = attrs.field(converter=_block_tiers)
    policy: BlockPolicy = "all_tiers"

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        tiers: object = self.tiers
        if not isinstance(tiers, tuple) or not tiers:
            problems.append(Problem("tiers", f"need a list of BlockTier, got {tiers!r}"))
            tiers = ()
        assert isinstance(tiers, tuple)
        currencies = set()
        for i, tier in enumerate(tiers):
            if not isinstance(tier, BlockTier):
                problems.append(Problem(f"tiers[{i}]", f"expected a BlockTier, got {tier!r}"))
                continue
            currencies.add(tier.price.currency)
            last = i == len(tiers) - 1
            if last and tier.max_blocks is not None:
                problems.append(
                    Problem(f"tiers[{i}].max_blocks", "the last tier must have no maximum")
                )
            if not last and tier.max_blocks is None:
                problems.append(Problem(f"tiers[{i}].max_blocks", "only the last tier is open"))
        if len(currencies) > 1:
            problems.append(Problem("tiers", "mixed currencies"))
        if self.policy not in ("all_tiers", "top_tier"):
            problems.append(Problem("policy", f"'all_tiers' or 'top_tier', not {self.policy!r}"))
        raise_problems(problems, "tiered blocks")

    @property
    def currency(self) -> Currency:
        return self.tiers[0].price.currency

    @property
    def per_row(self) -> bool:
        return False

    def steps(self, quantity: NumberText) -> tuple[Step, ...]:
        q = to_decimal(quantity, "quantity")
        out = []
        left = q
        for i, tier in enumerate(self.tiers):
            capacity = tier.capacity
            used = left if capacity is None else min(left, capacity)
            if self.policy == "top_tier":
                if capacity is not None and q > self._start(i) + capacity:
                    continue
                used = q
            blocks = round_quantity(CTX.divide(used, tier.size), "up")
            out.append(
                Step(
                    f"tier {i + 1}: {fmt(blocks)} block(s) of {fmt(tier.size)}",
                    tier.price * blocks,
                    quantity=blocks,
                    unit_price=tier.price,
                )
            )
            left = CTX.subtract(left, used)
            if self.policy == "top_tier" or left <= 0:
                break
        return tuple(out)

    def _start(self, index: int) -> Decimal:
        """Units held by the tiers before ``index``."""
        return sum((t.capacity or ZERO for t in self.tiers[:index]), ZERO)

    def charge(self, quantity: NumberText) -> Money:
        return total_of(self.steps(quantity), self.currency)

    def explain(self, quantity: NumberText) -> Explanation:
        """:meth:`charge` explained tier by tier."""
        q = to_decimal(quantity, "quantity")
        return explained(f"tiered blocks ({self.policy})", q, self.steps(q), self.currency)

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        bounds = [b for t in self.tiers for b in (t.size, t.capacity) if b is not None]
        s = max([scale, *map(digits, bounds)])
        q = quantities * 10 ** (s - scale) if s > scale else quantities
        p = money_digits(*(t.price for t in self.tiers))
        prices = [scaled(t.price.amount, p) for t in self.tiers]
        q = widen(q, max(prices))
        total = np.zeros_like(q)
        if self.policy == "top_tier":
            done = np.zeros(len(q), dtype=bool)
            for i, tier in enumerate(self.tiers):
                capacity = tier.capacity
                here = ~done
                if capacity is not None:
                    here = here & (q <= scaled(self._start(i) + capacity, s))
                blocks = div_round(q, scaled(tier.size, s), "up")
                total = np.where(here, blocks * prices[i], total)
                done = done | here
            return total, p
        lower = 0
        for i, tier in enumerate(self.tiers):
            capacity = tier.capacity
            used = np.maximum(q - lower, 0)
            if capacity is not None:
                used = np.minimum(used, scaled(capacity, s))
                lower += scaled(capacity, s)
            total = total + div_round(used, scaled(tier.size, s), "up") * prices[i]
        return total, p
