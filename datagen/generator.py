"""Top level: generate every landing file of the contract for a given scale and seed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tqdm import tqdm

from . import parallel
from .company import CompanyBooks
from .extras import (
    back_office_tasks,
    exception_tasks,
    pending_deposits,
    post_pending_deposits,
    recoveries_after_write_off,
    unmatched_deposits,
)
from .formats import flag
from .loop import LoopOutputs, simulate_customer
from .masters import ACCOUNTS, ASSIGNEES, CustomerFactory
from .planted import plant
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
    out_dir: Path,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    show_progress: bool = True,
    bank_format: str = "csv",
    workers: int = 1,
) -> dict[str, int]:
    """Write the landing files under out_dir; returns rows written per system/table.

    bank_format "zengin" writes the bank transactions as 全銀協 files (datagen/zengin.py) and
    names bank accounts and transactions by their zengin ids everywhere else. workers > 1
    simulates the customers in that many processes (datagen/parallel.py): the same bytes."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    out_dir = Path(out_dir)
    n = customer_count(scale)
    world = World(out_dir, seed, scale, bank_format)
    _write_reference_data(world)
    loop = LoopOutputs()
    if parallel.usable(n, workers, bank_format):
        parallel.simulate_customers(world, n, workers, loop, show_progress)
    else:
        factory = CustomerFactory(seed)
        for index in tqdm(range(n), desc="customers", unit="customer", file=sys.stderr, disable=not show_progress):
            simulate_customer(world, factory.make(index), loop)
    phase = _Phases(show_progress)
    phase("orphan records, unmatched and pending deposits, back-office tasks")
    _write_orphans(world, n)
    unmatched_deposits(world)
    pending = pending_deposits(world, loop.pending_candidates)
    back_office_tasks(world)
    phase("company books (purchases, payroll, tax, allowance, bank balances, cash forecasts)")
    books = CompanyBooks(world)
    books.run()
    phase("exception tasks, recoveries after write-off, pending deposits' journals, planted rows")
    exception_tasks(world, books.balances)  # answers alerts on the final bank balances
    recoveries_after_write_off(world, loop.written_off)
    post_pending_deposits(world, pending)
    plant(world, loop.first_invoice, loop.fourth_customer)
    phase("closing the files")
    counts = world.close()
    phase.done()
    return counts


class _Phases:
    """One line on stderr as each step after the customer loop starts, with the time the last one took."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self.started = time.perf_counter()
        self.current = ""

    def __call__(self, text: str) -> None:
        self._finish()
        self.current = text
        self.started = time.perf_counter()
        if self.show:
            print(f"{text} …", file=sys.stderr, flush=True)

    def done(self) -> None:
        self._finish()
        self.current = ""

    def _finish(self) -> None:
        if self.show and self.current:
            print(f"  {time.perf_counter() - self.started:.1f}s", file=sys.stderr, flush=True)


def _write_reference_data(world: World) -> None:
    for code, name, category in ACCOUNTS:
        world.table("accounting/accounts").write([code, name, category])
    for a in ASSIGNEES:
        world.table("crm/assignees").write([a.assignee_id, a.name, a.team, a.role, flag(a.active)])


def _write_orphans(world: World, n: int) -> None:
    for k, (name, kana, segment, industry) in enumerate(ORPHAN_CRM_ACCOUNTS):
        world.table("crm/accounts").write([f"CRM-{n + k + 1:04d}", name, kana, "", "", "", segment, industry, "U006"])
    world.table("accounting/customers").write([f"A{10001 + n}", ORPHAN_ACCOUNTING_CUSTOMER, ""])
