"""State shared by the whole run: open writers, id counters and company-wide aggregates.

Customers are simulated one after another and their rows streamed out; only the few
aggregates the company-level books need (daily bank movements, monthly sales, aging at
quarter-ends) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .calendar import END, OPENING, quarter_ends
from .contract import TABLE_COLUMNS
from .writers import Table, open_table
from .zengin import ACCOUNTS as ZENGIN_ACCOUNTS
from .zengin import ZenginBankTable, remove_zengin_files

BANK_ACCOUNTS = ["ACC-MAIN", "ACC-SUB"]
BANK_FORMATS = ("csv", "zengin")


# The first number of each sequence's block of planted ids (datagen/planted.py): the block runs to the
# next power of ten (INV-9000000 … INV-9999999), and a run that reaches it goes on after it.
PLANTED_BLOCKS = {
    "invoice": 9_000_000,
    "bank": 99_000_000,
    "application": 99_000_000,
    "journal": 99_000_000,
    "activity": 99_000_000,
    "task": 9_000_000,
    "case": 90_000,
    "note": 9_000_000,
}


class IdSequence:
    """Sequential ids such as INV-000001; the width only grows if a run outgrows it. The numbers of
    the planted block (`planted_from`) are never drawn: the n-th id skips over them."""

    def __init__(self, prefix: str, width: int, planted_from: int | None = None) -> None:
        self.prefix = prefix
        self.width = width
        self.planted_from = planted_from
        self.last = 0

    def text(self, count: int) -> str:
        """The id of the count-th draw."""
        number = count
        if self.planted_from is not None and number >= self.planted_from:
            number += 10 ** len(str(self.planted_from)) - self.planted_from
        return f"{self.prefix}{number:0{self.width}d}"

    def next(self) -> str:
        self.last += 1
        return self.text(self.last)


@dataclass
class Ids:
    invoice: IdSequence = field(default_factory=lambda: IdSequence("INV-", 6, PLANTED_BLOCKS["invoice"]))
    bank: IdSequence = field(default_factory=lambda: IdSequence("BT-", 7, PLANTED_BLOCKS["bank"]))
    application: IdSequence = field(default_factory=lambda: IdSequence("APP-", 7, PLANTED_BLOCKS["application"]))
    journal: IdSequence = field(default_factory=lambda: IdSequence("JE-", 7, PLANTED_BLOCKS["journal"]))
    activity: IdSequence = field(default_factory=lambda: IdSequence("ACT-", 7, PLANTED_BLOCKS["activity"]))
    task: IdSequence = field(default_factory=lambda: IdSequence("TSK-", 6, PLANTED_BLOCKS["task"]))
    case: IdSequence = field(default_factory=lambda: IdSequence("LC-", 4, PLANTED_BLOCKS["case"]))
    deal: IdSequence = field(default_factory=lambda: IdSequence("D-", 5))
    claim: IdSequence = field(default_factory=lambda: IdSequence("GC-", 4))
    forecast: IdSequence = field(default_factory=lambda: IdSequence("FC-", 5))
    note: IdSequence = field(default_factory=lambda: IdSequence("NR-", 6, PLANTED_BLOCKS["note"]))


class World:
    def __init__(self, out_dir: Path, seed: int, scale: float, bank_format: str = "csv") -> None:
        if bank_format not in BANK_FORMATS:
            raise ValueError(f"bank_format must be one of {BANK_FORMATS}, not {bank_format!r}")
        self.out_dir = out_dir
        self.seed = seed
        self.scale = scale
        # In zengin mode the bank transactions go to 全銀協 files instead of bank/transactions.csv.
        self.zengin: ZenginBankTable | None = ZenginBankTable(out_dir) if bank_format == "zengin" else None
        if self.zengin is None:
            remove_zengin_files(out_dir)  # a stale zengin folder would be read beside the CSV
        self.tables: dict[str, Table | ZenginBankTable] = {t: self._open(t) for t in TABLE_COLUMNS}
        self.ids = Ids()
        days = END - OPENING + 1
        # Net bank movement per account and day (cents); index 0 is the opening date.
        self.bank_daily: dict[str, list[int]] = {a: [0] * days for a in BANK_ACCOUNTS}
        # Sales per month (cents): gross (tax-inclusive), net of tax, and output tax.
        self.sales_gross = [0] * 18
        self.sales_net = [0] * 18
        self.sales_tax = [0] * 18
        # Open overdue AR per quarter-end by age bucket (1–90, 91–180, 181–365, >365 days).
        self.aging: dict[int, list[int]] = {q: [0, 0, 0, 0] for q in quarter_ends()}
        self.judgments = 0  # lawsuits judged within the data so far
        # Corporate numbers mistyped so far in the accounting and CRM copies (planted.mistyped_corporate_number).
        self.mistyped_corporate_numbers: dict[str, int] = {"accounting": 0, "crm": 0}

    def judgment_lost(self) -> bool:
        """Whether the next lawsuit judged within the data is lost: the 2nd of the run and every
        4th after it, so most are won and even the smallest sample has a loss once it has two."""
        self.judgments += 1
        return self.judgments % 4 == 2

    def _open(self, table: str) -> Table | ZenginBankTable:
        if table == "bank/transactions" and self.zengin is not None:
            return self.zengin
        return open_table(self.out_dir, table)

    def table(self, name: str) -> Table | ZenginBankTable:
        return self.tables[name]

    def bank_account_id(self, account: str) -> str:
        """How the landing files name one of BANK_ACCOUNTS: ACC-MAIN, or 0005-123-1234567 in zengin mode."""
        return account if self.zengin is None else ZENGIN_ACCOUNTS[account].bank_account_id

    def bank_transaction_ref(self, csv_id: str) -> str:
        """How other files name a bank transaction written under csv_id (its zengin id in zengin mode)."""
        return csv_id if self.zengin is None else self.zengin.transaction_ids[csv_id]

    def bank_move(self, account: str, day: int, cents: int) -> None:
        self.bank_daily[account][day - OPENING] += cents

    def close(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name, table in self.tables.items():
            table.close()
            counts[name] = table.rows
        return counts
