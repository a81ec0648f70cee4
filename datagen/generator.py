"""Top level: generate every landing file of the contract for a given scale and seed."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from .calendar import END
from .company import CompanyBooks
from .dunning import Dunning
from .extras import (
    PendingCandidate,
    WrittenOff,
    back_office_tasks,
    exception_tasks,
    pending_deposits,
    post_pending_deposits,
    recoveries_after_write_off,
    unmatched_deposits,
)
from .formats import flag
from .masters import ACCOUNTS, ASSIGNEES, CustomerFactory
from .planted import plant
from .simulate import CustomerSimulation
from .world import World

DEFAULT_SEED = 20251101
CUSTOMERS_AT_SCALE_1 = 200
MIN_CUSTOMERS = 8  # room for the fixed examples (山田商事, both 東和工業) and a few others

# Records that exist in one system only and match no billing customer (no_match).
ORPHAN_CRM_ACCOUNTS = [
    ("株式会社ミライ設計", "ミライセッケイ", "smb", "サービス業"),
    ("北斗テクノサービス 合同会社", "ホクトテクノサービス", "mid_market", "情報通信業"),
]
ORPHAN_ACCOUNTING_CUSTOMER = "(有)白樺ファーム"


def customer_count(scale: float) -> int:
    return max(MIN_CUSTOMERS, round(CUSTOMERS_AT_SCALE_1 * scale))


def generate(
    out_dir: Path, scale: float = 1.0, seed: int = DEFAULT_SEED, show_progress: bool = True, bank_format: str = "csv"
) -> dict[str, int]:
    """Write the landing files under out_dir; returns rows written per system/table.

    bank_format "zengin" writes the bank transactions as 全銀協 files (datagen/zengin.py) and
    names bank accounts and transactions by their zengin ids everywhere else."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    world = World(out_dir, seed, scale, bank_format)
    _write_reference_data(world)
    factory = CustomerFactory(seed)
    n = customer_count(scale)
    first_invoice: list[str] = []
    fourth_customer: list[str] = []
    written_off: list[WrittenOff] = []
    pending_candidates: list[PendingCandidate] = []
    for index in tqdm(range(n), desc="customers", unit="customer", file=sys.stderr, disable=not show_progress):
        sim = CustomerSimulation(world, factory.make(index))
        sim.run()
        sim.write()
        Dunning(sim).run_and_write()
        written_off += [(d.id, sim.c.accounting_code, d.writeoff[0], d.writeoff[1]) for d in sim.invoices if d.writeoff]
        if sim.c.virtual_account and sim.c.credit_limit:
            open_cents = sum(d.open_at(END) for d in sim.invoices)
            pending_candidates.append((sim.c.remitter, sim.c.virtual_account, sim.c.credit_limit * 100, open_cents))
        if index == 0:
            first_invoice = sim.invoice_row(sim.docs[0])
        if index == 3:
            fourth_customer = sim.billing_row()
    _write_orphans(world, n)
    unmatched_deposits(world)
    pending = pending_deposits(world, pending_candidates)
    back_office_tasks(world)
    books = CompanyBooks(world)
    books.run()
    exception_tasks(world, books.balances)  # answers alerts on the final bank balances
    recoveries_after_write_off(world, written_off)
    post_pending_deposits(world, pending)
    plant(world, first_invoice, fourth_customer)
    return world.close()


def _write_reference_data(world: World) -> None:
    for code, name, category in ACCOUNTS:
        world.table("accounting/accounts").write([code, name, category])
    for a in ASSIGNEES:
        world.table("crm/assignees").write([a.assignee_id, a.name, a.team, a.role, flag(a.active)])


def _write_orphans(world: World, n: int) -> None:
    for k, (name, kana, segment, industry) in enumerate(ORPHAN_CRM_ACCOUNTS):
        world.table("crm/accounts").write([f"CRM-{n + k + 1:04d}", name, kana, "", "", "", segment, industry, "U006"])
    world.table("accounting/customers").write([f"A{10001 + n}", ORPHAN_ACCOUNTING_CUSTOMER, ""])
