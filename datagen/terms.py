"""支払条件 as the billing master writes it (締め日 and 支払サイト), and the few due dates keyed by hand.

The text follows the customer's simulated terms, so due dates agree with it; a few customers carry
a text no parser can read (都度協議), and a few manual invoices have a due date keyed later than
their terms give. Both come from the terms stream (`<seed>/terms/<billing id>`), so no other
draw changes.
"""

from __future__ import annotations

import random

from .masters import Customer

UNPARSEABLE_TERMS = "都度協議"


def payment_terms_text(c: Customer) -> str:
    """月末締め翌月末払い, 月末締め翌々月末払い, or 請求日から45日 (net days from the invoice date)."""
    if c.index % 50 == 7:
        return UNPARSEABLE_TERMS
    if c.month_end_terms:
        return "月末締め" + ("翌月" if c.terms_days // 30 == 1 else "翌々月") + "末払い"
    return f"請求日から{c.terms_days}日"


def keyed_due_dates(seed: int, c: Customer, invoices: list[tuple[str, int, int, str]]) -> dict[str, int]:
    """Due dates keyed differently from the terms: invoice id → the due date written.

    invoices are (id, invoice day, due day by the terms, issue method); about one manual invoice in
    two hundred gets a due date 3–15 days later than its terms (a typing slip the customer ignores:
    it pays by its terms)."""
    rng = random.Random(f"{seed}/terms/{c.billing_id}")
    keyed: dict[str, int] = {}
    for invoice_id, _, due, method in invoices:
        slip = rng.random() < 0.005 and method == "manual"
        shift = rng.randint(3, 15)
        if slip:
            keyed[invoice_id] = due + shift
    return keyed
