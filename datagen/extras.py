"""Work and money that belong to no customer: unidentified deposits and back-office tasks."""

from __future__ import annotations

import random

from . import books
from .calendar import END, START, from_iso, month_end, month_start, next_business_day, iso
from .dunning import Task, later, write_tasks
from .formats import money
from .masters import CASH, EAST_COLLECTORS, MANAGERS, SUSPENSE, WEST_COLLECTORS, CORPORATE_COLLECTORS
from .world import World

# Remitters that match no customer: individuals and a firm that paid us by mistake.
UNMATCHED_REMITTERS = ["ﾀﾅｶ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ", "ﾐﾗｲｹﾝｾﾂ(ｶ", "ﾆﾎﾝｼﾞﾕｳﾀｸｻ-ﾋﾞｽ(ｶ", "ｻﾄｳ ｲﾁﾛｳ"]

RESOLUTION_TAGS = [
    "自動消込ルール追加;顧客マスタ修正",
    "請求書テンプレート修正",
    "振込名義登録",
    "督促シナリオ見直し;担当者教育",
    "バッチ監視追加",
    "顧客マスタ修正",
]
COLLECTORS = EAST_COLLECTORS + WEST_COLLECTORS + CORPORATE_COLLECTORS


def unmatched_deposits(world: World) -> None:
    """A few deposits nobody can attribute; they stay unapplied in suspense (仮受金)."""
    rng = random.Random(f"{world.seed}/unmatched")
    count = max(3, round(5 * world.scale))
    tasks: list[Task] = []
    for k in range(count):
        day = next_business_day(rng.randint(START + 30, END - 3))
        if day > END:
            day = next_business_day(START + 30)
        cents = rng.randint(10, 300) * 1_000 * 100
        bt_id = world.ids.bank.next()
        remitter = UNMATCHED_REMITTERS[k % len(UNMATCHED_REMITTERS)]
        world.table("bank/transactions").write([bt_id, "ACC-MAIN", iso(day), money(cents), "JPY", remitter, ""])
        world.bank_move("ACC-MAIN", day, cents)
        books.post(
            world, day, "other", "system", f"未確認入金 {bt_id}",
            [(CASH, cents, 0, "", ""), (SUSPENSE, 0, cents, "", "")],
        )
        task = Task((day, 9 * 3600 + 15 * 60), "cash_application", rng.choice(MANAGERS), sla_hours=72, has_account=False)
        tasks.append(task)
        if rng.random() < 0.4:  # opened twice by two people; the copy was cancelled
            copy = Task((day, 9 * 3600 + 40 * 60), "cash_application", rng.choice(COLLECTORS), sla_hours=72, has_account=False)
            copy.status = "cancelled"
            tasks.append(copy)
    write_tasks(world, tasks, "")


def back_office_tasks(world: World) -> None:
    """Processing errors, exception-ledger items and miscellaneous requests."""
    rng = random.Random(f"{world.seed}/back-office")
    tasks: list[Task] = []
    per_month = max(1, round(2 * world.scale))
    for m in range(18):
        first, last = month_start(m), month_end(m)
        for _ in range(rng.randint(0, per_month)):
            at = (next_business_day(rng.randint(first, last)), 60 * rng.randint(570, 1000))
            if at[0] > END:
                continue
            task = Task(at, "data_correction", rng.choice(MANAGERS + COLLECTORS), sla_hours=48, has_account=False)
            task.error_category = "processing"
            task.close(later(at, rng.randint(2, 60)), rng.random() < 0.6)
            if rng.random() < 0.5:
                task.resolution_tags = "バッチ監視追加"
            tasks.append(task)
        for _ in range(rng.randint(1, per_month + 1)):
            at = (next_business_day(rng.randint(first, last)), 60 * rng.randint(570, 1000))
            if at[0] > END:
                continue
            task = Task(at, "other", rng.choice(COLLECTORS), sla_hours=72, has_account=False)
            task.close(later(at, rng.randint(1, 90)), rng.random() < 0.8)
            tasks.append(task)
    count = max(3, round(6 * world.scale))
    # The ledger numbers exceptions per year (EXC-2026-0001); at least one falls in 2026.
    exceptions = sorted(
        [next_business_day(rng.randint(from_iso("2026-01-05"), END - 5))]
        + [next_business_day(rng.randint(from_iso("2025-07-01"), END - 5)) for _ in range(count - 1)]
    )
    numbers: dict[int, int] = {}
    for day in exceptions:
        if day > END:
            continue
        year = int(iso(day)[:4])
        numbers[year] = numbers.get(year, 0) + 1
        at = (day, 60 * rng.randint(570, 1000))
        task = Task(at, "exception", rng.choice(MANAGERS), sla_hours=72, has_account=False)
        task.external_ref = f"EXC-{year}-{numbers[year]:04d}"
        task.close(later(at, 24 * rng.randint(0, 6) + rng.randint(1, 8)), False)
        if task.status == "done":
            task.resolution_tags = rng.choice(RESOLUTION_TAGS)
        tasks.append(task)
    write_tasks(world, tasks, "")
