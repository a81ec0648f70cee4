"""Rows that break the contract on purpose, so the warehouse's quarantine is exercised.

The same handful is planted at every scale and seed, after the valid data. Planted rows use
ids from a reserved block (a leading 9 one digit wider than the regular ids, world.PLANTED_BLOCKS)
that the regular sequences skip, so they never collide with generated ones; the exact duplicates
copy rows that always exist (the first invoice, of 山田商事, and the fourth billing customer).
"""

from __future__ import annotations

from datetime import date

from .world import World
from .zengin import ACCOUNTS as ZENGIN_ACCOUNTS
from .zengin import transaction_id

# (system/table, row key, reason) — the warehouse must quarantine each of these rows.
PLANTED_VIOLATIONS: list[tuple[str, str, str]] = [
    ("billing/invoices", "INV-9000001", "missing_required"),
    ("billing/invoices", "INV-9000002", "bad_date"),
    ("billing/invoices", "INV-9000003", "bad_amount"),
    ("billing/invoices", "INV-9000004", "bad_amount"),
    ("billing/invoices", "INV-9000005", "unsupported_currency"),
    ("billing/invoices", "INV-9000006", "due_before_issue"),
    ("billing/invoices", "INV-000001", "duplicate_key"),
    ("billing/invoices", "INV-9000007", "conflicting_duplicate"),
    ("billing/invoices", "INV-9000007", "conflicting_duplicate"),
    ("billing/invoices", "INV-9000008", "unknown_reference"),
    ("billing/customers", "B00004", "duplicate_key"),
    ("billing/customers", "B99998", "missing_required"),
    ("bank/transactions", "BT-99000001", "bad_date"),
    ("bank/transactions", "BT-99000002", "bad_amount"),
    ("accounting/cash_applications", "APP-99000001", "unknown_reference"),
    ("accounting/cash_applications", "APP-99000002", "missing_required"),
    ("accounting/journal_lines", "JE-99000001:1", "unknown_reference"),
    ("accounting/journal_lines", "JE-99000002:1", "bad_amount"),
    ("crm/activities", "ACT-99000001", "bad_value"),
    ("crm/activities", "ACT-99000002", "bad_timestamp"),
    ("crm/tasks", "TSK-9000001", "bad_value"),
    ("legal/cases", "LC-90001", "missing_required"),
    ("accounting/notes_receivable", "NR-9000001:INV-000001", "bad_value"),
    ("accounting/notes_receivable", "NR-9000002:INV-000001", "missing_required"),
    ("accounting/notes_receivable", "NR-9000003:INV-000001", "maturity_before_receipt"),
    ("accounting/notes_receivable", "NR-9000004:INV-000001", "unknown_reference"),
]

# 法人番号 with a wrong check digit: the accounting and the CRM copies of this many customers each carry
# their number mistyped (the check digit one off). Staging keeps the rows, nulls the numbers and lists them
# in corporate_number_findings; the records still resolve through the CRM cross-references. No random draw
# is spent, so no other row moves.
MISTYPED_CORPORATE_NUMBERS = 2
MISTYPED_FROM_CUSTOMER = 10  # the named customers of the first rows keep their numbers


def mistyped_corporate_number(number: str) -> str:
    """The number with its check digit (the first digit, 1–9) replaced by the next one, 9 by 1."""
    return f"{int(number[0]) % 9 + 1}{number[1:]}"


# In zengin mode the planted bank rows are 01 records broken the 全銀協 way: (CSV id, notice
# month, 勘定日 as a date or as six digits naming none, 金額 as yen or as text, 照会番号). The
# 照会番号 sit at the top of the six digits, out of reach of the regular ones until a run has a
# million bank transactions (and the writer raises on a repeat).
ZENGIN_PLANTED_DEPOSITS: list[tuple[str, date, date | str, int | str, str]] = [
    ("BT-99000001", date(2026, 2, 1), "080230", 50000, "999901"),  # 令和8年2月30日: no such day
    ("BT-99000002", date(2026, 3, 1), date(2026, 3, 2), "abc", "999902"),
]
PLANTED_REMITTER = "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"


def planted_violations(bank_format: str = "csv") -> list[tuple[str, str, str]]:
    """PLANTED_VIOLATIONS with the bank rows under the ids they have in the given bank format."""
    if bank_format == "csv":
        return list(PLANTED_VIOLATIONS)
    zengin_ids = {
        csv_id: transaction_id(ZENGIN_ACCOUNTS["ACC-MAIN"].bank_account_id, value_date, inquiry)
        for csv_id, _, value_date, _, inquiry in ZENGIN_PLANTED_DEPOSITS
    }
    return [
        (table, zengin_ids.get(key, key) if table == "bank/transactions" else key, reason)
        for table, key, reason in PLANTED_VIOLATIONS
    ]


def _invoice(invoice_id: str, customer: str, day: str, due: str, amount: str, currency: str = "JPY") -> list[str]:
    return [invoice_id, customer, day, due, amount, currency, "invoice", "", "", "U010", "manual", ""]


def plant(world: World, first_invoice: list[str], fourth_customer: list[str]) -> None:
    """Append the planted rows. first_invoice / fourth_customer are the rows to duplicate."""
    t = world.table
    invoices = t("billing/invoices")
    invoices.write(_invoice("INV-9000001", "", "2026-02-02", "2026-03-04", "110000"))
    invoices.write(_invoice("INV-9000002", "B00004", "2026-02-30", "2026-03-31", "220000"))
    invoices.write(_invoice("INV-9000003", "B00004", "2026-02-03", "2026-03-05", "12,000"))
    invoices.write(_invoice("INV-9000004", "B00004", "2026-02-04", "2026-03-06", "1000.555"))
    invoices.write(_invoice("INV-9000005", "B00004", "2026-02-05", "2026-03-09", "1500.00", currency="USD"))
    invoices.write(_invoice("INV-9000006", "B00004", "2026-02-06", "2026-01-30", "330000"))
    invoices.write(first_invoice)
    invoices.write(_invoice("INV-9000007", "B00004", "2026-02-09", "2026-03-11", "440000"))
    invoices.write(_invoice("INV-9000007", "B00004", "2026-02-09", "2026-03-11", "445500"))
    invoices.write(_invoice("INV-9000008", "B99999", "2026-02-10", "2026-03-12", "550000"))

    customers = t("billing/customers")
    customers.write(fourth_customer)
    customers.write(["B99998", "", "", "", "30", "1000000", "", "月末締め翌月末払い"])

    _plant_bank_rows(world)

    apps = t("accounting/cash_applications")
    # BT-99999999 names no transaction in either bank format.
    apps.write(["APP-99000001", "BT-99999999", "INV-000001", "1000", "2026-03-03", "manual", "", ""])
    first_deposit = world.bank_transaction_ref("BT-0000001")
    apps.write(["APP-99000002", first_deposit, "INV-000001", "", "2026-03-03", "manual", "", ""])

    journal = t("accounting/journal_lines")
    journal.write(
        ["JE-99000001", "1", "2026-03-03", "9999", "1000", "0", "", "", "adjustment", "U013", "科目コード誤り"]
    )
    journal.write(["JE-99000002", "1", "2026-03-03", "6200", "-5", "0", "", "", "adjustment", "U013", "金額符号誤り"])

    activities = t("crm/activities")
    activities.write(
        [
            "ACT-99000001",
            "CRM-0001",
            "INV-000001",
            "U001",
            "2026-03-04T10:15:00",
            "fax",
            "soft",
            "no_contact",
            "",
            "",
            "false",
            "",
        ]
    )
    activities.write(
        [
            "ACT-99000002",
            "CRM-0001",
            "INV-000001",
            "U001",
            "yesterday",
            "call",
            "soft",
            "contacted",
            "",
            "",
            "false",
            "",
        ]
    )

    t("crm/tasks").write(
        [
            "TSK-9000001",
            "CRM-0001",
            "INV-000001",
            "U001",
            "dunning",
            "2026-03-04T08:30:00",
            "2026-03-07T08:30:00",
            "",
            "pending",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    t("legal/cases").write(["LC-90001", "(株)山田商事", "", "", "", "demand_letter", "", "", "", "U008"])

    notes = t("accounting/notes_receivable")
    code = "A10001"  # 山田商事's accounting code
    # 小切手 is no note type of the contract; a note without its receipt date; a maturity before the
    # receipt; a collection naming a deposit that does not exist.
    notes.write(["NR-9000001", "cheque", code, "INV-000001", "100000", "2026-03-02", "2026-06-30", "held", "", "", ""])
    notes.write(["NR-9000002", "densai", code, "INV-000001", "100000", "", "2026-06-30", "held", "", "", ""])
    notes.write(
        ["NR-9000003", "promissory", code, "INV-000001", "100000", "2026-03-02", "2026-02-27", "held", "", "", ""]
    )
    notes.write(
        [
            "NR-9000004",
            "promissory",
            code,
            "INV-000001",
            "100000",
            "2025-06-02",
            "2025-09-30",
            "collected",
            "2025-09-30",
            "BT-99999999",
            "",
        ]
    )


def _plant_bank_rows(world: World) -> None:
    """A deposit with a bad date and one with a bad amount, in the bank format being written."""
    main = world.bank_account_id("ACC-MAIN")
    if world.zengin is None:
        bank = world.table("bank/transactions")
        bank.write(["BT-99000001", main, "2026/03/01", "50000", "JPY", PLANTED_REMITTER, ""])
        bank.write(["BT-99000002", main, "2026-03-02", "abc", "JPY", PLANTED_REMITTER, ""])
        return
    for csv_id, month, value_date, amount, inquiry in ZENGIN_PLANTED_DEPOSITS:
        world.zengin.write_as_written(csv_id, main, month, value_date, amount, PLANTED_REMITTER, inquiry)
