"""Posting double-entry journals to accounting/journal_lines."""

from __future__ import annotations

from .calendar import iso
from .formats import money
from .world import World

# (account_code, debit_cents, credit_cents, accounting_customer_code, invoice_id)
Line = tuple[str, int, int, str, str]


def post(world: World, day: int, entry_type: str, entered_by: str, description: str, lines: list[Line]) -> str:
    """Write one balanced journal; zero lines are dropped. Returns the journal id."""
    lines = [ln for ln in lines if ln[1] or ln[2]]
    debit = credit = 0
    for ln in lines:
        debit += ln[1]
        credit += ln[2]
    if debit != credit:  # a bug here would break the GL/sub-ledger tie silently
        raise ValueError(f"unbalanced journal on {iso(day)}: {debit} != {credit} ({description})")
    journal_id = world.ids.journal.next()
    date_text = iso(day)
    world.table("accounting/journal_lines").write_rows(
        [
            [
                journal_id,
                str(number),
                date_text,
                account,
                money(dr),
                money(cr),
                customer,
                invoice,
                entry_type,
                entered_by,
                description,
            ]
            for number, (account, dr, cr, customer, invoice) in enumerate(lines, start=1)
        ]
    )
    return journal_id


def tax_part(gross_cents: int) -> int:
    """Consumption tax (10 %) contained in a tax-inclusive amount, whole yen, same sign."""
    sign = -1 if gross_cents < 0 else 1
    return sign * (abs(gross_cents) * 10 // 110 // 100 * 100)
