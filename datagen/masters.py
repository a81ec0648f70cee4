"""Reference data: assignees, the chart of accounts, and the customer population.

Each customer is drawn from its own random stream (seeded by the run seed and its index),
so a customer looks the same at every scale and adding customers never reshuffles others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .calendar import from_iso
from .names import (
    BUSINESSES,
    IRYO,
    KABUSHIKI,
    SHADAN,
    STEMS,
    CompanyName,
    accounting_name,
    crm_name,
    designator_for,
    normalised_key,
    printable_core,
    remitter_name,
    remitter_style,
)

# B99998 and B99999 belong to planted rows (datagen/planted.py: a customer without a name, an invoice
# of a customer that does not exist); past 99,997 customers the regular ids go on after them.
PLANTED_BILLING_NUMBERS = (99_998, 99_999)


def billing_id(index: int) -> str:
    """The billing customer id of the index-th customer (0-based): B00001 …, skipping the planted ones."""
    number = index + 1
    if number >= PLANTED_BILLING_NUMBERS[0]:
        number += len(PLANTED_BILLING_NUMBERS)
    return f"B{number:05d}"


# --------------------------------------------------------------------------- assignees


@dataclass(frozen=True)
class Assignee:
    assignee_id: str
    name: str
    team: str
    role: str
    active: bool


ASSIGNEES: list[Assignee] = [
    Assignee("U001", "佐々木 健一", "東日本", "collector", True),
    Assignee("U002", "山口 美咲", "東日本", "collector", True),
    Assignee("U003", "大野 隆", "東日本", "collector", False),
    Assignee("U004", "西田 直樹", "西日本", "collector", True),
    Assignee("U005", "松井 由紀", "西日本", "collector", True),
    Assignee("U006", "今井 聡", "法人営業部", "collector", True),
    Assignee("U007", "河野 恵", "法人営業部", "collector", True),
    Assignee("U008", "石田 浩二", "法務", "legal", True),
    Assignee("U009", "上野 真理", "法務", "legal", True),
    Assignee("U010", "森本 大輔", "営業部", "sales", True),
    Assignee("U011", "早川 彩", "営業部", "sales", True),
    Assignee("U012", "村田 拓也", "営業部", "sales", True),
    Assignee("U013", "藤原 誠", "債権管理部", "manager", True),
    Assignee("U014", "小島 京子", "債権管理部", "manager", True),
]

EAST_COLLECTORS = ["U001", "U002"]
WEST_COLLECTORS = ["U004", "U005"]
CORPORATE_COLLECTORS = ["U006", "U007"]
LEAVER = "U003"  # left at the end of September 2025; his accounts went to U001/U002
LEAVER_LAST_DAY = from_iso("2025-09-30")
LEGAL_STAFF = ["U008", "U009"]
SALES_REPS = ["U010", "U011", "U012"]
MANAGERS = ["U013", "U014"]

# --------------------------------------------------------------------------- chart of accounts

CASH = "1000"
SECURITIES = "1050"
AR = "1100"
AR_DENSAI = "1110"
AR_NOTES = "1120"
DENSAI_NOTES = "1130"
ALLOWANCE = "1190"
INVENTORY = "1200"
PREPAID = "1300"
INPUT_TAX = "1310"
FIXED_ASSETS = "1500"
PAYABLES = "2100"
ACCRUED = "2200"
OUTPUT_TAX = "2250"
SUSPENSE = "2300"
LOANS = "2400"
CAPITAL = "3000"
RETAINED = "3100"
REVENUE = "4000"
COST_OF_SALES = "5000"
PURCHASES = "5100"
TRANSFER_TO_STOCK = "5900"
BAD_DEBT = "6100"
PROVISION = "6110"
FEES = "6200"
SALARIES = "6300"
WELFARE = "6310"
RENT = "6400"
UTILITIES = "6600"
LEGAL_FEES = "6800"
NOTE_DISCOUNT_LOSS = "6210"
BAD_DEBT_RECOVERY = "7100"

ACCOUNTS: list[tuple[str, str, str]] = [
    (CASH, "現金預金", "cash"),
    (SECURITIES, "有価証券", "short_term_securities"),
    (AR, "売掛金", "accounts_receivable"),
    (AR_DENSAI, "売掛金(電子記録)", "accounts_receivable"),
    (ALLOWANCE, "貸倒引当金", "allowance_for_doubtful_accounts"),
    (INVENTORY, "商品", "inventory"),
    (PREPAID, "前払費用", "other_current_asset"),
    (INPUT_TAX, "仮払消費税", "other_current_asset"),
    (FIXED_ASSETS, "有形固定資産", "other"),
    (PAYABLES, "買掛金", "accounts_payable"),
    (ACCRUED, "未払金", "other_current_liability"),
    (OUTPUT_TAX, "仮受消費税", "other_current_liability"),
    (SUSPENSE, "仮受金", "other_current_liability"),
    (LOANS, "短期借入金", "other_current_liability"),
    (CAPITAL, "資本金", "other"),
    (RETAINED, "繰越利益剰余金", "other"),
    (REVENUE, "売上高", "revenue"),
    (COST_OF_SALES, "売上原価", "cost_of_sales"),
    (PURCHASES, "仕入高", "purchases"),
    (TRANSFER_TO_STOCK, "他勘定振替高", "other"),
    (BAD_DEBT, "貸倒損失", "bad_debt_expense"),
    (PROVISION, "貸倒引当金繰入額", "bad_debt_expense"),
    (FEES, "支払手数料", "other"),
    (SALARIES, "給料手当", "other"),
    (WELFARE, "法定福利費", "other"),
    (RENT, "地代家賃", "other"),
    (UTILITIES, "水道光熱費", "other"),
    (LEGAL_FEES, "支払報酬", "other"),
    (AR_NOTES, "受取手形", "notes_receivable"),
    (DENSAI_NOTES, "電子記録債権", "notes_receivable"),
    (NOTE_DISCOUNT_LOSS, "手形売却損", "other"),
    (BAD_DEBT_RECOVERY, "償却債権取立益", "bad_debt_recovery"),
]

# --------------------------------------------------------------------------- customers

EAST_PREFECTURES = ["東京都", "神奈川県", "埼玉県", "千葉県", "宮城県", "北海道", "茨城県", "新潟県", "静岡県"]
WEST_PREFECTURES = ["大阪府", "京都府", "兵庫県", "愛知県", "広島県", "福岡県", "岡山県", "香川県"]

PROMPT, SLOW, BAD = "prompt", "slow", "bad"


@dataclass
class Customer:
    index: int
    billing_id: str
    accounting_code: str
    crm_id: str
    name: CompanyName
    prefecture: str
    segment: str
    corporate_number: str | None
    terms_days: int
    month_end_terms: bool
    credit_limit: int  # yen
    virtual_account: str | None
    owner: str
    prior_owner: str | None  # owner before the leaver's accounts were reassigned
    sales_rep: str
    behaviour: str  # the behaviour at the start of the period
    switch_month: int | None  # month index at which behaviour changes
    switch_to: str | None
    drift: float  # how much lateness grows (+) or shrinks (−) over the period
    start_month: int
    stop_month: int  # first month without new invoices (exclusive end)
    invoice_scale: float  # typical invoice amount, yen
    invoices_per_month: tuple[int, int]
    month_end_billing: bool  # 末締め: one invoice at month end, plus occasional extras
    batch_payer: bool  # pays everything due on a day in one transfer
    fee_deduction: int  # yen the customer deducts from each transfer (0 = none)
    bank_account: str  # where a transfer without a virtual account lands
    remitter: str
    densai: bool  # AR booked as 電子記録債権
    insured: bool  # covered by trade-credit insurance / guarantee
    accounting_name: str
    accounting_corporate_number: str | None
    crm_name: str
    crm_kana: str
    crm_corporate_number: str | None
    crm_billing_xref: bool
    crm_accounting_xref: bool
    industry: str
    rng: random.Random = field(repr=False)
    legal_remitter: str | None = None  # remitter used for recoveries, where it differs

    def behaviour_at(self, month: int) -> str:
        if self.switch_month is not None and month >= self.switch_month:
            return self.switch_to or self.behaviour
        return self.behaviour

    def owner_on(self, day: int) -> str:
        if self.prior_owner and day <= LEAVER_LAST_DAY:
            return self.prior_owner
        return self.owner


def corporate_number(rng: random.Random) -> str:
    """A 13-digit 法人番号 with a valid check digit (first digit)."""
    base = f"{rng.randrange(10**11, 10**12):012d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base)))
    return f"{9 - total % 9}{base}"


class CustomerFactory:
    """Draws customers one at a time; keeps names, numbers and accounts unique."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._names: set[str] = set()
        self._readings: set[str] = set()
        self._corporate_numbers: set[str] = set()
        self._virtual_accounts: set[str] = set()
        # Reserved for the contract's examples and for the deliberate non-customers.
        for core, reading in [("山田商事", "ヤマダショウジ"), ("東和工業", "トウワコウギョウ")]:
            self._names.add(normalised_key(core))
            self._readings.add(normalised_key(reading))
        for reading in RESERVED_READINGS:
            self._readings.add(normalised_key(reading))

    def make(self, index: int) -> Customer:
        rng = random.Random(f"{self.seed}/customer/{index}")
        if index == 0:
            return self._yamada(rng)
        if index in (1, 2):
            return self._towa(rng, index)
        return self._regular(rng, index)

    # ----------------------------------------------------------------- special customers

    def _yamada(self, rng: random.Random) -> Customer:
        name = CompanyName("山田商事", "ヤマダショウジ", KABUSHIKI, True, "卸売業")
        c = self._base(rng, 0, name, "東京都", "mid_market")
        c.corporate_number = self._corporate_number(rng)
        c.virtual_account = None  # deposits must be resolved from the remitter name
        c.bank_account = "ACC-MAIN"
        c.remitter = "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"
        c.legal_remitter = "ヤマダショウジ（カ"
        c.behaviour, c.switch_month, c.switch_to = SLOW, 3, BAD
        c.drift, c.start_month, c.stop_month = 0.2, 0, 7
        c.fee_deduction = 660
        c.batch_payer = True
        # Accounting and CRM records carry no number and no cross-reference: the name rules
        # are what resolve them.
        c.accounting_name = "(株)山田商事"
        c.accounting_corporate_number = None
        c.crm_name = "山田商事 株式会社"
        c.crm_kana = "ヤマダショウジ"
        c.crm_corporate_number = None
        c.crm_billing_xref = c.crm_accounting_xref = False
        c.insured = True
        return c

    def _towa(self, rng: random.Random, index: int) -> Customer:
        # Two companies with the same name in Tokyo and Osaka: only numbers tell them apart.
        name = CompanyName("東和工業", "トウワコウギョウ", KABUSHIKI, False, "製造業")
        tokyo = index == 1
        c = self._base(rng, index, name, "東京都" if tokyo else "大阪府", "mid_market")
        c.corporate_number = self._corporate_number(rng)
        c.virtual_account = self._virtual_account(rng)
        c.bank_account = "ACC-MAIN"
        c.remitter = "ﾄｳﾜｺｳｷﾞﾖｳ(ｶ"
        c.behaviour, c.switch_month, c.switch_to = (PROMPT if tokyo else SLOW), None, None
        c.start_month, c.stop_month = 0, 18
        c.accounting_name = "東和工業(株)" if tokyo else "東和工業株式会社"
        c.accounting_corporate_number = c.corporate_number
        c.crm_name = "東和工業 株式会社"
        c.crm_kana = "トウワコウギョウ"
        c.crm_corporate_number = c.corporate_number
        c.crm_billing_xref = c.crm_accounting_xref = True
        c.owner = "U001" if tokyo else "U004"
        c.prior_owner = None
        return c

    # ----------------------------------------------------------------- regular customers

    def _regular(self, rng: random.Random, index: int) -> Customer:
        name = self._company_name(rng)
        east = rng.random() < 0.55
        prefecture = rng.choice(EAST_PREFECTURES if east else WEST_PREFECTURES)
        u = rng.random()
        segment = "enterprise" if u < 0.15 else "mid_market" if u < 0.5 else "smb"
        c = self._base(rng, index, name, prefecture, segment)
        if rng.random() < 0.6:
            c.corporate_number = self._corporate_number(rng)
        if rng.random() < 0.4:
            c.virtual_account = self._virtual_account(rng)
        self._links(c, rng)
        return c

    def _links(self, c: Customer, rng: random.Random) -> None:
        """How the accounting and CRM records point back at the billing customer."""
        has_number = c.corporate_number is not None
        c.accounting_corporate_number = c.corporate_number if has_number and rng.random() < 0.7 else None
        c.crm_corporate_number = c.corporate_number if has_number and rng.random() < 0.6 else None
        c.crm_billing_xref = rng.random() < 0.8
        c.crm_accounting_xref = c.crm_billing_xref and rng.random() < 0.75

    def _company_name(self, rng: random.Random) -> CompanyName:
        if len(self._names) >= WIDE_NAMES_FROM:
            return self._wide_company_name(rng)
        for attempt in range(400):
            u = rng.random()
            if u < 0.015:
                stem = rng.choice(STEMS[:100])
                core, reading, desig, industry = f"{stem[0]}会", f"{stem[1]}カイ", IRYO, "医療・福祉"
                before = True
            elif u < 0.025:
                stem = rng.choice(STEMS[50:100])
                core, reading, desig, industry = f"{stem[0]}協会", f"{stem[1]}キョウカイ", SHADAN, "サービス業"
                before = True
            else:
                stem = rng.choice(STEMS)
                business = rng.choice(BUSINESSES)
                core = printable_core(stem[0], business[0])
                reading = stem[1] + business[1]
                desig = designator_for(rng)
                industry = business[2]
                before = rng.random() < (0.55 if desig is KABUSHIKI else 0.4)
                if attempt > 40:  # the space of plain names is filling up: add a region word
                    region = rng.choice(_REGIONS)
                    core, reading = region[0] + core, region[1] + reading
            if self._claim(core, reading):
                return CompanyName(core, reading, desig, before, industry)
        raise RuntimeError("could not draw a unique company name")

    def _wide_company_name(self, rng: random.Random) -> CompanyName:
        """Past WIDE_NAMES_FROM names the plain and regional names (about 75,000) are nearly all taken,
        and drawing them again and again would cost more than the customer: two stems, as in 山本田中商事,
        half of them with a region word, leave millions."""
        for _ in range(400):
            first, second, business = rng.choice(STEMS), rng.choice(_KANJI_STEMS), rng.choice(BUSINESSES)
            core = printable_core(first[0], second[0] + business[0])
            reading = first[1] + second[1] + business[1]
            desig = designator_for(rng)
            before = rng.random() < (0.55 if desig is KABUSHIKI else 0.4)
            if rng.random() < 0.5:
                region = rng.choice(_REGIONS)
                core, reading = region[0] + core, region[1] + reading
            if self._claim(core, reading):
                return CompanyName(core, reading, desig, before, business[2])
        raise RuntimeError("could not draw a unique company name")

    def _claim(self, core: str, reading: str) -> bool:
        """Take a name and its reading when neither is taken yet (normalised, as 名寄せ compares them)."""
        key, rkey = normalised_key(core), normalised_key(reading)
        if key in self._names or rkey in self._readings:
            return False
        self._names.add(key)
        self._readings.add(rkey)
        return True

    def _base(self, rng: random.Random, index: int, name: CompanyName, prefecture: str, segment: str) -> Customer:
        east = prefecture in EAST_PREFECTURES
        u = rng.random()
        behaviour = PROMPT if u < 0.6 else SLOW if u < 0.9 else BAD
        switch_month: int | None = None
        switch_to: str | None = None
        if behaviour == BAD:  # bad payers start as merely slow and deteriorate
            behaviour, switch_month, switch_to = SLOW, rng.randint(0, 6), BAD
        elif behaviour == PROMPT and rng.random() < 0.1:
            switch_month, switch_to = rng.randint(3, 15), SLOW
        elif behaviour == SLOW and rng.random() < 0.15:
            switch_month, switch_to = rng.randint(3, 15), PROMPT
        start = rng.randint(1, 14) if rng.random() < 0.15 else 0
        stop = rng.randint(max(start + 3, 6), 17) if rng.random() < 0.05 else 18
        if switch_to == BAD:  # 取引停止: no new business a few months after things go wrong
            stop = min(stop, (switch_month or 0) + rng.randint(2, 5))
            start = min(start, max(0, (switch_month or 0) - 2))
        lo, hi, per_month = {
            "enterprise": (600_000, 4_000_000, (2, 4)),
            "mid_market": (200_000, 1_500_000, (1, 4)),
            "smb": (60_000, 500_000, (1, 4)),
        }[segment]
        invoice_scale = lo * (hi / lo) ** rng.random()
        terms = rng.choices([30, 45, 60], weights=[45, 25, 30])[0]
        month_end_terms = terms != 45 and rng.random() < 0.25
        expected_monthly = invoice_scale * (per_month[0] + per_month[1]) / 2
        credit_limit = _round_limit(expected_monthly * rng.uniform(1.5, 3.5))
        owner, prior_owner = self._owner(rng, east, segment)
        densai = segment == "enterprise" and rng.random() < 0.3
        return Customer(
            index=index,
            billing_id=billing_id(index),
            accounting_code=f"A{10001 + index}",
            crm_id=f"CRM-{index + 1:04d}",
            name=name,
            prefecture=prefecture,
            segment=segment,
            corporate_number=None,
            terms_days=terms,
            month_end_terms=month_end_terms,
            credit_limit=credit_limit,
            virtual_account=None,
            owner=owner,
            prior_owner=prior_owner,
            sales_rep=rng.choice(SALES_REPS),
            behaviour=behaviour,
            switch_month=switch_month,
            switch_to=switch_to,
            drift=rng.uniform(-0.3, 0.4),
            start_month=start,
            stop_month=stop,
            invoice_scale=invoice_scale,
            invoices_per_month=per_month,
            month_end_billing=rng.random() < 0.2,
            batch_payer=rng.random() < 0.75,
            fee_deduction=rng.choice([440, 660]) if rng.random() < 0.2 else 0,
            bank_account="ACC-SUB" if rng.random() < 0.25 else "ACC-MAIN",
            remitter=remitter_name(name, remitter_style(rng)),
            densai=densai,
            insured=rng.random() < 0.5,
            accounting_name=accounting_name(name, rng),
            accounting_corporate_number=None,
            crm_name=crm_name(name, rng),
            crm_kana=name.reading if rng.random() < 0.85 else "",
            crm_corporate_number=None,
            crm_billing_xref=False,
            crm_accounting_xref=False,
            industry=name.industry,
            rng=rng,
        )

    def _owner(self, rng: random.Random, east: bool, segment: str) -> tuple[str, str | None]:
        if segment == "enterprise":
            return rng.choice(CORPORATE_COLLECTORS), None
        if east:
            owner = rng.choice(EAST_COLLECTORS)
            return owner, (LEAVER if rng.random() < 0.33 else None)
        return rng.choice(WEST_COLLECTORS), None

    def _corporate_number(self, rng: random.Random) -> str:
        while True:
            number = corporate_number(rng)
            if number not in self._corporate_numbers:
                self._corporate_numbers.add(number)
                return number

    def _virtual_account(self, rng: random.Random) -> str:
        while True:
            number = f"9{rng.randrange(0, 10**6):06d}"
            if number not in self._virtual_accounts:
                self._virtual_accounts.add(number)
                return number


def _round_limit(yen: float) -> int:
    step = 1_000_000 if yen >= 5_000_000 else 100_000
    return max(step, int(round(yen / step)) * step)


_REGIONS: list[tuple[str, str]] = [
    ("関西", "カンサイ"),
    ("東北", "トウホク"),
    ("九州", "キュウシュウ"),
    ("北海道", "ホッカイドウ"),
    ("中部", "チュウブ"),
    ("四国", "シコク"),
    ("山陰", "サンイン"),
    ("東海", "トウカイ"),
    ("北関東", "キタカントウ"),
    ("南九州", "ミナミキュウシュウ"),
    ("京浜", "ケイヒン"),
    ("阪神", "ハンシン"),
    ("第一", "ダイイチ"),
    ("第二", "ダイニ"),
    ("新", "シン"),
    ("西日本", "ニシニホン"),
    ("東日本", "ヒガシニホン"),
]

# From this many names on, company names are drawn from the wider space of two stems (scale 250: every
# smaller run draws exactly as before, and larger ones would otherwise run out of names near 75,000).
WIDE_NAMES_FROM = 50_000
_KANJI_STEMS = [stem for stem in STEMS if not stem[0].isascii()]

# Readings of deliberate non-customers (individuals and firms that send money by mistake).
RESERVED_READINGS = ["タナカタロウ", "スズキハナコ", "ミライケンセツ", "ニホンジュウタクサービス", "サトウイチロウ"]
