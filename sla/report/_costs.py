"""The demo's business data: hour rates, fixed costs, shifts, queues and traffic, from a file.

``sla demo --costs FILE`` reads a YAML file shaped like the bundled
``examples/demo/costs.yaml``; every value a user may want to change lives
there, none in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import yaml

from sla._errors import SLAError
from sla.money import Money

__all__ = ["DemoCosts", "TierCosts", "default_costs_path", "load_costs"]


def default_costs_path() -> Path:
    """The bundled copy of ``examples/demo/costs.yaml``."""
    return Path(str(resources.files("sla") / "_data" / "demo" / "costs.yaml"))


@attrs.frozen
class TierCosts:
    """One tier's costs, roster rules, queues and generated traffic."""

    hour: Money
    shrinkage: Decimal
    fixed: dict[str, Money]
    bot_conversation: Money | None
    shift_lengths: tuple[timedelta, ...]
    starts_every: timedelta
    queues: tuple[dict[str, Any], ...]
    usage: dict[str, Any]
    traffic: dict[str, Any]


@attrs.frozen
class DemoCosts:
    """The whole file: a currency, an interval and the tiers."""

    currency: str
    interval: timedelta
    tiers: dict[str, TierCosts]


def _duration(value: object, field: str) -> timedelta:
    from sla.tiers._values import parse_duration

    try:
        return timedelta(seconds=parse_duration(value, field=field))
    except SLAError as error:
        raise SLAError(error.reason, field=field) from None


def _money(value: object, currency: str, field: str) -> Money:
    try:
        return Money(Decimal(str(value)), currency)
    except (InvalidOperation, SLAError):
        raise SLAError(f"expected an amount such as '12.30', got {value!r}", field=field) from None


def _mapping(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SLAError(f"expected a mapping, got {value!r}", field=field)
    return value


_DURATIONS = ("within", "respond_within", "handle_median", "answer_wait_mean",
              "first_response_median", "next_response_median", "customer_reply_median")  # fmt: skip


def _durations(data: Mapping[str, Any], field: str) -> dict[str, Any]:
    out = dict(data)
    for key in _DURATIONS:
        if key in out:
            out[key] = _duration(out[key], f"{field}.{key}")
    if "intraday" in out:
        out["intraday"] = tuple(out["intraday"])
    return out


def load_costs(path: Path | None = None) -> DemoCosts:
    """Read a demo costs file (default: the bundled example).

    :raises SLAError: naming the field (``tiers.A.hour``) of any bad value.
    """
    where = path or default_costs_path()
    try:
        data = yaml.safe_load(Path(where).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SLAError(f"cannot read {where}: {error}", field="--costs") from None
    top = _mapping(data, "costs")
    currency = str(top.get("currency", ""))
    interval = _duration(top.get("interval", "30m"), "interval")
    tiers: dict[str, TierCosts] = {}
    for code, raw in _mapping(top.get("tiers"), "tiers").items():
        f = f"tiers.{code}"
        tier = _mapping(raw, f)
        shifts = _mapping(tier.get("shifts"), f"{f}.shifts")
        lengths = shifts.get("lengths")
        if not isinstance(lengths, list) or not lengths:
            raise SLAError("give a list of shift lengths", field=f"{f}.shifts.lengths")
        try:
            shrinkage = Decimal(str(tier.get("shrinkage", "0")))
        except InvalidOperation:
            raise SLAError("expected a share such as 0.30", field=f"{f}.shrinkage") from None
        bot = tier.get("bot_conversation")
        queues = tier.get("queues")
        if not isinstance(queues, list) or not queues:
            raise SLAError("give at least one queue", field=f"{f}.queues")
        tiers[str(code)] = TierCosts(
            hour=_money(tier.get("hour"), currency, f"{f}.hour"),
            shrinkage=shrinkage,
            fixed={
                str(k): _money(v, currency, f"{f}.fixed.{k}")
                for k, v in _mapping(tier.get("fixed", {}), f"{f}.fixed").items()
            },
            bot_conversation=(
                None if bot is None else _money(bot, currency, f"{f}.bot_conversation")
            ),
            shift_lengths=tuple(
                _duration(v, f"{f}.shifts.lengths[{i}]") for i, v in enumerate(lengths)
            ),
            starts_every=_duration(shifts.get("starts_every", "30m"), f"{f}.shifts.starts_every"),
            queues=tuple(
                _durations(_mapping(q, f"{f}.queues[{i}]"), f"{f}.queues[{i}]")
                for i, q in enumerate(queues)
            ),
            usage=dict(_mapping(tier.get("usage"), f"{f}.usage")),
            traffic=_durations(_mapping(tier.get("traffic"), f"{f}.traffic"), f"{f}.traffic"),
        )
    return DemoCosts(currency, interval, tiers)
