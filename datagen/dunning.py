"""Collection work on one customer: dunning activities (督促) and CRM tasks.

Everything here is derived from the customer's simulated ledger, so activities happen only
while an invoice is really overdue, promises are kept exactly when the money was applied
by the promised date, and task completions follow the contacts that answered them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .calendar import (
    END,
    add_business_days,
    from_iso,
    is_business_day,
    iso,
    month_index,
    month_start,
    next_business_day,
    ts,
)
from .formats import flag, money
from .masters import BAD, MANAGERS, WEST_PREFECTURES
from .simulate import FAR, CustomerSimulation, Doc
from .world import World

# The first few activities of the run carry an explicit UTC offset, as some CRM exports do.
OFFSET_ACTIVITY_NUMBERS = {3: "Z", 17: "+09:00", 29: "Z", 41: "+09:00", 53: "Z", 67: "+09:00"}
CREDIT_REVIEW_DAYS = [from_iso("2025-06-02"), from_iso("2025-12-01"), from_iso("2026-06-01")]

Stamp = tuple[int, int]  # (day ordinal, seconds after local midnight)


def later(stamp: Stamp, hours: float) -> Stamp:
    total = stamp[1] + int(hours * 3600)
    return stamp[0] + total // 86400, total % 86400


def office_hours(stamp: Stamp) -> Stamp:
    """Work finished outside office hours is recorded the next business morning."""
    day, seconds = stamp
    minutes = seconds // 60 % 60
    if seconds < 9 * 3600:
        return next_business_day(day), 9 * 3600 + minutes * 60
    if seconds >= 19 * 3600 or not is_business_day(day):
        return next_business_day(day + 1 if seconds >= 19 * 3600 else day), 9 * 3600 + minutes * 60
    return stamp


@dataclass
class Activity:
    at: Stamp
    invoice_id: str
    assignee: str
    channel: str
    stage: str
    outcome: str
    automated: bool
    promise_day: int | None = None
    promise_cents: int = 0
    disputed_cents: int = 0  # with outcome dispute: the amount the customer disputes


@dataclass
class Task:
    created: Stamp
    task_type: str
    assignee: str
    invoice_id: str = ""
    sla_hours: float = 72
    completed: Stamp | None = None
    status: str = "open"
    first_contact: bool | None = None
    error_category: str = ""
    reopens: Task | None = None
    id: str = ""
    has_account: bool = True
    external_ref: str = ""
    resolution_tags: str = ""
    sla_due: Stamp | None = None  # set where the SLA counts business days instead of hours

    @property
    def sla_stamp(self) -> Stamp:
        return self.sla_due or later(self.created, self.sla_hours)

    def close(self, when: Stamp | None, first_contact: bool | None = None) -> None:
        """Done when the work happened within the data, otherwise still open."""
        if when is None:
            return
        when = office_hours(when)
        if when[0] <= END:
            self.completed, self.status, self.first_contact = when, "done", first_contact


@dataclass
class Interval:
    doc: Doc
    start: int  # first day a collector may call (7 days past due)
    stop: int  # paid off, transferred to legal or written off (exclusive)
    first: int  # when the collector gets to it
    touched: bool = False
    task: Task | None = None


class Dunning:
    def __init__(self, sim: CustomerSimulation) -> None:
        self.sim = sim
        self.c = sim.c
        self.rng: random.Random = sim.rng
        self.activities: list[Activity] = []
        self.tasks: list[Task] = []
        self.applied: dict[int, list[tuple[int, int]]] = {}
        for app in sim.apps:
            self.applied.setdefault(app.doc.seq, []).append((app.day, app.applied + app.fee))
        # Money the customer has sent that is not applied yet, per invoice: (sent, applied).
        self.in_transit: dict[int, list[tuple[int, int]]] = {}
        for app in sim.apps:
            if app.applied > 0:
                self.in_transit.setdefault(app.doc.seq, []).append((app.deposit.day, app.day))
        for dep in sim.deposits:
            if dep.unapplied:
                for doc, _, _ in dep.parts:
                    self.in_transit.setdefault(doc.seq, []).append((dep.day, FAR))

    # ------------------------------------------------------------------ driver

    def run_and_write(self) -> None:
        self.run()
        self.write()

    def run(self) -> None:
        intervals = self._intervals()
        self._reminders()
        self._disputes()
        self._touches(intervals)
        self._dunning_tasks(intervals)
        self._cash_application_tasks()
        self._correction_tasks()
        self._credit_reviews()
        self._reopened()

    # ------------------------------------------------------------------ overdue intervals

    def _intervals(self) -> list[Interval]:
        out = []
        for doc in self.sim.invoices:
            if doc.net <= 0:
                continue
            stop = min(_paid_off(doc), END + 1)
            if doc.case:
                stop = min(stop, doc.case.opened)
            if doc.writeoff:
                stop = min(stop, doc.writeoff[0])
            start = doc.due + 7
            if doc.dispute_day is not None:  # on hold while the dispute is being corrected
                start = max(start, doc.credit.day + 1) if doc.credit else FAR
            if start >= stop:
                continue
            first = next_business_day(start)
            if self.rng.random() < 0.85:
                first = add_business_days(first, self.rng.randint(0, 2))
            else:  # a busy week: the call slips
                first = add_business_days(first, self.rng.randint(3, 8))
            out.append(Interval(doc, start, stop, first))
        return out

    # ------------------------------------------------------------------ activities

    def _reminders(self) -> None:
        """Reminder e-mails a few days after the due date: automated more and more often."""
        rng = self.rng
        for doc in self.sim.invoices:
            if doc.net <= 0:
                continue
            stop = min(_paid_off(doc), END + 1, doc.case.opened if doc.case else FAR)
            for offset, probability in ((3, 1.0), (17, 0.5)):
                day = next_business_day(doc.due + offset)
                if day >= stop or day > END or rng.random() >= probability:
                    continue
                automated = rng.random() < 0.55 + 0.4 * month_index(day) / 17
                at = (day, 7 * 3600) if automated else (day, 60 * rng.randint(540, 1079))
                self.activities.append(Activity(at, doc.id, self.c.owner_on(day), "email", "soft", "", automated))

    def _disputes(self) -> None:
        for doc in self.sim.invoices:
            if doc.dispute_day is None:
                continue
            at = (doc.dispute_day, 60 * self.rng.randint(570, 1050))
            who = self.c.owner_on(doc.dispute_day)
            self.activities.append(
                Activity(at, doc.id, who, "call", "soft", "dispute", False, disputed_cents=doc.disputed_cents)
            )
            task = Task(at, "dispute", who, doc.id, sla_hours=240)
            if doc.credit:
                task.close((doc.credit.day, 60 * self.rng.randint(840, 1050)), False)
            self.tasks.append(task)

    def _touches(self, intervals: list[Interval]) -> None:
        """Calls, letters and visits: whenever something new falls overdue, then every 1–3 weeks."""
        rng = self.rng
        last, gap = None, 0
        while True:
            fresh = [iv.first for iv in intervals if not iv.touched and iv.first < iv.stop]
            t_new = min(fresh) if fresh else FAR
            t_regular = FAR
            if last is not None:
                candidate = next_business_day(last + gap)
                if any(iv.start <= candidate < iv.stop for iv in intervals):
                    t_regular = candidate
            t = min(t_new, t_regular)
            if t > END:
                break
            active = [iv for iv in intervals if iv.start <= t < iv.stop]
            if not active:
                for iv in intervals:  # a new one whose collector date fell after it was paid
                    if not iv.touched and iv.first <= t:
                        iv.touched = True
                last = t
                continue
            activity = self._touch(t, active)
            for iv in active:
                if not iv.touched:
                    iv.touched = True
                    iv.task = self._dunning_task(iv, activity)
            if activity.outcome == "paid":  # nothing more to chase on it until the money is found
                for iv in active:
                    if iv.doc.id == activity.invoice_id:
                        iv.stop = t + 1
            last = t
            gap = rng.randint(10, 21) if activity.stage == "hard" else rng.randint(7, 14)

    def _touch(self, day: int, active: list[Interval]) -> Activity:
        c, rng = self.c, self.rng
        target = min(active, key=lambda iv: (iv.doc.due, iv.doc.seq)).doc
        days_over = day - target.due
        hard = days_over >= 90 or (c.behaviour_at(month_index(day)) == BAD and days_over >= 45)
        stage = "hard" if hard else "soft"
        if hard:
            channel = rng.choices(["call", "letter", "visit", "other"], weights=[35, 40, 20, 5])[0]
        else:
            visit = 8 if c.segment == "enterprise" else 2
            channel = rng.choices(
                ["call", "email", "sms", "letter", "portal", "visit"], weights=[45, 25, 8, 10, 7, visit]
            )[0]
        at = (day, 60 * rng.randint(540, 1079))
        activity = Activity(at, target.id, c.owner_on(day), channel, stage, "", False)
        if channel in ("call", "visit", "email", "portal") and self._says_paid(target, day):
            activity.outcome = "paid"
        elif channel in ("call", "visit"):
            weights = [35, 20, 25, 17, 3] if hard else [30, 28, 37, 2, 3]
            activity.outcome = rng.choices(
                ["no_contact", "contacted", "promise_to_pay", "refused", "dispute"], weights=weights
            )[0]
        elif channel in ("email", "sms", "portal"):  # sometimes the customer replies
            activity.outcome = rng.choices(["", "contacted", "promise_to_pay"], weights=[60, 15, 25])[0]
        if activity.outcome == "promise_to_pay":
            self._promise(activity, target, day)
        elif activity.outcome == "dispute":
            activity.disputed_cents = target.cents  # the invoice as billed
            task = Task(at, "dispute", activity.assignee, target.id, sla_hours=240)
            task.close(later(at, 24 * rng.randint(1, 10) + rng.randint(0, 6)), False)
            self.tasks.append(task)
        self.activities.append(activity)
        return activity

    def _says_paid(self, doc: Doc, day: int) -> bool:
        return any(sent <= day < applied for sent, applied in self.in_transit.get(doc.seq, []))

    def _promise(self, activity: Activity, doc: Doc, day: int) -> None:
        """Promise dates follow what really happened: kept when the customer did pay."""
        rng = self.rng
        upcoming = sorted(a for a in self.applied.get(doc.seq, []) if a[0] > day)
        keeps = rng.random() < (0.3 if self.c.behaviour_at(month_index(day)) == BAD else 0.75)
        if upcoming and keeps and upcoming[0][0] - day <= 30:
            promised_day = upcoming[0][0] + rng.randint(0, 2)
            amount = sum(a for d, a in upcoming if d <= promised_day)
        else:
            promised_day = day + rng.randint(3, 14)
            amount = doc.open_at(day)
        if amount <= 0:
            activity.outcome = "contacted"
            return
        activity.promise_day, activity.promise_cents = promised_day, amount

    # ------------------------------------------------------------------ tasks

    def _dunning_task(self, iv: Interval, contact: Activity) -> Task:
        created = (next_business_day(iv.start), 8 * 3600 + 30 * 60)
        task = Task(created, "dunning", self.c.owner_on(created[0]), iv.doc.id)
        when = later(contact.at, self.rng.randint(5, 90) / 60)
        task.close(when, contact.outcome in ("promise_to_pay", "paid"))
        self.tasks.append(task)
        return task

    def _dunning_tasks(self, intervals: list[Interval]) -> None:
        """Overdue invoices nobody got to: cancelled if settled first, else still open."""
        for iv in intervals:
            if iv.touched and iv.task:
                continue
            created_day = next_business_day(iv.start)
            if created_day > END:
                continue
            task = Task((created_day, 8 * 3600 + 30 * 60), "dunning", self.c.owner_on(created_day), iv.doc.id)
            if iv.stop <= END:
                task.status = "cancelled"
            self.tasks.append(task)

    def _cash_application_tasks(self) -> None:
        rng = self.rng
        for dep in self.sim.deposits:
            if dep.legal:
                continue
            created = (dep.day, 9 * 3600 + 15 * 60)
            who = self.c.owner_on(dep.day)
            if dep.unapplied:
                task = Task(created, "cash_application", who)
                task.sla_due = (add_business_days(dep.day, 2), 17 * 3600 + 30 * 60)
                self.tasks.append(task)
                continue
            apps = [a for a in self.sim.apps if a.deposit is dep and a.applied > 0 and not a.reverses]
            first = min(apps, key=lambda a: a.day) if apps else None
            if not first or first.method != "manual" or first.day <= dep.day:
                continue
            task = Task(created, "cash_application", who, first.doc.id)
            task.sla_due = (add_business_days(dep.day, 2), 17 * 3600 + 30 * 60)  # 2 business days
            task.close((first.day, 60 * rng.randint(600, 1050)), rng.random() < 0.85)
            self.tasks.append(task)

    def _correction_tasks(self) -> None:
        rng = self.rng
        for day, reversal in self.sim.matching_errors:
            at = (day, 60 * rng.randint(570, 660))
            task = Task(at, "data_correction", reversal.entered_by, reversal.doc.id, sla_hours=48)
            task.error_category = "matching"
            task.close(later(at, rng.randint(1, 4)), True)
            if rng.random() < 0.4:
                task.resolution_tags = rng.choice(["自動消込ルール追加", "振込名義登録", "消込ダブルチェック"])
            self.tasks.append(task)
        for doc in self.sim.docs:
            if doc.is_cn and doc.original and doc.cn_kind == "early" and rng.random() < 0.3:  # a billing input error
                at = (doc.day, 9 * 3600)
                task = Task(at, "data_correction", self.c.owner_on(doc.day), doc.original.id, sla_hours=48)
                task.error_category = "input"
                task.close(later(at, rng.randint(2, 30)), rng.random() < 0.7)
                self.tasks.append(task)

    def _credit_reviews(self) -> None:
        c, rng = self.c, self.rng
        manager = MANAGERS[1] if c.prefecture in WEST_PREFECTURES else MANAGERS[0]
        days = []
        if c.segment != "smb":
            days += [
                d for d in CREDIT_REVIEW_DAYS if month_index(d) >= c.start_month and month_index(d) < c.stop_month + 3
            ]
        if c.switch_to == BAD and c.switch_month is not None:
            days.append(next_business_day(month_start(c.switch_month) + 20))
        for day in sorted(days):
            if day > END:
                continue
            at = (day, 9 * 3600)
            task = Task(at, "credit_review", manager, sla_hours=120)
            done = add_business_days(day, rng.randint(1, 6))
            task.close((done, 16 * 3600), None)
            if task.status == "done":
                task.first_contact = True
            self.tasks.append(task)

    def _reopened(self) -> None:
        """About 5 % of finished work comes back (再発)."""
        rng = self.rng
        for task in list(self.tasks):
            if (
                task.status != "done"
                or task.completed is None
                or task.task_type not in ("dunning", "dispute", "data_correction")
            ):
                continue
            if rng.random() >= 0.08:
                continue
            day = next_business_day(task.completed[0] + rng.randint(3, 20))
            if day > END:
                continue
            again = Task((day, 9 * 3600), task.task_type, self.c.owner_on(day), task.invoice_id, task.sla_hours)
            again.error_category = task.error_category
            again.reopens = task
            if rng.random() < 0.75:
                again.close(later(again.created, 24 * rng.randint(1, 5) + rng.randint(0, 5)), False)
            self.tasks.append(again)

    # ------------------------------------------------------------------ output

    def write(self) -> None:
        world, c = self.sim.world, self.c
        table = world.table("crm/activities")
        self.activities.sort(key=lambda a: (a.at, a.invoice_id, a.channel))
        for a in self.activities:
            activity_id = world.ids.activity.next()
            table.write(
                [
                    activity_id,
                    c.crm_id,
                    a.invoice_id,
                    a.assignee,
                    _stamp(a.at, OFFSET_ACTIVITY_NUMBERS.get(world.ids.activity.last)),
                    a.channel,
                    a.stage,
                    a.outcome,
                    iso(a.promise_day) if a.promise_day else "",
                    money(a.promise_cents) if a.promise_day else "",
                    flag(a.automated),
                    money(a.disputed_cents) if a.outcome == "dispute" and a.disputed_cents else "",
                ]
            )
        write_tasks(world, self.tasks, c.crm_id)


def write_tasks(world: World, tasks: list[Task], crm_id: str) -> None:
    """Ids follow creation time, so a reopened task always points at an earlier id."""
    table = world.table("crm/tasks")
    order = sorted(range(len(tasks)), key=lambda i: (tasks[i].created, i))
    for i in order:
        t = tasks[i]
        t.id = world.ids.task.next()
        table.write(
            [
                t.id,
                crm_id if t.has_account else "",
                t.invoice_id,
                t.assignee,
                t.task_type,
                _stamp(t.created),
                _stamp(t.sla_stamp),
                _stamp(t.completed) if t.completed else "",
                t.status,
                t.reopens.id if t.reopens else "",
                flag(t.first_contact) if t.status == "done" and t.first_contact is not None else "",
                t.error_category,
                t.external_ref,
                t.resolution_tags,
            ]
        )


def _stamp(stamp: Stamp, offset: str | None = None) -> str:
    day, seconds = stamp
    if offset == "Z":  # the same instant in UTC (Tokyo is UTC+9, no daylight saving)
        seconds -= 9 * 3600
        if seconds < 0:
            day, seconds = day - 1, seconds + 86400
        return ts(day, seconds) + "Z"
    if offset:
        return ts(day, seconds) + offset
    return ts(day, seconds)


def _paid_off(doc: Doc) -> int:
    """The day the invoice was settled for good (open ≤ 0 from then on), or FAR."""
    open_amount = doc.cents
    settled = FAR
    by_day: dict[int, int] = {}
    for day, cents in doc.reductions:
        by_day[day] = by_day.get(day, 0) + cents
    for day in sorted(by_day):
        open_amount -= by_day[day]
        if open_amount <= 0:
            settled = min(settled, day)
        else:
            settled = FAR
    return settled
