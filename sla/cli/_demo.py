"""``sla demo``: the worked example on bundled data."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sla.cli._app import app, console
from sla.money import Money


def _money_section() -> None:
    console.rule("[bold]Exact money")
    rate = Money("0.0125", "USD")
    minutes = 1234
    usage = rate * minutes
    table = Table("what", "value", "note")
    table.add_row("per-minute rate", str(rate), "sub-minor precision is kept")
    table.add_row(f"{minutes} minutes", str(usage), "exact product, not yet rounded")
    table.add_row("invoice line", str(usage.rounded()), "rounded once, half-even")
    fee = Money("1000.00", "EUR")
    parts = fee.allocate([50, 30, 20, 0])
    table.add_row(
        "EUR 1000 by 50/30/20/0", ", ".join(str(p) for p in parts), "parts sum to the total"
    )
    thirds = Money("100.00", "USD").split(3)
    table.add_row("USD 100 in 3", ", ".join(str(p) for p in thirds), "remainder to the first")
    table.add_row("de_DE format", Money("1234.5", "EUR").format(locale="de_DE"), "babel / CLDR")
    table.add_row(
        "ja_JP format", Money("1234", "JPY").format(locale="ja_JP"), "JPY has 0 minor units"
    )
    console.print(table)


@app.command()
def demo(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Run the worked example on bundled example data."""
    if json_output:
        import json

        fee = Money("1000.00", "EUR")
        payload = {
            "money": {
                "usage": (Money("0.0125", "USD") * 1234).to_dict(),
                "allocation": [p.to_dict() for p in fee.allocate([50, 30, 20, 0])],
            }
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    _money_section()
