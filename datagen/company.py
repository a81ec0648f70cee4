"""The company's own books and cash, written after all customers are simulated.

Purchases, cost of sales, payroll, rent, utilities, consumption tax and the allowance are
sized from the simulated sales, so DIO, DPO, the current ratio and cash liquidity come out in
realistic ranges at any scale. Their payments are bank withdrawals with matching journals;
the opening balances are then chosen so that neither bank account ever runs dry.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import books
from .calendar import (
    END,
    OPENING,
    START,
    days_in_month,
    from_iso,
    iso,
    mondays,
    month_end,
    month_start,
    next_business_day,
    previous_business_day,
    quarter_ends,
)
from .formats import money
from .masters import (
    ACCRUED,
    ALLOWANCE,
    CAPITAL,
    CASH,
    COST_OF_SALES,
    FIXED_ASSETS,
    INPUT_TAX,
    INVENTORY,
    LOANS,
    MANAGERS,
    OUTPUT_TAX,
    PAYABLES,
    PREPAID,
    PROVISION,
    PURCHASES,
    RENT,
    RETAINED,
    SALARIES,
    SECURITIES,
    TRANSFER_TO_STOCK,
    UTILITIES,
    WELFARE,
)
from .world import BANK_ACCOUNTS, World

SUPPLIERS = ["丸和物産", "東京資材", "関西パーツ", "大洋化成", "北辰金属", "光栄包装", "三星電材", "新和商会"]
ALLOWANCE_RATES = [0.01, 0.10, 0.30, 0.70]  # by age bucket: 1–90, 91–180, 181–365, >365 days


@dataclass
class Payment:
    day: int
    cents: int
    description: str
    lines: list[books.Line]
    main_only: bool
    account: str = "ACC-MAIN"


def whole_yen(x: float) -> int:
    return int(x) // 100 * 100


class CompanyBooks:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = random.Random(f"{world.seed}/company")
        gross = [max(g, 100_000 * 100) for g in world.sales_gross]
        self.revenue_scale = sum(gross) / len(gross)  # average monthly sales, cents
        self.payments: list[Payment] = []
        self.input_tax = [0] * 18
        self.accruals: list[tuple[int, str, list[books.Line]]] = []  # non-cash journals
        self.opening_inventory = 0
        self.opening_payables = 0
        self.opening_accrued = 0
        self.opening_cash: dict[str, int] = {}
        self.balances: dict[str, list[int]] = {}

    def run(self) -> None:
        self._stock_and_purchases()
        self._payroll_rent_utilities()
        self._consumption_tax()
        self._allowance()
        self._allocate_accounts()
        self._write()

    # ------------------------------------------------------------------ stock

    def _stock_and_purchases(self) -> None:
        rng, w = self.rng, self.world
        cogs = [whole_yen(max(w.sales_net[m], 0) * rng.uniform(0.63, 0.67)) for m in range(18)]
        self.opening_inventory = whole_yen(cogs[0] * 30 / 31)
        stock = self.opening_inventory
        first_purchases = 0
        for m in range(18):
            target = cogs[m] * rng.uniform(27, 33) / days_in_month(m)  # DIO around 30 days
            bought = whole_yen(max(0.3 * cogs[m], cogs[m] + target - stock))
            stock += bought - cogs[m]
            first_purchases = first_purchases or bought
            self._purchases(m, bought)
            self.accruals.append(
                (month_end(m), "売上原価振替", [(COST_OF_SALES, cogs[m], 0, "", ""), (INVENTORY, 0, cogs[m], "", "")])
            )
        # Payables carried in: late-April deliveries, paid in May like any other.
        for k, day in enumerate(("2025-04-14", "2025-04-21", "2025-04-28")):
            gross = whole_yen(first_purchases / 4 * 1.1)
            self.opening_payables += gross
            pay_day = next_business_day(from_iso(day) + 17)
            self._pay_supplier(pay_day, gross, SUPPLIERS[k])

    def _purchases(self, m: int, bought: int) -> None:
        rng = self.rng
        weights = [rng.uniform(0.7, 1.3) for _ in range(4)]
        left = bought
        for k, dom in enumerate((5, 12, 19, 26)):
            net = left if k == 3 else whole_yen(bought * weights[k] / sum(weights))
            left -= net
            day = next_business_day(month_start(m) + dom - 1)
            tax = net // 10 // 100 * 100
            supplier = SUPPLIERS[(m * 4 + k) % len(SUPPLIERS)]
            self.input_tax[m] += tax
            self.accruals.append(
                (
                    day,
                    f"仕入 {supplier}",
                    [
                        (PURCHASES, net, 0, "", ""),
                        (INPUT_TAX, tax, 0, "", ""),
                        (PAYABLES, 0, net + tax, "", ""),
                        (INVENTORY, net, 0, "", ""),
                        (TRANSFER_TO_STOCK, 0, net, "", ""),
                    ],
                )
            )
            self._pay_supplier(next_business_day(day + 17), net + tax, supplier)  # DPO around 20 days

    def _pay_supplier(self, day: int, gross: int, supplier: str) -> None:
        if day > END:
            return
        lines = [(PAYABLES, gross, 0, "", ""), (CASH, 0, gross, "", "")]
        self.payments.append(Payment(day, gross, f"買掛金支払 {supplier}", lines, main_only=False))

    # ------------------------------------------------------------------ people and premises

    def _payroll_rent_utilities(self) -> None:
        rng, r = self.rng, self.revenue_scale
        salary = 0.14 * r
        rent = whole_yen(0.02 * r)
        self.opening_accrued = whole_yen(0.035 * r)
        carried = self.opening_accrued
        for m in range(18):
            pay = whole_yen(salary * (1 + 0.003 * m) * rng.uniform(0.98, 1.02))
            self._expense(previous_business_day(month_start(m) + 24), pay, SALARIES, "給与支払", True)
            if (m + 4) % 12 + 1 in (7, 12):  # 賞与 in July and December
                self._expense(
                    previous_business_day(month_start(m) + 9), whole_yen(pay * 1.2), SALARIES, "賞与支払", True
                )
            self._expense(previous_business_day(month_end(m)), whole_yen(pay * 0.15), WELFARE, "社会保険料", True)
            self._expense(previous_business_day(month_start(m) + 26), rent, RENT, "家賃", False)
            # Utilities accrue at month end and are paid on the 20th of the next month.
            self._payable_paid(next_business_day(month_start(m) + 19), carried, "水道光熱費支払")
            carried = whole_yen(0.035 * r * rng.uniform(0.85, 1.15))
            self.accruals.append(
                (month_end(m), "水道光熱費計上", [(UTILITIES, carried, 0, "", ""), (ACCRUED, 0, carried, "", "")])
            )

    def _expense(self, day: int, cents: int, account: str, description: str, main_only: bool) -> None:
        if day > END or day < START:
            return
        lines = [(account, cents, 0, "", ""), (CASH, 0, cents, "", "")]
        self.payments.append(Payment(day, cents, description, lines, main_only))

    def _payable_paid(self, day: int, cents: int, description: str) -> None:
        if day > END:
            return
        lines = [(ACCRUED, cents, 0, "", ""), (CASH, 0, cents, "", "")]
        self.payments.append(Payment(day, cents, description, lines, main_only=False))

    # ------------------------------------------------------------------ tax and allowance

    def _consumption_tax(self) -> None:
        """Quarterly 消費税 (中間納付): output tax less input tax of the three months before."""
        w = self.world
        for m in (3, 6, 9, 12, 15):
            output = sum(w.sales_tax[m - 3 : m])
            paid_in = sum(self.input_tax[m - 3 : m])
            due = output - paid_in
            if due <= 0:
                continue
            day = previous_business_day(month_end(m))
            lines = [(OUTPUT_TAX, output, 0, "", ""), (INPUT_TAX, 0, paid_in, "", ""), (CASH, 0, due, "", "")]
            self.payments.append(Payment(day, due, "消費税納付", lines, main_only=True))

    def _allowance(self) -> None:
        current = 0
        for qe in quarter_ends():
            buckets = self.world.aging[qe]
            target = whole_yen(sum(b * rate for b, rate in zip(buckets, ALLOWANCE_RATES, strict=True)))
            delta = target - current
            current = target
            if delta > 0:
                lines = [(PROVISION, delta, 0, "", ""), (ALLOWANCE, 0, delta, "", "")]
            elif delta < 0:
                lines = [(ALLOWANCE, -delta, 0, "", ""), (PROVISION, 0, -delta, "", "")]
            else:
                continue
            self.accruals.append((qe, "貸倒引当金繰入" if delta > 0 else "貸倒引当金戻入", lines))

    # ------------------------------------------------------------------ which account pays

    def _allocate_accounts(self) -> None:
        """Pay from the sub account while it can spare the money; everything else from main."""
        r = self.revenue_scale
        w = self.world
        self.payments.sort(key=lambda p: (p.day, p.description))
        sub_open = whole_yen(0.25 * r)
        sub_floor = 0.12 * r
        sub_in = _cumulative(w.bank_daily["ACC-SUB"])
        sub_out = 0
        for p in self.payments:
            if not p.main_only and sub_open + sub_in[p.day - OPENING] - sub_out - p.cents >= sub_floor:
                p.account = "ACC-SUB"
                sub_out += p.cents
            w.bank_move(p.account, p.day, -p.cents)
        main_cum = _cumulative(w.bank_daily["ACC-MAIN"])
        main_open = whole_yen(max(1.3 * r, 0.3 * r - min(main_cum)))
        self.opening_cash = {"ACC-MAIN": main_open, "ACC-SUB": sub_open}
        for account in BANK_ACCOUNTS:
            opening = self.opening_cash[account]
            self.balances[account] = [opening + x for x in _cumulative(w.bank_daily[account])]

    # ------------------------------------------------------------------ output

    def _write(self) -> None:
        w, r = self.world, self.revenue_scale
        self._opening_journal(r)
        entries: list[tuple[int, int, str, list[books.Line], str]] = []
        for day, description, lines in self.accruals:
            entries.append((day, 0, description, lines, MANAGERS[0] if "引当金" in description else "system"))
        bank = w.table("bank/transactions")
        for p in self.payments:
            p_id = w.ids.bank.next()
            bank.write([p_id, w.bank_account_id(p.account), iso(p.day), money(-p.cents), "JPY", "", ""])
            entries.append((p.day, 1, f"{p.description} {w.bank_transaction_ref(p_id)}", p.lines, "system"))
        entries.sort(key=lambda e: (e[0], e[1]))
        for day, _, description, lines, by in entries:
            books.post(w, day, "other", by, description, lines)
        table = w.table("bank/balances")
        for account in BANK_ACCOUNTS:
            account_id = w.bank_account_id(account)
            for i, balance in enumerate(self.balances[account]):
                table.write([account_id, iso(OPENING + i) + "T23:59:59", money(balance), "JPY"])
            if w.zengin is not None:  # the statement's 取引前残高 / 取引後残高
                series = self.balances[account]
                w.zengin.set_balances(account_id, series[START - 1 - OPENING], series[END - OPENING])
        self._forecasts()

    def _opening_journal(self, r: float) -> None:
        cash = sum(self.opening_cash.values())
        debit = [
            (CASH, cash),
            (SECURITIES, whole_yen(0.3 * r)),
            (INVENTORY, self.opening_inventory),
            (PREPAID, whole_yen(0.04 * r)),
            (FIXED_ASSETS, whole_yen(2.0 * r)),
        ]
        credit = [
            (PAYABLES, self.opening_payables),
            (ACCRUED, self.opening_accrued),
            (LOANS, whole_yen(0.8 * r)),
            (CAPITAL, whole_yen(0.5 * r)),
        ]
        lines = [(a, c, 0, "", "") for a, c in debit] + [(a, 0, c, "", "") for a, c in credit]
        equity = sum(c for _, c in debit) - sum(c for _, c in credit)
        lines.append((RETAINED, 0, equity, "", "") if equity >= 0 else (RETAINED, -equity, 0, "", ""))
        books.post(self.world, OPENING, "other", MANAGERS[0], "期首残高", lines)

    def _forecasts(self) -> None:
        """Weekly cash forecasts: the balance later observed, give or take a few percent."""
        w, rng = self.world, self.rng
        total = [a + b for a, b in zip(self.balances["ACC-MAIN"], self.balances["ACC-SUB"], strict=True)]
        table = w.table("treasury/cash_forecasts")
        made_days = mondays()
        for made in made_days:
            recent = made >= made_days[-2]  # the last forecasts reach past the data: kept as future ones
            for horizon, days, spread in (("week", 7, 0.015), ("month", 30, 0.03), ("quarter", 91, 0.06)):
                target = made + days
                if target > END and not recent:
                    continue
                for account in [""] + (BANK_ACCOUNTS if horizon == "month" and rng.random() < 0.25 else []):
                    actual = self._balance_on(target, account, total)
                    forecast = round(actual * (1 + rng.gauss(0, spread)) / 100_000) * 100_000
                    account_id = w.bank_account_id(account) if account else ""
                    table.write([w.ids.forecast.next(), iso(made), iso(target), horizon, money(forecast), account_id])

    def _balance_on(self, day: int, account: str, total: list[int]) -> int:
        series = total if not account else self.balances[account]
        return series[min(day, END) - OPENING]


def _cumulative(moves: list[int]) -> list[int]:
    out, running = [], 0
    for m in moves:
        running += m
        out.append(running)
    return out
