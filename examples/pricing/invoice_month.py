"""Issue a month's invoice for a catalogue tier with service credits.

Run: python examples/pricing/invoice_month.py
"""

from __future__ import annotations

import pendulum

from sla.pricing import Attainment, BillingPeriod, catalogue_plan, invoice


def main() -> None:
    plan = catalogue_plan("A", {"name": "Acme, service class A", "tax_rate": "19%"})
    bill = invoice(
        plan,
        {"contacts.voice": 420, "premium_hours": "6.5"},
        [Attainment("speed_of_answer", "0.742", target="0.80", tier="A")],
        BillingPeriod.month(2024, 2, "Europe/Berlin"),
        start=pendulum.datetime(2024, 2, 10, tz="Europe/Berlin"),
    )
    print(bill.to_text())


if __name__ == "__main__":
    main()
