"""Routing: ordered rules, first match wins, an explicit fallback, or "unmatched".

:meth:`Router.analyse` checks a rule set exhaustively: contacts are grouped
into cells (channel × priority × one class per attribute value a rule
mentions, plus "any other value"), which is finite, so overlaps, unreachable
rules and unmatched contacts are found exactly, not by sampling.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import attrs

__all__ = ["OTHER", "Router", "RoutingAnalysis", "RoutingRule"]

#: The attribute class "a value no rule mentions (or no value at all)".
OTHER = "<other>"
_MAX_CELLS = 200_000


@attrs.frozen(slots=True)
class RoutingRule:
    """Send contacts matching every condition to ``tier``; empty conditions match all."""

    name: str
    tier: str
    channels: frozenset[str] = frozenset()
    priorities: frozenset[str] = frozenset()
    attributes: tuple[tuple[str, frozenset[str]], ...] = ()

    def matches(self, channel: str, priority: str, attributes: Mapping[str, object]) -> bool:
        """Whether a contact with these properties matches this rule."""
        if self.channels and channel not in self.channels:
            return False
        if self.priorities and priority not in self.priorities:
            return False
        for key, values in self.attributes:
            value = attributes.get(key)
            if value is None or str(value) not in values:
                return False
        return True

    def describe(self) -> str:
        """The conditions in words."""
        parts = []
        if self.channels:
            parts.append("channel in " + ", ".join(sorted(self.channels)))
        if self.priorities:
            parts.append("priority in " + ", ".join(sorted(self.priorities)))
        parts.extend(f"{k} in {', '.join(sorted(v))}" for k, v in self.attributes)
        return " and ".join(parts) or "every contact"


@attrs.frozen(slots=True)
class RoutingAnalysis:
    """What :meth:`Router.analyse` found; examples are ``(channel, priority, attributes)``."""

    unreachable: tuple[tuple[int, tuple[int, ...]], ...]
    overlaps: tuple[tuple[int, int, tuple[str, str, dict[str, str]]], ...]
    unmatched: tuple[tuple[str, str, dict[str, str]], ...]
    unmatched_count: int
    cells: int
    exhaustive: bool


@attrs.frozen(slots=True)
class Router:
    """Ordered rules and an optional fallback tier."""

    rules: tuple[RoutingRule, ...]
    fallback: str | None = None

    def route(
        self, channel: str, priority: str, attributes: Mapping[str, object]
    ) -> tuple[str, str] | None:
        """``(tier, rule name)`` of the first matching rule, the fallback, or ``None``."""
        for rule in self.rules:
            if rule.matches(channel, priority, attributes):
                return rule.tier, rule.name
        if self.fallback is not None:
            return self.fallback, "fallback"
        return None

    def _cells(
        self, channels: Sequence[str], priorities: Sequence[str]
    ) -> tuple[int, list[tuple[str, str, dict[str, str]]]]:
        """Every class of contact (empty when more than the exhaustive limit), and how many."""
        keys = sorted({k for rule in self.rules for k, _ in rule.attributes})
        mentioned = {key: set[str]() for key in keys}
        for rule in self.rules:
            for key, wanted in rule.attributes:
                mentioned[key] |= wanted
        classes = [[*sorted(mentioned[key]), OTHER] for key in keys]
        size = len(channels) * len(priorities)
        for values in classes:
            size *= len(values)
        if size > _MAX_CELLS:
            return size, []
        cells = [
            (c, p, dict(zip(keys, combo)))
            for c, p in itertools.product(channels, priorities)
            for combo in itertools.product(*classes)
        ]
        return size, cells

    def dead_ends(
        self,
        channels: Sequence[str],
        priorities: Sequence[str],
        offers: Mapping[str, frozenset[str]],
    ) -> dict[tuple[int, str], list[str]] | None:
        """Where routing reaches a tier that lacks the channel (so the contact ends
        :class:`~sla.contracts.Unmatched`): priorities by (rule index, channel), the
        fallback as index ``-1``. ``None`` when there are too many classes to check.
        ``offers`` maps a tier code to the channels it offers."""
        size, cells = self._cells(channels, priorities)
        if size > _MAX_CELLS:
            return None
        found: dict[tuple[int, str], list[str]] = {}
        for channel, priority, classes in cells:
            present = {k: v for k, v in classes.items() if v != OTHER}
            index = next(
                (i for i, r in enumerate(self.rules) if r.matches(channel, priority, present)),
                -1,
            )
            tier = self.rules[index].tier if index >= 0 else self.fallback
            if tier is None or tier not in offers or channel in offers[tier]:
                continue
            where = found.setdefault((index, channel), [])
            if priority not in where:
                where.append(priority)
        return found

    def analyse(self, channels: Sequence[str], priorities: Sequence[str]) -> RoutingAnalysis:
        """Find unreachable rules, partial overlaps and unmatched contacts, exactly."""
        size, cells = self._cells(channels, priorities)
        if size > _MAX_CELLS:
            return RoutingAnalysis((), (), (), 0, size, False)
        masks = [0] * len(self.rules)
        for index, (c, p, attrs_) in enumerate(cells):
            present = {k: v for k, v in attrs_.items() if v != OTHER}
            for r, rule in enumerate(self.rules):
                if rule.matches(c, p, present):
                    masks[r] |= 1 << index
        unreachable, overlaps = [], []
        taken = 0
        for j, mask in enumerate(masks):
            if mask & ~taken == 0:
                unreachable.append((j, tuple(i for i in range(j) if masks[i] & mask)))
            else:
                for i in range(j):
                    both = masks[i] & mask
                    if both and masks[i] & ~mask and mask & ~masks[i]:
                        overlaps.append((i, j, cells[_lowest(both)]))
            taken |= mask
        unmatched: list[tuple[str, str, dict[str, str]]] = []
        count = 0
        if self.fallback is None:
            left = ((1 << len(cells)) - 1) & ~taken
            count = left.bit_count()
            while left and len(unmatched) < 3:
                low = _lowest(left)
                unmatched.append(cells[low])
                left &= left - 1
        return RoutingAnalysis(
            tuple(unreachable), tuple(overlaps), tuple(unmatched), count, len(cells), True
        )


def _lowest(mask: int) -> int:
    return (mask & -mask).bit_length() - 1
