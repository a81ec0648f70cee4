"""One customer's 18 months: invoices, payments, cash application, legal action, write-offs.

The simulation runs in stages (documents → payment plan → legal transfer → deposits →
cash application → matching errors → write-offs) and then streams the customer's rows out.
Amounts are integer cents throughout, so every ledger identity holds exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import books
from .calendar import (
    END,
    add_business_days,
    from_iso,
    iso,
    month_end,
    month_end_of,
    month_index,
    month_start,
    next_business_day,
    previous_business_day,
    quarter_ends,
)
from .formats import money, round_down
from .masters import (
    AR,
    AR_DENSAI,
    BAD,
    BAD_DEBT,
    CASH,
    FEES,
    LEGAL_FEES,
    LEGAL_STAFF,
    MANAGERS,
    OUTPUT_TAX,
    PROMPT,
    REVENUE,
    SALES_REPS,
    SLOW,
    SUSPENSE,
    Customer,
)
from .names import legal_name
from .notes import Note, settle_by_notes, write_notes
from .planted import MISTYPED_CORPORATE_NUMBERS, MISTYPED_FROM_CUSTOMER, mistyped_corporate_number
from .terms import keyed_due_dates, payment_terms_text
from .world import World

DEDUCTION_RATE = 0.03  # share of deposits that carry a deduction beyond the transfer fee

FAR = 10**9
LAST_BUSINESS_DAY = previous_business_day(END)
AMBIGUOUS_FROM = next_business_day(month_start(10))  # 2026-03: 東和工業 forgets its virtual account

# How late everyone pays, by month of the due date: worse into the winter, better after the
# collection drive of spring 2026 (this is what moves DSO and CEI month to month).
LATENESS = [1.0, 1.0, 1.05, 1.15, 1.1, 1.1, 1.15, 1.3, 1.2, 1.1, 1.0, 0.95, 0.95, 0.9, 0.9, 1.0, 0.85, 0.8]
# Sales seasonality by calendar month (年度末 peak in March, お盆 dip in August).
SEASON = {1: 0.92, 3: 1.18, 8: 0.86, 12: 1.08}

LAW_FIRMS = ["さくら総合法律事務所", "弁護士法人みなと綜合法律事務所", "青山中央法律事務所"]
SERVICERS = ["東都債権回収株式会社", "なにわ債権回収株式会社"]
GUARANTORS = ["東邦信用保証株式会社", "日栄取引信用保険株式会社", "中央ファクタリング株式会社"]


def lateness(mi: int) -> float:
    return LATENESS[min(max(mi, 0), 17)]


class Doc:
    """A billing document: an invoice or a credit note."""

    __slots__ = (
        "id",
        "seq",
        "day",
        "due",
        "cents",
        "is_cn",
        "original",
        "credit",
        "cn_kind",
        "deal",
        "rep",
        "method",
        "delivered",
        "reductions",
        "payments",
        "dispute_day",
        "disputed_cents",
        "case",
        "writeoff",
    )

    def __init__(self, seq: int, day: int, due: int, cents: int) -> None:
        self.id = ""
        self.seq = seq
        self.day = day
        self.due = due
        self.cents = cents
        self.is_cn = False
        self.original: Doc | None = None
        self.credit: Doc | None = None
        self.cn_kind = ""
        self.deal = ""
        self.rep = ""
        self.method = ""
        self.delivered: int | None = None
        # Everything that lowers the open amount: (day, cents). Credit notes, applications
        # (+ fees), reversals (negative) and write-offs.
        self.reductions: list[tuple[int, int]] = []
        self.payments: list[Payment] = []
        self.dispute_day: int | None = None
        self.disputed_cents = 0  # what the customer disputes (the correction it asks for)
        self.case: LegalCase | None = None
        self.writeoff: tuple[int, int] | None = None

    @property
    def net(self) -> int:
        return self.cents + (self.credit.cents if self.credit else 0)

    def open_at(self, day: int) -> int:
        return self.cents - sum(c for d, c in self.reductions if d <= day)


@dataclass
class Payment:
    day: int
    doc: Doc
    cents: int
    recovery: int = -1  # index of the legal recovery this money belongs to, if any


@dataclass
class Deposit:
    day: int
    legal: bool
    parts: list[list]  # [doc, cash_cents, fee_cents]
    account: str = "ACC-MAIN"
    virtual_account: str = ""
    remitter: str = ""
    unapplied: bool = False
    id: str = ""
    recovery: int = -1

    @property
    def cents(self) -> int:
        return sum(p[1] for p in self.parts)


@dataclass
class Application:
    id: str
    deposit: Deposit
    doc: Doc
    applied: int
    day: int
    method: str
    fee: int
    entered_by: str
    reverses: str = ""


@dataclass
class LegalCase:
    opened: int
    docs: list[Doc]
    kind: str
    events: list[tuple[int, str, str, int]] = field(default_factory=list)  # day, type, stage, cost
    recoveries: list[tuple[int, int, int]] = field(default_factory=list)  # day, cents, cost
    closed: int | None = None
    outcome: str = ""
    stage: str = "demand_letter"
    agency: str = ""
    assignee: str = ""
    id: str = ""


@dataclass
class Withdrawal:
    day: int
    cents: int  # positive amount leaving the account
    description: str
    id: str = ""


class CustomerSimulation:
    def __init__(self, world: World, customer: Customer) -> None:
        self.world = world
        self.c = customer
        self.rng: random.Random = customer.rng
        self.docs: list[Doc] = []
        self.invoices: list[Doc] = []
        self.deposits: list[Deposit] = []
        self.apps: list[Application] = []
        self.case: LegalCase | None = None
        self.withdrawals: list[Withdrawal] = []
        self.matching_errors: list[tuple[int, Application]] = []  # (reversal day, reversal)
        self.claims: list[list[str]] = []
        self.ar_account = AR_DENSAI if customer.densai else AR
        self.notes: list[Note] = []
        self.keyed_due: dict[str, int] = {}
        self.legal_parties = ("", "", "")

    # ================================================================== stages

    def run(self) -> None:
        self.issue_documents()
        self.plan_payments()
        if self.c.switch_to == BAD:
            self.plan_legal()
        self.build_deposits()
        self.notes = settle_by_notes(self)
        self.apply_cash()
        if self.c.switch_to != BAD:
            self.inject_matching_errors()
            self.inject_fee_reversals()
        self.write_offs()
        self.guarantee_claims()
        self.record_aging()
        self.legal_parties = self._draw_legal_parties()

    def _draw_legal_parties(self) -> tuple[str, str, str]:
        """How the legal case names its debtor (debtor, corporate number, CRM id), drawn with the stages
        (nothing else is drawn from the customer's stream before its collection work)."""
        c, rng = self.c, self.rng
        if not self.case:
            return "", "", ""
        if c.index == 0:
            return "株式会社\u3000山田商事", "", ""
        debtor = legal_name(c.name, rng)
        number = c.corporate_number or "" if rng.random() < 0.5 else ""
        crm = c.crm_id if rng.random() < 0.5 else ""
        return debtor, number, crm

    # ------------------------------------------------------------------ documents

    def issue_documents(self) -> None:
        c, rng, world = self.c, self.rng, self.world
        deal, deal_left, seq = "", 0, 0
        for mi in range(c.start_month, c.stop_month):
            if c.segment == "smb" and rng.random() < 0.06:
                continue  # no order this month
            month = (mi + 4) % 12 + 1  # month index 0 is May
            growth = (1 + 0.006 * mi) * SEASON.get(month, 1.0)
            for day in self._invoice_days(mi):
                doc = Doc(seq, day, self._due(day), self._amount(growth))
                seq += 1
                if deal_left <= 0:
                    deal = world.ids.deal.next() if rng.random() < 0.88 else ""
                    deal_left = rng.randint(1, 8)
                deal_left -= 1
                doc.deal = deal
                doc.rep = c.sales_rep if rng.random() < 0.9 else rng.choice(SALES_REPS)
                doc.method = "auto" if rng.random() < 0.45 + 0.4 * mi / 17 else "manual"
                doc.delivered = day - rng.randint(0, 10) if rng.random() < 0.9 else None
                self.invoices.append(doc)
                self.docs.append(doc)
                if rng.random() < 0.03:
                    self._credit_note(doc, seq)
                    seq += 1
        self.docs.sort(key=lambda d: (d.day, d.is_cn, d.seq))
        for doc in self.docs:
            doc.id = world.ids.invoice.next()
            mi = month_index(doc.day)
            tax = books.tax_part(doc.cents)
            world.sales_gross[mi] += doc.cents
            world.sales_tax[mi] += tax
            world.sales_net[mi] += doc.cents - tax

    def _invoice_days(self, mi: int) -> list[int]:
        c, rng = self.c, self.rng
        first, last = month_start(mi), month_end(mi)

        def some_day() -> int:
            d = next_business_day(rng.randint(first, last))
            return d if d <= last else previous_business_day(last)

        if c.month_end_billing:  # 末締め: the month's deliveries on one invoice
            days = [previous_business_day(last)]
            if rng.random() < 0.5:
                days.append(some_day())
        else:
            days = [some_day() for _ in range(rng.randint(*c.invoices_per_month))]
        return sorted(days)

    def _due(self, day: int) -> int:
        c = self.c
        if c.month_end_terms:  # 月末締め翌月末払い (or 翌々月末)
            return month_end(month_index(day) + c.terms_days // 30)
        return day + c.terms_days

    def _amount(self, growth: float) -> int:
        gross = self.c.invoice_scale * self.rng.lognormvariate(0, 0.45) * growth
        gross = min(max(gross, 50_100), 5_000_000)
        net_yen = int(gross / 1.1 / 100) * 100
        cents = (net_yen + net_yen // 10) * 100
        if self.rng.random() < 0.01:  # rounding of tax per line leaves half a yen now and then
            cents += 50
        return cents

    def _credit_note(self, doc: Doc, seq: int) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            cn_cents = -doc.cents  # cancelled delivery
        else:
            cn_cents = -max(100_000, round(doc.cents * rng.uniform(0.05, 0.4) / 10_000) * 10_000)
        if rng.random() < 0.5:  # returns or price corrections before the due date
            latest = min(doc.due - 10, END)
            cn_day = next_business_day(doc.day + rng.randint(3, 15))
            if cn_day > latest:
                return
            kind = "early"
        else:  # the customer disputes the invoice when chased; a correction follows
            doc.dispute_day = next_business_day(doc.due + rng.randint(2, 8))
            doc.disputed_cents = -cn_cents
            if doc.dispute_day > LAST_BUSINESS_DAY:
                doc.dispute_day = None
                return
            cn_day = next_business_day(doc.dispute_day + rng.randint(7, 25))
            if cn_day > END:
                return  # still disputed when the data ends
            kind = "dispute"
        cn = Doc(seq, cn_day, max(cn_day, doc.due), cn_cents)
        cn.is_cn, cn.original, cn.cn_kind = True, doc, kind
        cn.deal, cn.rep, cn.method = doc.deal, doc.rep, "manual"
        doc.credit, doc.cn_kind = cn, kind
        doc.reductions.append((cn_day, -cn_cents))
        self.docs.append(cn)

    # ------------------------------------------------------------------ payment plan

    def plan_payments(self) -> None:
        c, rng = self.c, self.rng
        offsets: dict[int, int] = {}  # prompt payers pay everything due on a day together
        for doc in self.invoices:
            net = doc.net
            if net <= 0 or (doc.dispute_day is not None and doc.credit is None):
                continue
            earliest = doc.day + 1
            if doc.credit is not None:
                earliest = doc.credit.day + (1 if doc.cn_kind == "early" else rng.randint(2, 12))
            mi = month_index(doc.day)
            behaviour = c.behaviour_at(mi)
            g = lateness(month_index(doc.due)) * (1 + c.drift * mi / 17)
            for day, cents in self._plan(doc, net, behaviour, g, offsets):
                day = next_business_day(max(day, earliest))
                if day <= END and cents > 0:
                    doc.payments.append(Payment(day, doc, cents))
                    earliest = day + 1

    def _plan(self, doc: Doc, net: int, behaviour: str, g: float, offsets: dict[int, int]) -> list[tuple[int, int]]:
        rng, due = self.rng, doc.due
        if behaviour == PROMPT:
            if due not in offsets:
                late = rng.random() < 0.06 * g
                offsets[due] = round(rng.uniform(1, 10) * g) if late else -rng.randint(0, 5)
            off = offsets[due]
            day = due + off
            return [(previous_business_day(day) if off <= 0 else day, net)]
        if behaviour == SLOW:
            if rng.random() < 0.3:  # part now, the rest a few weeks later
                first = max(100_000, round_down(net * rng.uniform(0.3, 0.7), 10_000 if net > 50_000_000 else 1_000))
                d1 = due + round(rng.uniform(5, 30) * g)
                if first < net:
                    return [(d1, first), (d1 + rng.randint(10, 40), net - first)]
            key = -due  # batch payers clear a due date in one go; keyed apart from prompt offsets
            if key not in offsets or not self.c.batch_payer:
                offsets[key] = round(rng.uniform(10, 60) * g)
            return [(due + offsets[key], net)]
        u = rng.random()  # bad
        if u < 0.35:
            return [(due + round(rng.uniform(45, 150) * g), net)]
        if u < 0.65:
            part = max(100_000, round_down(net * rng.uniform(0.2, 0.5), 1_000))
            if part < net:
                return [(due + round(rng.uniform(30, 120) * g), part)]
        return []

    # ------------------------------------------------------------------ legal

    def plan_legal(self) -> None:
        c, rng = self.c, self.rng
        if not (c.index == 0 or rng.random() < 0.65):
            return
        threshold = 100 if c.index == 0 else rng.randint(90, 150)

        def paid_by(doc: Doc, day: int) -> int:
            return sum(p.cents for p in doc.payments if p.day <= day)

        starts = [d.due + threshold for d in self.invoices if d.net - paid_by(d, d.due + threshold) > 0]
        if not starts:
            return
        opened = next_business_day(min(starts))
        if opened > END - 20:
            return
        cut = opened - 14  # money arriving later for these invoices comes through the case
        docs = [d for d in self.invoices if d.day <= cut and d.net - paid_by(d, cut) > 0]
        if not docs:
            return
        for d in docs:
            d.payments = [p for p in d.payments if p.day <= cut]
        kinds = ["paid_after_letter", "settlement", "lawsuit", "bankrupt", "withdrawn"]
        # Cases opened early have had time for a lawsuit; later ones are mostly still talking.
        # Whether a lawsuit is won is decided run-wide when its judgment falls (World.judgment_lost).
        early = opened < from_iso("2026-01-01")
        weights = [5, 25, 45, 15, 10] if early else [25, 40, 15, 10, 10]
        kind = "settlement" if c.index == 0 else rng.choices(kinds, weights=weights)[0]
        case = LegalCase(opened, docs, kind)
        case.assignee = rng.choice(LEGAL_STAFF)
        servicer = kind in ("settlement", "withdrawn") and rng.random() < 0.4
        case.agency = rng.choice(SERVICERS if servicer else LAW_FIRMS) if rng.random() < 0.85 else ""
        for d in docs:
            d.case = case
        open_total = sum(d.net - paid_by(d, cut) for d in docs)
        _script_case(case, open_total, rng, servicer, yamada=c.index == 0, judgment_lost=self.world.judgment_lost)
        self.case = case
        self._allocate_recoveries(case, {id(d): d.net - paid_by(d, cut) for d in docs})

    def _allocate_recoveries(self, case: LegalCase, open_by_doc: dict[int, int]) -> None:
        """Spread each recovery over the case's invoices, oldest first, never beyond what is open."""
        kept: list[tuple[int, int, int]] = []
        for day, cents, cost in case.recoveries:
            left = cents
            index = len(kept)
            for doc in case.docs:
                take = min(left, open_by_doc[id(doc)])
                if take <= 0:
                    continue
                if open_by_doc[id(doc)] - take < 100:  # never leave a fraction of a yen behind
                    take = open_by_doc[id(doc)]
                doc.payments.append(Payment(day, doc, take, recovery=index))
                open_by_doc[id(doc)] -= take
                left -= take
            if left < cents:
                kept.append((day, cents - left, cost))
        case.recoveries = kept

    # ------------------------------------------------------------------ deposits

    def build_deposits(self) -> None:
        c, rng = self.c, self.rng
        # 控除 (差引): now and then a customer pays short by more than the transfer fee (a rebate, a
        # return, a penalty it claims) and cash application books the shortfall with the fee. Its own
        # stream, so the rest of the customer's rows do not move.
        deductions = random.Random(f"{self.world.seed}/deductions/{c.index}")
        groups: dict[tuple[int, int, int], list[Payment]] = {}
        for doc in self.invoices:
            for p in doc.payments:
                if p.recovery >= 0:
                    key = (p.day, 1, p.recovery)
                elif c.batch_payer:
                    key = (p.day, 0, 0)
                else:
                    key = (p.day, 0, doc.seq + 1)
                groups.setdefault(key, []).append(p)
        paid: dict[int, int] = {}
        for key in sorted(groups):
            legal = key[1] == 1
            parts: list[list[Any]] = []  # [invoice, yen moved, fee absorbed]
            for p in groups[key]:
                paid[id(p.doc)] = paid.get(id(p.doc), 0) + p.cents
                # Banks move whole yen: a half yen left on a settled invoice is absorbed as a fee.
                sen = p.cents % 100 if paid[id(p.doc)] == p.doc.net else 0
                parts.append([p.doc, p.cents - sen, sen])
            dep = Deposit(key[0], legal, parts, recovery=key[2] if legal else -1)
            if not legal and c.fee_deduction:
                biggest = max(parts, key=lambda x: (x[1], -x[0].seq))
                if biggest[1] > c.fee_deduction * 100 + 1_000_000:
                    biggest[1] -= c.fee_deduction * 100
                    biggest[2] += c.fee_deduction * 100
            if not legal:
                self._deduct(parts, deductions)
            # 東和工業 (two companies, one name) always use their virtual accounts, bar one slip.
            if c.virtual_account and (c.index in (1, 2) or rng.random() < 0.9):
                dep.account, dep.virtual_account = "ACC-MAIN", c.virtual_account
            else:
                dep.account = c.bank_account
            dep.remitter = c.legal_remitter if (legal and c.legal_remitter) else c.remitter
            self.deposits.append(dep)
        if c.index == 1:  # one transfer without the virtual account: its name fits two customers
            for dep in self.deposits:
                if dep.day >= AMBIGUOUS_FROM and not dep.legal:
                    dep.virtual_account, dep.account, dep.unapplied = "", "ACC-MAIN", True
                    break

    @staticmethod
    def _deduct(parts: list[list[Any]], deductions: random.Random) -> None:
        """Take a deduction (1–5 % of the part, whole thousands of yen) off a deposit's biggest part, where
        cash application already books a transfer fee (so the applications drawn for matching errors, which
        skip fee-bearing ones, stay the same)."""
        draw, share = deductions.random(), deductions.uniform(0.01, 0.05)
        biggest = max(parts, key=lambda x: (x[1], -x[0].seq))
        if draw < DEDUCTION_RATE and biggest[2] >= 10_000 and biggest[1] > 10_000_000:  # a fee; over 100,000 yen
            cents = max(1_000, round(biggest[1] * share / 100_000) * 1_000) * 100
            biggest[1] -= cents
            biggest[2] += cents

    # ------------------------------------------------------------------ cash application

    def apply_cash(self) -> None:
        c, rng, ids = self.c, self.rng, self.world.ids
        for dep in self.deposits:
            if dep.unapplied:
                continue
            mi = month_index(dep.day)
            if dep.legal:
                method, lag, by = "manual", rng.randint(0, 3), self.case.assignee if self.case else LEGAL_STAFF[0]
            else:
                p_auto = 0.66 + 0.22 * mi / 17 + (0.12 if dep.virtual_account else -0.18)
                p_auto -= 0.05 if len(dep.parts) > 2 else 0
                if rng.random() < p_auto:
                    method, lag, by = "auto", (0 if rng.random() < 0.85 else 1), "system"
                else:
                    lag = rng.choices([1, 2, 3, 4, 5], weights=[50, 25, 12, 8, 5])[0]
                    method, by = "manual", c.owner_on(dep.day)
            day = min(add_business_days(dep.day, lag), LAST_BUSINESS_DAY)
            for doc, cash, fee in dep.parts:
                app = Application(ids.application.next(), dep, doc, cash, day, method, fee, by)
                self.apps.append(app)
                doc.reductions.append((day, cash + fee))

    def inject_matching_errors(self) -> None:
        """About 2 % of applications first land on the wrong invoice and are reversed."""
        rng, ids = self.rng, self.world.ids
        used: set[int] = set()
        for app in list(self.apps):
            if app.fee or app.deposit.legal or rng.random() >= 0.03:
                continue
            d1 = app.day
            d2 = add_business_days(d1, rng.randint(2, 8))
            if d2 > LAST_BUSINESS_DAY or app.doc.seq in used:
                continue
            candidates = [
                b
                for b in self.invoices
                if b is not app.doc and b.seq not in used and b.day <= d1 and b.open_at(d2) >= app.applied
            ]
            if not candidates:
                continue
            wrong = min(candidates, key=lambda b: (abs(b.net - app.applied), b.seq))
            right = app.doc
            right.reductions.remove((d1, app.applied))
            right.reductions.append((d2, app.applied))
            wrong.reductions.append((d1, app.applied))
            wrong.reductions.append((d2, -app.applied))
            who = self.c.owner_on(d2)
            app.doc = wrong
            reversal = Application(
                ids.application.next(), app.deposit, wrong, -app.applied, d2, "manual", 0, who, app.id
            )
            redo = Application(ids.application.next(), app.deposit, right, app.applied, d2, "manual", 0, who)
            self.apps += [reversal, redo]
            self.matching_errors.append((d2, reversal))
            used.update((wrong.seq, right.seq))

    def inject_fee_reversals(self) -> None:
        """About 0.5 % of the applications that deducted a transfer fee first land on the wrong invoice
        and are reversed the same day with their fee (applied and fee both negative), then applied again,
        fee included, to the right invoice. Same-day, so no invoice's balance at a day's end changes, and
        drawn from a stream of their own, so only applications and journals gain rows."""
        rng, ids = random.Random(f"{self.world.seed}/fee-reversal/{self.c.index}"), self.world.ids
        used: set[int] = {app.doc.seq for app in self.apps if app.reverses}
        for app in list(self.apps):
            if not app.fee or app.applied <= 0 or app.deposit.legal or rng.random() >= 0.005:
                continue
            day, reduction = app.day, app.applied + app.fee
            candidates = [
                b
                for b in self.invoices
                if b is not app.doc and b.seq not in used and b.day <= day and b.open_at(day) >= reduction
            ]
            if app.doc.seq in used or not candidates:
                continue
            wrong = min(candidates, key=lambda b: (abs(b.net - reduction), b.seq))
            right, who = app.doc, self.c.owner_on(day)
            app.doc = wrong
            reversal = Application(
                ids.application.next(), app.deposit, wrong, -app.applied, day, "manual", -app.fee, who, app.id
            )
            redo = Application(ids.application.next(), app.deposit, right, app.applied, day, "manual", app.fee, who)
            self.apps += [reversal, redo]
            used.update((wrong.seq, right.seq))

    # ------------------------------------------------------------------ write-offs

    def write_offs(self) -> None:
        case = self.case
        if case and case.closed and case.outcome in ("uncollectible", "partially_recovered"):
            day = month_end_of(case.closed)
            if day <= END:
                for doc in case.docs:
                    self._write_off(doc, day)
        if self.c.switch_to != BAD:
            return
        for qe in quarter_ends():  # more than a year overdue: written off at the quarter-end
            for doc in self.invoices:
                if doc.writeoff or qe - doc.due <= 365:
                    continue
                if doc.case and not (doc.case.outcome == "withdrawn" and doc.case.closed and doc.case.closed < qe):
                    continue
                self._write_off(doc, qe)

    def _write_off(self, doc: Doc, day: int) -> None:
        amount = doc.open_at(FAR)
        if amount <= 0 or doc.open_at(day) != amount:
            return  # nothing left, or money still to come after that date
        doc.writeoff = (day, amount)
        doc.reductions.append((day, amount))

    # ------------------------------------------------------------------ guarantee / insurance

    def guarantee_claims(self) -> None:
        c, rng = self.c, self.rng
        if not c.insured or c.switch_to != BAD:
            return
        guarantor = GUARANTORS[c.index % len(GUARANTORS)]
        for doc in self.invoices:
            if len(self.claims) >= 2:
                break
            if doc.writeoff and rng.random() < 0.7:
                claim_day, base = doc.writeoff[0] + rng.randint(10, 40), doc.writeoff[1]
            elif doc.case and not doc.writeoff and rng.random() < 0.3:
                claim_day, base = doc.case.opened + rng.randint(30, 60), doc.open_at(doc.case.opened)
            else:
                continue
            if claim_day > END or base <= 0:
                continue
            claimed = base * 9 // 10 // 100 * 100  # 90 % cover, whole yen
            paid_day, paid = "", ""
            pay_on = claim_day + rng.randint(30, 90)
            if rng.random() < 0.6 and pay_on <= END:
                paid_day = iso(pay_on)
                paid = money(claimed if rng.random() < 0.7 else claimed * rng.randint(50, 90) // 100 // 100 * 100)
            self.claims.append(
                [self.world.ids.claim.next(), doc.id, iso(claim_day), money(claimed), paid_day, paid, guarantor]
            )

    # ------------------------------------------------------------------ aging for the allowance

    def record_aging(self) -> None:
        for qe, buckets in self.world.aging.items():
            for doc in self.invoices:
                if doc.due >= qe or doc.day > qe:
                    continue
                amount = doc.open_at(qe)
                if amount <= 0:
                    continue
                age = qe - doc.due
                buckets[0 if age <= 90 else 1 if age <= 180 else 2 if age <= 365 else 3] += amount

    # ================================================================== output

    def write(self) -> None:
        invoices = [(d.id, d.day, d.due, d.method) for d in self.invoices]
        self.keyed_due = keyed_due_dates(self.world.seed, self.c, invoices)
        self._write_masters()
        self._write_documents()
        self._write_bank()
        self._write_applications()
        self._write_journals()
        write_notes(self, self.notes)
        self._write_legal()
        for row in self.claims:
            self.world.table("guarantee/claims").write(row)

    def billing_row(self) -> list[str]:
        c = self.c
        return [
            c.billing_id,
            c.name.billing_name,
            c.name.billing_kana,
            c.corporate_number or "",
            str(c.terms_days),
            money(c.credit_limit * 100),
            c.virtual_account or "",
            payment_terms_text(c),
        ]

    def invoice_row(self, doc: Doc) -> list[str]:
        return [
            doc.id,
            self.c.billing_id,
            iso(doc.day),
            iso(self.keyed_due.get(doc.id, doc.due)),
            money(doc.cents),
            "JPY",
            "credit_note" if doc.is_cn else "invoice",
            doc.original.id if doc.original else "",
            doc.deal,
            doc.rep,
            doc.method,
            iso(doc.delivered) if doc.delivered else "",
        ]

    def _write_masters(self) -> None:
        c, w = self.c, self.world
        w.table("billing/customers").write(self.billing_row())
        accounting_number, crm_number = corporate_numbers_written(c, w.mistyped_corporate_numbers)
        w.table("accounting/customers").write([c.accounting_code, c.accounting_name, accounting_number or ""])
        w.table("crm/accounts").write(
            [
                c.crm_id,
                c.crm_name,
                c.crm_kana,
                crm_number or "",
                c.billing_id if c.crm_billing_xref else "",
                c.accounting_code if c.crm_accounting_xref else "",
                c.segment,
                c.industry,
                c.owner,
            ]
        )

    def _write_documents(self) -> None:
        table = self.world.table("billing/invoices")
        for doc in self.docs:
            table.write(self.invoice_row(doc))

    def _legal_cost_withdrawals(self) -> None:
        case = self.case
        if not case:
            return
        costs = [(d, cost, "法的費用") for d, _, _, cost in case.events if cost]
        costs += [(d, cost, "回収手数料") for d, _, cost in case.recoveries if cost]
        for day, cost, label in costs:
            pay_day = add_business_days(day, 3)
            if pay_day <= END:
                self.withdrawals.append(Withdrawal(pay_day, cost, f"{label} {case.agency or '法務'}"))

    def _write_bank(self) -> None:
        self._legal_cost_withdrawals()
        ids, w = self.world.ids, self.world
        rows: list[tuple[int, int, Deposit | Withdrawal]] = [(d.day, 0, d) for d in self.deposits]
        rows += [(x.day, 1, x) for x in self.withdrawals]
        table = w.table("bank/transactions")
        for day, _, item in sorted(rows, key=lambda r: (r[0], r[1])):
            item.id = ids.bank.next()
            if isinstance(item, Deposit):
                w.bank_move(item.account, day, item.cents)
                account = w.bank_account_id(item.account)
                table.write([item.id, account, iso(day), money(item.cents), "JPY", item.remitter, item.virtual_account])
            else:
                w.bank_move("ACC-MAIN", day, -item.cents)
                table.write([item.id, w.bank_account_id("ACC-MAIN"), iso(day), money(-item.cents), "JPY", "", ""])

    def _write_applications(self) -> None:
        table = self.world.table("accounting/cash_applications")
        for app in self.apps:
            table.write(
                [
                    app.id,
                    self.world.bank_transaction_ref(app.deposit.id),
                    app.doc.id,
                    money(app.applied),
                    iso(app.day),
                    app.method,
                    money(app.fee) if app.fee else "",
                    app.reverses,
                ]
            )

    def _write_journals(self) -> None:
        c, ar, code = self.c, self.ar_account, self.c.accounting_code
        entries: list[tuple[int, int, str, str, str, list[books.Line]]] = []
        for doc in self.docs:
            tax = books.tax_part(doc.cents)
            if doc.is_cn:
                lines = [
                    (REVENUE, -(doc.cents - tax), 0, "", ""),
                    (OUTPUT_TAX, -tax, 0, "", ""),
                    (ar, 0, -doc.cents, code, doc.id),
                ]
                assert doc.original is not None  # a credit note always has its invoice
                entries.append((doc.day, 0, "sales", "system", f"売上値引・返品 {doc.original.id}", lines))
            else:
                lines = [
                    (ar, doc.cents, 0, code, doc.id),
                    (REVENUE, 0, doc.cents - tax, "", ""),
                    (OUTPUT_TAX, 0, tax, "", ""),
                ]
                entries.append((doc.day, 0, "sales", "system", f"売上計上 {doc.id}", lines))
        for app in self.apps:
            if app.applied < 0:
                lines = [(ar, -app.applied, 0, code, app.doc.id), (CASH, 0, -app.applied, "", "")]
                if app.fee:  # the fee deducted is reversed with the cash
                    lines += [(ar, -app.fee, 0, code, app.doc.id), (FEES, 0, -app.fee, "", "")]
                entries.append((app.day, 1, "reversal", app.entered_by, f"消込取消 {app.reverses}", lines))
                continue
            lines = [(CASH, app.applied, 0, "", ""), (ar, 0, app.applied, code, app.doc.id)]
            if app.fee:
                lines += [(FEES, app.fee, 0, "", ""), (ar, 0, app.fee, code, app.doc.id)]
            deposit_ref = self.world.bank_transaction_ref(app.deposit.id)
            entries.append((app.day, 2, "receipt", app.entered_by, f"入金消込 {deposit_ref}", lines))
        for dep in self.deposits:
            if dep.unapplied:  # unidentified receipt parked in suspense (仮受金)
                lines = [(CASH, dep.cents, 0, "", ""), (SUSPENSE, 0, dep.cents, "", "")]
                deposit_ref = self.world.bank_transaction_ref(dep.id)
                entries.append((dep.day, 3, "other", "system", f"未確認入金 {deposit_ref}", lines))
        for doc in self.invoices:
            if doc.writeoff:
                day, amount = doc.writeoff
                lines = [(BAD_DEBT, amount, 0, "", ""), (ar, 0, amount, code, doc.id)]
                entries.append((day, 4, "write_off", MANAGERS[c.index % 2], f"貸倒償却 {doc.id}", lines))
        for x in self.withdrawals:
            lines = [(LEGAL_FEES, x.cents, 0, "", ""), (CASH, 0, x.cents, "", "")]
            entries.append((x.day, 5, "other", self.case.assignee if self.case else "system", x.description, lines))
        entries.sort(key=lambda e: (e[0], e[1]))
        for day, _, entry_type, by, description, lines in entries:
            books.post(self.world, day, entry_type, by, description, lines)

    def _write_legal(self) -> None:
        case, w = self.case, self.world
        if not case:
            return
        case.id = w.ids.case.next()
        debtor, number, crm = self.legal_parties
        w.table("legal/cases").write(
            [
                case.id,
                debtor,
                number,
                crm,
                iso(case.opened),
                case.stage,
                iso(case.closed) if case.closed else "",
                case.outcome,
                case.agency,
                case.assignee,
            ]
        )
        for doc in case.docs:
            w.table("legal/case_invoices").write([case.id, doc.id, money(doc.open_at(case.opened))])
        for day, kind, stage, cost in case.events:
            w.table("legal/events").write([case.id, iso(day), kind, stage, money(cost) if cost else ""])
        for dep in self.deposits:
            if dep.legal:
                cost = case.recoveries[dep.recovery][2]
                w.table("legal/recoveries").write(
                    [case.id, iso(dep.day), money(dep.cents), money(cost) if cost else ""]
                )


def corporate_numbers_written(c: Customer, counts: dict[str, int]) -> tuple[str | None, str | None]:
    """The customer's 法人番号 as its accounting and CRM copies carry them: the first few customers with
    CRM cross-references (from MISTYPED_FROM_CUSTOMER on) have one of them mistyped. counts (mistyped so
    far in the run, per system) is updated."""
    accounting_number, crm_number = c.accounting_corporate_number, c.crm_corporate_number
    if c.index >= MISTYPED_FROM_CUSTOMER and c.crm_billing_xref and c.crm_accounting_xref:
        if accounting_number and counts["accounting"] < MISTYPED_CORPORATE_NUMBERS:
            accounting_number = mistyped_corporate_number(accounting_number)
            counts["accounting"] += 1
        elif crm_number and counts["crm"] < MISTYPED_CORPORATE_NUMBERS:
            crm_number = mistyped_corporate_number(crm_number)
            counts["crm"] += 1
    return accounting_number, crm_number


def _script_case(
    case: LegalCase,
    open_total: int,
    rng: random.Random,
    servicer: bool,
    yamada: bool,
    judgment_lost: Callable[[], bool],
) -> None:
    """The course of a legal case: its events, recoveries and closing, cut at the data's end.

    judgment_lost is asked once per lawsuit judged within the data, in the order customers are
    simulated: whether that judgment goes against us."""
    t = case.opened
    events: list[tuple[int, str, str, int]] = [(t, "stage_change", "demand_letter", 2_500 * 100)]
    recoveries: list[tuple[int, int]] = []
    closed, outcome = None, ""

    def later(day: int, lo: int, hi: int) -> int:
        return next_business_day(day + rng.randint(lo, hi))

    kind = case.kind
    if kind == "paid_after_letter":
        d = later(t, 14, 40)
        recoveries.append((d, open_total))
        closed, outcome = later(d, 3, 10), "recovered"
    elif kind == "settlement":
        neg = later(t, 10, 30)
        settle = later(neg, 20, 60)
        events += [(neg, "stage_change", "negotiation", 0), (settle, "stage_change", "settled", 0)]
        ratio = 0.8 if yamada else rng.choice([1.0, 1.0, rng.uniform(0.5, 0.95)])
        target = int(open_total * ratio) // 100 * 100
        count = 10 if yamada else rng.randint(6, 18)
        instalment = max(1_000 * 100, target // count // 100_000 * 100_000)
        paid, d = 0, settle
        for k in range(count):
            d = later(month_end_of(d) + 1, 24, 28) if k else later(settle, 25, 35)
            amount = target - paid if k == count - 1 else min(instalment, target - paid)
            if amount <= 0 or d > END + 366:
                break
            recoveries.append((d, amount))
            paid += amount
        closed = later(d, 5, 20)
        outcome = "recovered" if ratio >= 0.999 else "partially_recovered"
    elif kind == "lawsuit":
        neg = later(t, 10, 30)
        filing = later(neg, 20, 60)
        stamp = min(max(open_total // 200, 10_000 * 100), 300_000 * 100) // 100 * 100
        events += [(neg, "stage_change", "negotiation", 0), (filing, "filing", "lawsuit", stamp)]
        judged = later(filing, 60, 120)  # often by default (欠席判決)
        # 判決: counsel's appearance fee and the service of the judgment, won or lost.
        judgment_cost = rng.randint(30, 120) * 1_000 * 100
        if judged > END or not judgment_lost():
            enforce = later(judged, 14, 45)
            events += [
                (judged, "judgment_won", "judgment", judgment_cost),
                (enforce, "enforcement_started", "enforcement", rng.randint(100, 400) * 1_000 * 100),
            ]
            d, left = enforce, open_total
            for _ in range(rng.randint(1, 3)):
                d = later(d, 20, 90)
                amount = int(left * rng.uniform(0.1, 0.4)) // 100 * 100
                if amount > 0:
                    recoveries.append((d, amount))
                    left -= amount
            closed = later(d, 30, 90)
            outcome = "partially_recovered"
        else:
            events.append((judged, "judgment_lost", "judgment", judgment_cost))
            closed, outcome = later(judged, 14, 30), "uncollectible"
    elif kind == "bankrupt":
        neg = later(t, 10, 30)
        filing = later(neg, 20, 60)  # 破産手続開始: the claim is filed with the trustee
        events += [(neg, "stage_change", "negotiation", 0), (filing, "other", "", 0)]
        closed = later(filing, 60, 200)
        dividend = int(open_total * rng.uniform(0.01, 0.05)) // 100 * 100
        if dividend > 0:
            recoveries.append((previous_business_day(closed - 7), dividend))
        outcome = "uncollectible"
    else:  # withdrawn: not worth pursuing further
        neg = later(t, 10, 30)
        events.append((neg, "stage_change", "negotiation", 0))
        closed, outcome = later(neg, 30, 120), "withdrawn"
    if closed is not None:
        events.append((closed, "stage_change", "closed", 0))
    # Keep what happened by the data's end; event dates are distinct within a case.
    seen: set[int] = set()
    case.events = []
    for e in sorted(events):
        if e[0] <= END and e[0] not in seen:
            seen.add(e[0])
            case.events.append(e)
    commission = 0.25 if servicer else 0.1
    case.recoveries = [
        (d, a, (int(a * commission) // 100 * 100 if rng.random() < 0.6 else 0)) for d, a in recoveries if d <= END
    ]
    stages = [s for _, _, s, _ in case.events if s]
    case.stage = stages[-1] if stages else "demand_letter"
    if closed is not None and closed <= END:
        case.closed, case.outcome = closed, outcome
        if outcome == "partially_recovered" and not case.recoveries:
            case.outcome = "uncollectible"
