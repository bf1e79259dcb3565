"""Money arithmetic, allocation and formatting: sla vs py-moneyed."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from benchmarks._runner import Result, Spread, compare, interleaved
from sla import Money


def run() -> list[Result]:
    from moneyed import Money as PyMoney
    from moneyed.l10n import format_money

    a, b = Money("1234.56", "USD"), Money("0.0125", "USD")
    pa, pb = PyMoney("1234.56", "USD"), PyMoney("0.0125", "USD")
    same = lambda x, y: Decimal(str(x.amount)) == Decimal(str(y.amount))  # noqa: E731
    results = [
        compare(
            "money",
            "construct from str",
            lambda: Money("1234.56", "USD"),
            {"py-moneyed": lambda: PyMoney("1234.56", "USD")},
            check=same,
        ),
        compare("money", "a + b", lambda: a + b, {"py-moneyed": lambda: pa + pb}, check=same),
        compare("money", "a * 3", lambda: a * 3, {"py-moneyed": lambda: pa * 3}, check=same),
        compare(
            "money",
            "a < b",
            lambda: a < b,
            {"py-moneyed": lambda: pa < pb},
            check=lambda x, y: x == y,
        ),
        compare(
            "money",
            "sum of 100",
            lambda: sum([a] * 100, Money.zero("USD")),
            {"py-moneyed": lambda: sum([pa] * 100, PyMoney(0, "USD"))},
            check=same,
        ),
    ]

    results.append(
        compare(
            "money",
            "format de_DE",
            lambda: a.format(locale="de_DE"),
            {"py-moneyed": lambda: format_money(pa, locale="de_DE")},
            check=lambda x, y: x == y,
        )
    )
    return results


CENT = Decimal("0.01")


def plain_minor_units(amount: Decimal, weights: list[int]) -> list[Decimal]:
    """Largest remainder on integer cents with plain Decimal: the strongest recipe."""
    units = int(amount.quantize(CENT).scaleb(2))
    total_weight = sum(weights)
    shares = [divmod(units * w, total_weight) for w in weights]
    parts = [q for q, _ in shares]
    left = units - sum(parts)
    for i in sorted(range(len(parts)), key=lambda i: -shares[i][1])[:left]:
        parts[i] += 1
    return [Decimal(p).scaleb(-2) for p in parts]


def plain_decimal_shares(amount: Decimal, weights: list[int]) -> list[Decimal]:
    """Largest remainder on Decimal shares (exact share, cut to cents, hand out the rest)."""
    total = amount.quantize(CENT)
    total_weight = sum(weights)
    exact = [total * w / total_weight for w in weights]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    remainders = [e - p for e, p in zip(exact, parts, strict=True)]
    left = int((total - sum(parts)) / CENT)
    for i in sorted(range(len(parts)), key=lambda i: -remainders[i])[:left]:
        parts[i] += CENT
    return parts


def run_spread() -> list[Spread]:
    """Money.allocate against plain-Decimal recipes and py-moneyed's usual recipe."""
    from moneyed import Money as PyMoney

    a = Money("1234.56", "USD")
    amount = Decimal("1234.56")
    pa = PyMoney("1234.56", "USD")
    spreads = []
    for weights in ([50, 30, 20], [1] * 7, [5, 3, 1, 1, 7, 2, 9, 4, 6, 8, 2, 3]):

        def py_allocate(weights: list[int] = weights) -> list[PyMoney]:
            # py-moneyed has no allocate(): round each share, put the rest on the last part.
            total = pa.round(2)
            parts = [(total * w / sum(weights)).round(2) for w in weights]
            parts[-1] += total - sum(parts, PyMoney(0, "USD"))
            return parts

        def same(ours: object, theirs: object) -> bool:
            assert isinstance(ours, list)
            assert isinstance(theirs, list)
            mine = [m.amount for m in ours]
            other = [getattr(t, "amount", t) for t in theirs]
            return mine == other or (
                # py-moneyed's recipe puts the rest on the last part: same total only.
                sum(mine) == sum(Decimal(str(x)) for x in other)
            )

        label = "/".join(map(str, weights)) if len(weights) <= 3 else f"{len(weights)} weights"
        spreads.append(
            interleaved(
                "money",
                f"allocate 1234.56 USD {label}",
                {
                    "sla": lambda w=weights: a.allocate(w),
                    "plain Decimal, integer cents": lambda w=weights: plain_minor_units(amount, w),
                    "plain Decimal, Decimal shares": lambda w=weights: plain_decimal_shares(
                        amount, w
                    ),
                    "py-moneyed (round + fix last)": py_allocate,
                },
                check=same,
            )
        )
    return spreads
