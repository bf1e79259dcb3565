"""Money arithmetic, allocation and formatting: sla vs py-moneyed."""

from __future__ import annotations

from decimal import Decimal

from benchmarks._runner import Result, compare
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

    # Allocation: py-moneyed has no allocate(); the usual recipe is to round
    # each share and put the remainder on the last part.
    weights = [50, 30, 20]

    def py_allocate() -> list[PyMoney]:
        total = pa.round(2)
        parts = [(total * w / sum(weights)).round(2) for w in weights]
        parts[-1] += total - sum(parts, PyMoney(0, "USD"))
        return parts

    results.append(
        compare(
            "money",
            "allocate 50/30/20",
            lambda: a.allocate(weights),
            {"py-moneyed (round + fix last)": py_allocate},
            check=lambda x, y: sum(x).amount == Decimal(str(sum(y, PyMoney(0, "USD")).amount)),
        )  # type: ignore[arg-type]
    )
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
