"""Work and money that belong to no customer: unidentified deposits, back-office and exception tasks."""

from __future__ import annotations

import hashlib
import random
from datetime import date

from . import books
from .calendar import END, OPENING, START, add_business_days, iso, month_end, month_start, next_business_day
from .dunning import Task, later, write_tasks
from .formats import money
from .masters import (
    BAD_DEBT_RECOVERY,
    CASH,
    CORPORATE_COLLECTORS,
    EAST_COLLECTORS,
    MANAGERS,
    PAYABLES,
    SUSPENSE,
    WEST_COLLECTORS,
)
from .world import World

# Remitters that match no customer: individuals and a firm that paid us by mistake.
UNMATCHED_REMITTERS = ["ﾀﾅｶ ﾀﾛｳ", "ｽｽﾞｷ ﾊﾅｺ", "ﾐﾗｲｹﾝｾﾂ(ｶ", "ﾆﾎﾝｼﾞﾕｳﾀｸｻ-ﾋﾞｽ(ｶ", "ｻﾄｳ ｲﾁﾛｳ"]

# How the finance team answers a cash-balance drop (resolution_tags, ';'-separated).
CASH_RESOLUTION_TAGS = [
    "資金繰り表見直し;入金予定確認",
    "入金予定確認",
    "支払予定確認;資金繰り表見直し",
    "大口入金督促;入金予定確認",
    "資金移動手配",
    "資金繰り表見直し",
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
        world.table("bank/transactions").write(
            [bt_id, world.bank_account_id("ACC-MAIN"), iso(day), money(cents), "JPY", remitter, ""]
        )
        world.bank_move("ACC-MAIN", day, cents)
        books.post(
            world,
            day,
            "other",
            "system",
            f"未確認入金 {world.bank_transaction_ref(bt_id)}",
            [(CASH, cents, 0, "", ""), (SUSPENSE, 0, cents, "", "")],
        )
        task = Task(
            (day, 9 * 3600 + 15 * 60), "cash_application", rng.choice(MANAGERS), sla_hours=72, has_account=False
        )
        tasks.append(task)
        if rng.random() < 0.4:  # opened twice by two people; the copy was cancelled
            copy = Task(
                (day, 9 * 3600 + 40 * 60), "cash_application", rng.choice(COLLECTORS), sla_hours=72, has_account=False
            )
            copy.status = "cancelled"
            tasks.append(copy)
    write_tasks(world, tasks, "")


# A written-off invoice (invoice id, accounting customer code, write-off day, cents).
WrittenOff = tuple[str, str, int, int]


def recoveries_after_write_off(world: World, written_off: list[WrittenOff]) -> None:
    """償却債権取立益: a few written-off invoices are later partly recovered, by offsetting what the
    company owes the customer (debit 買掛金, credit 償却債権取立益), so no bank row moves. Posted after
    the company's books, so no other journal id moves either."""
    rng = random.Random(f"{world.seed}/recoveries")
    eligible = [w for w in written_off if w[2] + 60 <= END]
    count = min(len(eligible), max(2, round(3 * world.scale)))
    for invoice_id, customer, written_off_on, cents in sorted(rng.sample(eligible, count), key=lambda w: w[2]):
        day = next_business_day(rng.randint(written_off_on + 60, END))
        share = rng.uniform(0.1, 0.3)
        if day > END:
            continue
        amount = max(1, round(cents * share / 100_000)) * 100_000  # whole thousands of yen
        books.post(
            world,
            day,
            "other",
            MANAGERS[0],
            f"償却債権取立益 {invoice_id} (買掛金相殺)",
            [(PAYABLES, amount, 0, "", ""), (BAD_DEBT_RECOVERY, 0, amount, customer, invoice_id)],
        )


# A customer that could send money ahead of cash application: (remitter, virtual account, credit limit
# and open amount at the last day, both in cents).
PendingCandidate = tuple[str, str, int, int]
# The ids of these deposits sit in a block of their own, out of reach of the regular sequence, so no
# other bank transaction is renumbered.
PENDING_DEPOSIT_IDS = "BT-98{:06d}"


def pending_deposits(world: World, candidates: list[PendingCandidate]) -> list[tuple[int, str, int]]:
    """仮受金 of known customers: in the last days, two customers over their credit limit and one under it
    transfer money (to their virtual account) that cash application has not applied by the last day.
    Returns (day, bank transaction ref, cents) for post_pending_deposits once the books are written."""
    rng = random.Random(f"{world.seed}/pending-deposits")
    over = [c for c in candidates if c[3] > c[2]]
    under = [c for c in candidates if 0 < c[3] <= c[2]]
    chosen = rng.sample(over, min(2, len(over))) + rng.sample(under, min(1, len(under)))
    pending = []
    for k, (remitter, virtual_account, limit, open_cents) in enumerate(chosen, start=1):
        day = next_business_day(END - rng.randint(3, 6))
        if open_cents > limit:  # brings the net exposure back under the limit: 90 % of it
            cents = -(-(open_cents - limit * 9 // 10) // 1_000_000) * 1_000_000  # up to whole 10,000 yen
        else:
            cents = rng.randint(5, 30) * 1_000_000
        if day > END:
            continue
        bt_id = PENDING_DEPOSIT_IDS.format(k)
        world.table("bank/transactions").write(
            [bt_id, world.bank_account_id("ACC-MAIN"), iso(day), money(cents), "JPY", remitter, virtual_account]
        )
        world.bank_move("ACC-MAIN", day, cents)
        pending.append((day, world.bank_transaction_ref(bt_id), cents))
    return pending


def post_pending_deposits(world: World, pending: list[tuple[int, str, int]]) -> None:
    """Their journals (debit cash, credit 仮受金), after the company's books so no journal id moves."""
    for day, ref, cents in pending:
        books.post(
            world, day, "other", "system", f"未消込入金 {ref}", [(CASH, cents, 0, "", ""), (SUSPENSE, 0, cents, "", "")]
        )


def back_office_tasks(world: World) -> None:
    """Processing errors and miscellaneous requests (exception tasks: exception_tasks)."""
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
    write_tasks(world, tasks, "")


# The warehouse's rule cash_balance_drop (seeds/alert_rules.csv; models/intermediate/alerts/
# int_alerts_cash_balance_drops_detected.sql): the all-account balance at an ISO week's end
# (Sunday, end of day) against the previous week's end, change % rounded to 4 places, fires at or
# below −10. The alert is about the week starting on that Monday.
CASH_DROP_RULE = ("cash_balance_drop", "cash_balance_change_pct", "company", "company")
CASH_DROP_THRESHOLD_PCT = -10
# The first cash alerts of the run predate the exception workflow in the CRM; they stay without
# tasks (tests/python/test_exception_ledger.py answers the first two itself).
UNANSWERED_CASH_ALERTS = 2


def cash_drop_weeks(total: list[int]) -> list[tuple[int, float]]:
    """(Monday, change %) of each week the rule fires on; total[i] is the all-account balance
    at the end of day OPENING + i. Only closed weeks: the last Sunday on or before END."""
    first_sunday = OPENING + (6 - date.fromordinal(OPENING).weekday()) % 7
    fired = []
    for sunday in range(first_sunday + 7, END + 1, 7):
        current, previous = total[sunday - OPENING], total[sunday - 7 - OPENING]
        if previous == 0:
            continue
        change_pct = round((current - previous) * 100 / previous, 4)
        if change_pct <= CASH_DROP_THRESHOLD_PCT:
            fired.append((sunday - 6, change_pct))
    return fired


def exception_id(rule: tuple[str, str, str, str], period_start: int) -> str:
    """The warehouse's exception id: EXC- and the first 12 hex digits of the alert id, the md5 of
    rule_id|kpi_name|subject_type|subject_id|period_start (fct_kpi_alerts)."""
    alert_id = hashlib.md5("|".join([*rule, iso(period_start)]).encode("utf-8")).hexdigest()
    return "EXC-" + alert_id[:12]


def exception_tasks(world: World, balances: dict[str, list[int]]) -> None:
    """CRM exception tasks answering the cash-balance-drop alerts the warehouse will raise.

    A deterministic handful of the fired weeks is answered, each by one task created 1–2 business
    days after the Monday following the week's end (the exception opens that Monday at 00:00),
    SLA 48 h. Two consecutive fired weeks are always among them, the first resolved within days,
    so the second is a recurrence (再発); the latest task is still open."""
    rng = random.Random(f"{world.seed}/exceptions")
    total = [sum(day) for day in zip(*balances.values(), strict=True)]
    eligible = [monday for monday, _ in cash_drop_weeks(total)][UNANSWERED_CASH_ALERTS:]
    count = min(len(eligible), max(3, round(6 * world.scale**0.25)))
    if count == 0:
        return
    if count >= 2:
        first = rng.randrange(len(eligible) - 1)  # first and first + 1: the recurrence
        others = rng.sample([k for k in range(len(eligible)) if k not in (first, first + 1)], count - 2)
        chosen = sorted({first, first + 1, *others})
    else:
        first, chosen = None, [0]
    last = chosen[-1]
    # One answer misses the 48 h SLA (never the one the recurrence follows, nor the open one).
    late = rng.choice([k for k in chosen if k not in (last, first)] or [None])
    tasks: list[Task] = []
    for k in chosen:
        monday = eligible[k]
        at = (add_business_days(monday + 7, rng.randint(1, 2)), 60 * rng.randint(570, 1000))
        if at[0] > END:
            continue
        task = Task(at, "exception", rng.choice(MANAGERS + COLLECTORS), sla_hours=48, has_account=False)
        task.external_ref = exception_id(CASH_DROP_RULE, monday)
        hours = rng.randint(50, 70) if k == late else rng.randint(3, 40)
        tags = rng.choice(CASH_RESOLUTION_TAGS)
        if k != last or len(chosen) < 3:
            task.close(later(at, hours), False)
        if task.status == "done":
            task.resolution_tags = tags
        tasks.append(task)
    write_tasks(world, tasks, "")
