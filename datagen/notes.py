"""受取手形 and でんさい: customers who settle invoices by promissory note or electronic recorded claim.

A note settles 売掛金 on the day it is received (Dr 受取手形 / 電子記録債権, Cr 売掛金) and brings
cash only at its maturity (満期日): collected (期日入金), or discounted (割引) or endorsed (裏書譲渡)
before, or dishonoured (不渡り), which puts the amount back on 売掛金. Every draw comes from the
note stream of the customer (`<seed>/notes/<billing id>`), so customers who do not pay by note
draw exactly as before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import books
from .calendar import END, add_business_days, iso, month_index, next_business_day
from .formats import money
from .masters import AR_NOTES, BAD, CASH, DENSAI_NOTES, NOTE_DISCOUNT_LOSS, PAYABLES

if TYPE_CHECKING:
    from .simulate import CustomerSimulation, Doc

DISCOUNT_RATE = 0.025  # 割引率 per year


@dataclass
class Note:
    id: str
    note_type: str  # promissory or densai
    received: int
    maturity: int
    parts: list[tuple[Doc, int]]  # (invoice, cents)
    status: str = "held"
    settled: int | None = None
    cash_id: str = ""  # the bank transaction of the maturity collection or the discount proceeds

    @property
    def cents(self) -> int:
        return sum(cents for _, cents in self.parts)

    def fee(self, cents: int) -> int:
        """割引料 of one invoice line: yen rounded down; zero unless discounted."""
        if self.status != "discounted" or self.settled is None:
            return 0
        return int(cents * DISCOUNT_RATE * (self.maturity - self.settled) / 365) // 100 * 100


def pays_by_note(rng: random.Random, segment: str, index: int) -> bool:
    """Manufacturers' and wholesalers' habit: about a quarter of larger customers, few small ones."""
    return index > 3 and rng.random() < (0.08 if segment == "smb" else 0.25)


def settle_by_notes(sim: CustomerSimulation) -> list[Note]:
    """Turn most of a note payer's transfers into notes received on the same day.

    The deposits become notes (no bank row, no cash application); each invoice they paid is
    reduced on the receipt day by the full amount, transfer fees included (a note carries none).
    A transfer whose total has sen stays a transfer: a note's face value is whole yen."""
    c = sim.c
    rng = random.Random(f"{sim.world.seed}/notes/{c.billing_id}")
    if BAD in (c.behaviour, c.switch_to) or not pays_by_note(rng, c.segment, c.index):
        return []
    notes: list[Note] = []
    kept = []
    for dep in sim.deposits:
        whole_yen = sum(cash + fee for _, cash, fee in dep.parts) % 100 == 0  # a note's face value has no sen
        if rng.random() >= 0.85 or dep.legal or dep.unapplied or not whole_yen:
            kept.append(dep)
            continue
        mi = month_index(dep.day)
        note_type = "densai" if rng.random() < 0.3 + 0.4 * mi / 17 else "promissory"  # でんさい grows
        site = rng.choices([90, 120], weights=[45, 55])[0] if note_type == "promissory" else rng.choice([60, 90, 120])
        note = Note(sim.world.ids.note.next(), note_type, dep.day, dep.day + site, [])
        for doc, cash, fee in dep.parts:
            note.parts.append((doc, cash + fee))
            doc.reductions.append((dep.day, cash + fee))
        _settle(note, rng)
        if note.status == "dishonoured":
            assert note.settled is not None
            for doc, cents in note.parts:
                doc.reductions.append((note.settled, -cents))
        notes.append(note)
    sim.deposits[:] = kept
    return notes


def _settle(note: Note, rng: random.Random) -> None:
    """What became of the note by the end of the data; a settlement after END leaves it held."""
    draw = rng.random()
    exchange_day = next_business_day(note.maturity)  # 手形交換 / でんさい決済 on the next bank day
    if draw < 0.02:
        status, day = "dishonoured", exchange_day
    elif draw < 0.10:
        status, day = "discounted", add_business_days(note.received, rng.randint(3, 20))
    elif draw < 0.14 and note.note_type == "promissory":
        status, day = "endorsed", add_business_days(note.received, rng.randint(5, 30))
    else:
        status, day = "collected", exchange_day
    if day <= END:
        note.status, note.settled = status, day


def write_notes(sim: CustomerSimulation, notes: list[Note]) -> None:
    """Bank rows of the cash notes bring, their journals, and the note ledger's rows."""
    c, w = sim.c, sim.world
    code = c.accounting_code
    for note in notes:
        account = AR_NOTES if note.note_type == "promissory" else DENSAI_NOTES
        label = "受取手形" if note.note_type == "promissory" else "電子記録債権"
        lines: list[books.Line] = [(account, note.cents, 0, code, "")]
        lines += [(sim.ar_account, 0, cents, code, doc.id) for doc, cents in note.parts]
        books.post(w, note.received, "receipt", c.owner_on(note.received), f"{label}受取 {note.id}", lines)
        if note.settled is None:
            continue
        fee = sum(note.fee(cents) for _, cents in note.parts)
        if note.status in ("collected", "discounted"):
            note.cash_id = w.ids.bank.next()
            proceeds = note.cents - fee
            remitter = c.remitter if note.status == "collected" else ""  # the discounting bank names no remitter
            w.table("bank/transactions").write(
                [note.cash_id, w.bank_account_id("ACC-MAIN"), iso(note.settled), money(proceeds), "JPY", remitter, ""]
            )
            w.bank_move("ACC-MAIN", note.settled, proceeds)
            lines = [
                (CASH, proceeds, 0, "", ""),
                (NOTE_DISCOUNT_LOSS, fee, 0, "", ""),
                (account, 0, note.cents, code, ""),
            ]
            what = "期日入金" if note.status == "collected" else "割引"
            books.post(w, note.settled, "receipt", "system", f"{label}{what} {note.id}", lines)
        elif note.status == "endorsed":
            lines = [(PAYABLES, note.cents, 0, "", ""), (account, 0, note.cents, code, "")]
            books.post(w, note.settled, "other", c.owner_on(note.settled), f"{label}裏書譲渡 {note.id}", lines)
        else:
            lines = [(sim.ar_account, cents, 0, code, doc.id) for doc, cents in note.parts]
            lines.append((account, 0, note.cents, code, ""))
            books.post(w, note.settled, "adjustment", c.owner_on(note.settled), f"{label}不渡り {note.id}", lines)
    table = w.table("accounting/notes_receivable")
    for note in notes:
        for doc, cents in note.parts:
            table.write(
                [
                    note.id,
                    note.note_type,
                    code,
                    doc.id,
                    money(cents),
                    iso(note.received),
                    iso(note.maturity),
                    note.status,
                    iso(note.settled) if note.settled is not None else "",
                    w.bank_transaction_ref(note.cash_id) if note.cash_id else "",
                    money(note.fee(cents)) if note.status == "discounted" else "",
                ]
            )
