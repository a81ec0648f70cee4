"""Tests of the sample landing-file generator (datagen).

The generator runs at a small scale into temporary folders; the checks read the files back
the way the warehouse will, so a broken contract or a broken ledger identity fails here
before it reaches dbt.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from datagen import DEFAULT_SEED, PLANTED_VIOLATIONS, generate, planted_violations  # noqa: E402
from datagen.calendar import add_business_days  # noqa: E402

SCALE = 0.1
LAST_DAY = "2026-10-31"

# The landing-file contract (shared/spec/sources.md), column for column.
EXPECTED_COLUMNS: dict[str, list[str]] = {
    "billing/customers": [
        "billing_customer_id",
        "customer_name",
        "customer_name_kana",
        "corporate_number",
        "payment_terms_days",
        "credit_limit",
        "virtual_account_number",
        "payment_terms",
    ],
    "billing/invoices": [
        "invoice_id",
        "billing_customer_id",
        "invoice_date",
        "due_date",
        "amount",
        "currency",
        "document_type",
        "original_invoice_id",
        "deal_id",
        "sales_rep_id",
        "issue_method",
        "delivered_date",
    ],
    "bank/transactions": [
        "bank_transaction_id",
        "bank_account_id",
        "value_date",
        "amount",
        "currency",
        "remitter_name",
        "virtual_account_number",
        "description",
    ],
    "bank/balances": ["bank_account_id", "balance_at", "balance", "currency"],
    "accounting/accounts": ["account_code", "account_name", "account_category"],
    "accounting/customers": ["accounting_customer_code", "customer_name", "corporate_number"],
    "accounting/journal_lines": [
        "journal_id",
        "line_number",
        "posting_date",
        "account_code",
        "debit",
        "credit",
        "accounting_customer_code",
        "invoice_id",
        "entry_type",
        "entered_by",
        "description",
    ],
    "accounting/cash_applications": [
        "application_id",
        "bank_transaction_id",
        "invoice_id",
        "applied_amount",
        "applied_date",
        "method",
        "fee_deducted",
        "reverses_application_id",
    ],
    "accounting/notes_receivable": [
        "note_id",
        "note_type",
        "accounting_customer_code",
        "invoice_id",
        "amount",
        "received_date",
        "maturity_date",
        "status",
        "settled_date",
        "bank_transaction_id",
        "discount_fee",
    ],
    "crm/accounts": [
        "crm_account_id",
        "account_name",
        "account_name_kana",
        "corporate_number",
        "billing_customer_id",
        "accounting_customer_code",
        "segment",
        "industry",
        "owner_assignee_id",
    ],
    "crm/assignees": ["assignee_id", "assignee_name", "team", "role", "active"],
    "crm/activities": [
        "activity_id",
        "crm_account_id",
        "invoice_id",
        "assignee_id",
        "activity_at",
        "channel",
        "stage",
        "outcome",
        "promise_date",
        "promise_amount",
        "automated",
        "disputed_amount",
    ],
    "crm/tasks": [
        "task_id",
        "crm_account_id",
        "invoice_id",
        "assignee_id",
        "task_type",
        "created_at",
        "sla_due_at",
        "completed_at",
        "status",
        "reopened_from_task_id",
        "resolved_on_first_contact",
        "error_category",
        "external_ref",
        "resolution_tags",
    ],
    "legal/cases": [
        "legal_case_id",
        "debtor_name",
        "debtor_corporate_number",
        "crm_account_id",
        "opened_date",
        "current_stage",
        "closed_date",
        "outcome",
        "agency",
        "assignee_id",
    ],
    "legal/case_invoices": ["legal_case_id", "invoice_id", "transferred_amount"],
    "legal/events": ["legal_case_id", "event_date", "event_type", "stage", "cost"],
    "legal/recoveries": ["legal_case_id", "recovery_date", "amount", "cost"],
    "guarantee/claims": [
        "claim_id",
        "invoice_id",
        "claim_date",
        "claimed_amount",
        "paid_date",
        "paid_amount",
        "guarantor",
    ],
    "treasury/cash_forecasts": [
        "forecast_id",
        "made_on",
        "target_date",
        "horizon",
        "forecast_balance",
        "bank_account_id",
    ],
}
DELIBERATELY_ABSENT = {"bank/transactions": "description"}
PARQUET = {"treasury/cash_forecasts"}

# The key of a row in each table, as PLANTED_VIOLATIONS names it.
KEYS = {
    "billing/customers": lambda r: r["billing_customer_id"],
    "billing/invoices": lambda r: r["invoice_id"],
    "bank/transactions": lambda r: r["bank_transaction_id"],
    "bank/balances": lambda r: f"{r['bank_account_id']}:{r['balance_at']}",
    "accounting/accounts": lambda r: r["account_code"],
    "accounting/customers": lambda r: r["accounting_customer_code"],
    "accounting/journal_lines": lambda r: f"{r['journal_id']}:{r['line_number']}",
    "accounting/cash_applications": lambda r: r["application_id"],
    "crm/accounts": lambda r: r["crm_account_id"],
    "crm/assignees": lambda r: r["assignee_id"],
    "crm/activities": lambda r: r["activity_id"],
    "crm/tasks": lambda r: r["task_id"],
    "legal/cases": lambda r: r["legal_case_id"],
    "legal/case_invoices": lambda r: f"{r['legal_case_id']}:{r['invoice_id']}",
    "legal/events": lambda r: f"{r['legal_case_id']}:{r['event_date']}",
    "legal/recoveries": lambda r: f"{r['legal_case_id']}:{r['recovery_date']}",
    "guarantee/claims": lambda r: r["claim_id"],
    "accounting/notes_receivable": lambda r: f"{r['note_id']}:{r['invoice_id']}",
}
AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate(out, scale=SCALE, seed=DEFAULT_SEED, show_progress=False)
    return out


@pytest.fixture(scope="module")
def raw(landing: Path) -> dict[str, list[dict[str, str]]]:
    """Every CSV table as rows of text, planted rows included."""
    return {t: read_csv(landing / f"{t}.csv") for t in EXPECTED_COLUMNS if t not in PARQUET}


@pytest.fixture(scope="module")
def valid(raw: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """The rows the warehouse should stage: planted rows removed (a duplicate's first copy stays)."""
    return without_planted(raw)


@pytest.fixture(scope="module")
def valid_scale_1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, str]]]:
    """The valid rows at scale 1 (the shipped sample's size): legal cases reach judgment only there."""
    out = tmp_path_factory.mktemp("landing_scale_1")
    generate(out, scale=1, seed=DEFAULT_SEED, show_progress=False)
    return without_planted({t: read_csv(out / f"{t}.csv") for t in EXPECTED_COLUMNS if t not in PARQUET})


def without_planted(raw: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    planted = defaultdict(list)
    for table, key, reason in PLANTED_VIOLATIONS:
        planted[table].append((key, reason))
    out = {}
    for table, rows in raw.items():
        drop_all = {k for k, reason in planted[table] if reason != "duplicate_key"}
        drop_second = {k for k, reason in planted[table] if reason == "duplicate_key"}
        seen: set[str] = set()
        kept = []
        for row in rows:
            key = KEYS[table](row)
            if key in drop_all:
                continue
            if key in drop_second and key in seen:
                continue
            seen.add(key)
            kept.append(row)
        out[table] = kept
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


def parquet_columns_and_rows(path: Path) -> tuple[list[str], list[tuple]]:
    import duckdb

    con = duckdb.connect()
    try:
        rel = con.sql(f"SELECT * FROM read_parquet('{path}')")
        return list(rel.columns), rel.fetchall()
    finally:
        con.close()


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cents(text: str) -> int:
    return int(Decimal(text or "0") * 100)


# ----------------------------------------------------------------------------- determinism and shape


def test_same_seed_gives_identical_bytes_and_other_seed_differs(landing: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    generate(again, scale=SCALE, seed=DEFAULT_SEED, show_progress=False)
    generate(other, scale=SCALE, seed=DEFAULT_SEED + 1, show_progress=False)
    assert digest(again) == digest(landing)
    assert digest(other) != digest(landing)


def test_every_contract_table_has_exactly_the_contract_columns(landing: Path) -> None:
    for table, columns in EXPECTED_COLUMNS.items():
        expected = [c for c in columns if c != DELIBERATELY_ABSENT.get(table)]
        if table in PARQUET:
            assert not (landing / f"{table}.csv").exists()
            got, rows = parquet_columns_and_rows(landing / f"{table}.parquet")
            assert got == expected, table
            assert rows, table
        else:
            assert header(landing / f"{table}.csv") == expected, table


def test_file_encodings(landing: Path) -> None:
    assert (landing / "crm/accounts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (landing / "billing/invoices.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in (landing / "billing/invoices.csv").read_bytes()


def test_generate_reports_rows_written(tmp_path: Path) -> None:
    counts = generate(tmp_path, scale=SCALE, seed=7, show_progress=False)
    assert set(counts) == set(EXPECTED_COLUMNS)
    assert counts["billing/invoices"] == len(read_csv(tmp_path / "billing/invoices.csv"))


def test_scale_grows_linearly(raw: dict[str, list[dict[str, str]]], tmp_path: Path) -> None:
    counts = generate(tmp_path, scale=2 * SCALE, seed=DEFAULT_SEED, show_progress=False)
    ratio = counts["billing/invoices"] / len(raw["billing/invoices"])
    assert 1.7 <= ratio <= 2.3


# ----------------------------------------------------------------------------- contract hygiene of valid rows


def test_valid_rows_have_unique_keys_and_clean_values(valid: dict[str, list[dict[str, str]]]) -> None:
    for table, rows in valid.items():
        if table in ("legal/events", "legal/recoveries"):
            continue  # no key in the contract; checked for dates only
        keys = [KEYS[table](r) for r in rows]
        assert len(keys) == len(set(keys)), table
    amount_columns = {
        "billing/invoices": ["amount"],
        "bank/transactions": ["amount"],
        "bank/balances": ["balance"],
        "accounting/journal_lines": ["debit", "credit"],
        "accounting/cash_applications": ["applied_amount", "fee_deducted"],
        "crm/activities": ["promise_amount", "disputed_amount"],
        "legal/case_invoices": ["transferred_amount"],
        "legal/events": ["cost"],
        "legal/recoveries": ["amount", "cost"],
        "guarantee/claims": ["claimed_amount", "paid_amount"],
        "accounting/notes_receivable": ["amount", "discount_fee"],
    }
    for table, columns in amount_columns.items():
        for row in valid[table]:
            for column in columns:
                value = row[column]
                assert value == "" or AMOUNT.fullmatch(value), (table, column, value)
    for row in valid["accounting/journal_lines"]:
        assert cents(row["debit"]) >= 0 and cents(row["credit"]) >= 0
    for row in valid["billing/invoices"]:
        assert row["currency"] == "JPY" and row["due_date"] >= row["invoice_date"]
        assert row["billing_customer_id"]


def test_no_transaction_after_the_last_day(valid: dict[str, list[dict[str, str]]]) -> None:
    date_columns = {
        "billing/invoices": ["invoice_date", "delivered_date"],
        "bank/transactions": ["value_date"],
        "bank/balances": ["balance_at"],
        "accounting/journal_lines": ["posting_date"],
        "accounting/cash_applications": ["applied_date"],
        "crm/activities": ["activity_at"],
        "crm/tasks": ["created_at", "completed_at"],
        "legal/cases": ["opened_date", "closed_date"],
        "legal/events": ["event_date"],
        "legal/recoveries": ["recovery_date"],
        "guarantee/claims": ["claim_date", "paid_date"],
    }
    for table, columns in date_columns.items():
        for row in valid[table]:
            for column in columns:
                value = row[column]
                if value:
                    assert DATE.match(value), (table, column, value)
                    assert value[:10] <= LAST_DAY, (table, column, value)
    assert min(r["invoice_date"] for r in valid["billing/invoices"]) >= "2025-05-01"


def test_references_resolve(valid: dict[str, list[dict[str, str]]]) -> None:
    customers = {r["billing_customer_id"] for r in valid["billing/customers"]}
    invoices = {r["invoice_id"]: r for r in valid["billing/invoices"]}
    deposits = {r["bank_transaction_id"] for r in valid["bank/transactions"]}
    accounts = {r["account_code"]: r["account_category"] for r in valid["accounting/accounts"]}
    assignees = {r["assignee_id"]: r for r in valid["crm/assignees"]}
    crm = {r["crm_account_id"] for r in valid["crm/accounts"]}
    cases = {r["legal_case_id"] for r in valid["legal/cases"]}
    for inv in invoices.values():
        assert inv["billing_customer_id"] in customers
        if inv["sales_rep_id"]:
            assert assignees[inv["sales_rep_id"]]["role"] == "sales"
        if inv["document_type"] == "credit_note":
            original = invoices[inv["original_invoice_id"]]
            assert original["billing_customer_id"] == inv["billing_customer_id"]
            assert Decimal(inv["amount"]) < 0
    for app in valid["accounting/cash_applications"]:
        assert app["bank_transaction_id"] in deposits
        assert app["invoice_id"] in invoices
    for line in valid["accounting/journal_lines"]:
        assert line["account_code"] in accounts
        if line["invoice_id"]:
            assert line["invoice_id"] in invoices
    for table in ("crm/activities", "crm/tasks"):
        for row in valid[table]:
            assert row["assignee_id"] in assignees
            assert row["crm_account_id"] == "" or row["crm_account_id"] in crm
            assert row["invoice_id"] == "" or row["invoice_id"] in invoices
    for table in ("legal/case_invoices", "legal/events", "legal/recoveries"):
        for row in valid[table]:
            assert row["legal_case_id"] in cases
    for row in valid["legal/case_invoices"]:
        assert row["invoice_id"] in invoices
    assert {c for c in accounts.values()} >= {
        "cash",
        "short_term_securities",
        "accounts_receivable",
        "inventory",
        "other_current_asset",
        "accounts_payable",
        "other_current_liability",
        "revenue",
        "cost_of_sales",
        "purchases",
        "bad_debt_expense",
        "allowance_for_doubtful_accounts",
        "bad_debt_recovery",
        "other",
    }
    task_ids = [r["task_id"] for r in valid["crm/tasks"]]
    position = {t: i for i, t in enumerate(task_ids)}
    for row in valid["crm/tasks"]:
        if row["reopened_from_task_id"]:
            assert position[row["reopened_from_task_id"]] < position[row["task_id"]]


def test_allowance_journals_and_recoveries_after_write_off(valid_scale_1: dict[str, list[dict[str, str]]]) -> None:
    accounts = {r["account_code"]: r["account_category"] for r in valid_scale_1["accounting/accounts"]}
    lines = valid_scale_1["accounting/journal_lines"]
    allowance = {r["description"] for r in lines if accounts[r["account_code"]] == "allowance_for_doubtful_accounts"}
    assert "貸倒引当金繰入" in allowance  # the quarterly provisions
    written_off = {r["invoice_id"] for r in lines if r["entry_type"] == "write_off" and r["invoice_id"]}
    recovered = [r for r in lines if accounts[r["account_code"]] == "bad_debt_recovery"]
    assert recovered and all(r["invoice_id"] in written_off and cents(r["credit"]) > 0 for r in recovered)


# ----------------------------------------------------------------------------- ledger identities


def test_every_journal_balances(valid: dict[str, list[dict[str, str]]]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for line in valid["accounting/journal_lines"]:
        totals[line["journal_id"]] += cents(line["debit"]) - cents(line["credit"])
    assert totals and all(v == 0 for v in totals.values())


def test_general_ledger_ties_to_the_sub_ledger_date_by_date(valid: dict[str, list[dict[str, str]]]) -> None:
    category = {r["account_code"]: r["account_category"] for r in valid["accounting/accounts"]}
    gl: dict[str, int] = defaultdict(int)
    sub: dict[str, int] = defaultdict(int)
    for line in valid["accounting/journal_lines"]:
        if category[line["account_code"]] == "accounts_receivable":
            delta = cents(line["debit"]) - cents(line["credit"])
            gl[line["posting_date"]] += delta
            if line["entry_type"] == "write_off":
                sub[line["posting_date"]] += delta
    for inv in valid["billing/invoices"]:
        sub[inv["invoice_date"]] += cents(inv["amount"])
    for app in valid["accounting/cash_applications"]:
        sub[app["applied_date"]] -= cents(app["applied_amount"]) + cents(app["fee_deducted"])
    for note in valid["accounting/notes_receivable"]:  # 売掛金 → 受取手形, and back on 不渡り
        sub[note["received_date"]] -= cents(note["amount"])
        if note["status"] == "dishonoured":
            sub[note["settled_date"]] += cents(note["amount"])
    running_gl = running_sub = 0
    for day in sorted(set(gl) | set(sub)):
        running_gl += gl[day]
        running_sub += sub[day]
        assert running_gl == running_sub, day
    assert running_gl > 0


def test_notes_follow_their_life_and_tie_to_the_general_ledger(valid: dict[str, list[dict[str, str]]]) -> None:
    """Each note: received, then collected or discounted (cash), endorsed or dishonoured, or still
    held; the notes_receivable accounts equal the notes still held, date by date."""
    deposits = {r["bank_transaction_id"]: r for r in valid["bank/transactions"]}
    category = {r["account_code"]: r["account_category"] for r in valid["accounting/accounts"]}
    notes: dict[str, list[dict[str, str]]] = defaultdict(list)
    held: dict[str, int] = defaultdict(int)
    for row in valid["accounting/notes_receivable"]:
        notes[row["note_id"]].append(row)
        held[row["received_date"]] += cents(row["amount"])
        if row["status"] != "held":
            held[row["settled_date"]] -= cents(row["amount"])
    assert {r[0]["status"] for r in notes.values()} >= {"held", "collected", "dishonoured", "discounted"}
    assert {r[0]["note_type"] for r in notes.values()} == {"promissory", "densai"}
    for rows in notes.values():
        first = rows[0]
        site = (date.fromisoformat(first["maturity_date"]) - date.fromisoformat(first["received_date"])).days
        assert 60 <= site <= 120, first
        assert first["status"] == "held" or first["settled_date"] >= first["received_date"]
        if first["status"] in ("collected", "discounted"):
            fees = sum(cents(r["discount_fee"]) for r in rows)
            total = sum(cents(r["amount"]) for r in rows)
            assert cents(deposits[first["bank_transaction_id"]]["amount"]) == total - fees
    gl: dict[str, int] = defaultdict(int)
    for line in valid["accounting/journal_lines"]:
        if category[line["account_code"]] == "notes_receivable":
            gl[line["posting_date"]] += cents(line["debit"]) - cents(line["credit"])
    running_gl = running_held = 0
    for day in sorted(set(gl) | set(held)):
        running_gl += gl[day]
        running_held += held[day]
        assert running_gl == running_held, day


def test_due_dates_follow_the_payment_terms_bar_a_few(valid: dict[str, list[dict[str, str]]]) -> None:
    """月末締め翌月末払い / 翌々月末払い and 請求日からN日 give each invoice's due date; a few differ."""
    terms = {r["billing_customer_id"]: r["payment_terms"] for r in valid["billing/customers"]}
    agree = differ = 0
    for row in valid["billing/invoices"]:
        if row["document_type"] != "invoice" or terms[row["billing_customer_id"]] == "都度協議":
            continue
        text, day = terms[row["billing_customer_id"]], date.fromisoformat(row["invoice_date"])
        if text.startswith("月末締め"):
            months = 1 if "翌月" in text else 2
            first = date(day.year + (day.month + months) // 13, (day.month + months - 1) % 12 + 1, 1)
            expected = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
        else:
            expected = day + timedelta(days=int(re.sub(r"\D", "", text)))
        if row["due_date"] == expected.isoformat():
            agree += 1
        else:
            differ += 1
    assert agree > 50 * differ


def test_no_invoice_is_ever_over_applied(valid: dict[str, list[dict[str, str]]]) -> None:
    invoices = {r["invoice_id"]: r for r in valid["billing/invoices"]}
    events: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for inv in invoices.values():
        if inv["document_type"] == "credit_note":
            events[inv["original_invoice_id"]].append((inv["invoice_date"], cents(inv["amount"])))
        else:
            events[inv["invoice_id"]].append((inv["invoice_date"], cents(inv["amount"])))
    for app in valid["accounting/cash_applications"]:
        events[app["invoice_id"]].append(
            (app["applied_date"], -cents(app["applied_amount"]) - cents(app["fee_deducted"]))
        )
    for line in valid["accounting/journal_lines"]:
        if line["entry_type"] == "write_off" and line["invoice_id"] and cents(line["credit"]):
            events[line["invoice_id"]].append((line["posting_date"], -cents(line["credit"])))
    for note in valid["accounting/notes_receivable"]:
        events[note["invoice_id"]].append((note["received_date"], -cents(note["amount"])))
        if note["status"] == "dishonoured":
            events[note["invoice_id"]].append((note["settled_date"], cents(note["amount"])))
    for invoice_id, items in events.items():
        assert invoices[invoice_id]["document_type"] == "invoice"
        by_day: dict[str, int] = defaultdict(int)
        for day, amount in items:
            by_day[day] += amount
        running = 0
        for day in sorted(by_day):
            running += by_day[day]
            assert running >= 0, (invoice_id, day)


def test_applications_account_for_each_deposit(valid: dict[str, list[dict[str, str]]]) -> None:
    deposits = {r["bank_transaction_id"]: r for r in valid["bank/transactions"]}
    applied: dict[str, int] = defaultdict(int)
    ids = {a["application_id"] for a in valid["accounting/cash_applications"]}
    reversals = 0
    for app in valid["accounting/cash_applications"]:
        applied[app["bank_transaction_id"]] += cents(app["applied_amount"])
        assert app["applied_date"] >= deposits[app["bank_transaction_id"]]["value_date"]
        if app["reverses_application_id"]:
            reversals += 1
            assert app["reverses_application_id"] in ids and cents(app["applied_amount"]) < 0
    for bt, total in applied.items():
        assert total == cents(deposits[bt]["amount"]), bt
    assert all(cents(deposits[bt]["amount"]) > 0 for bt in applied)


def test_bank_balances_follow_the_transactions(valid: dict[str, list[dict[str, str]]]) -> None:
    moves: dict[tuple[str, str], int] = defaultdict(int)
    for tx in valid["bank/transactions"]:
        moves[(tx["bank_account_id"], tx["value_date"])] += cents(tx["amount"])
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in valid["bank/balances"]:
        by_account[row["bank_account_id"]].append(row)
    assert set(by_account) == {"ACC-MAIN", "ACC-SUB"}
    for account, rows in by_account.items():
        rows.sort(key=lambda r: r["balance_at"])
        previous = cents(rows[0]["balance"])
        assert rows[0]["balance_at"] == "2025-04-30T23:59:59"
        for row in rows[1:]:
            day = row["balance_at"][:10]
            assert cents(row["balance"]) == previous + moves[(account, day)], (account, day)
            previous = cents(row["balance"])
            assert previous >= 0, (account, day)
        assert rows[-1]["balance_at"].startswith(LAST_DAY)


# ----------------------------------------------------------------------------- the contract's examples


def test_yamada_shoji_appears_in_every_written_form(valid: dict[str, list[dict[str, str]]]) -> None:
    billing = [r for r in valid["billing/customers"] if r["customer_name"] == "株式会社山田商事"]
    assert len(billing) == 1 and billing[0]["customer_name_kana"] == "ヤマダシヨウジ"
    accounting = [r for r in valid["accounting/customers"] if r["customer_name"] == "(株)山田商事"]
    assert len(accounting) == 1 and accounting[0]["corporate_number"] == ""
    crm = [r for r in valid["crm/accounts"] if r["account_name"] == "山田商事 株式会社"]
    assert len(crm) == 1
    assert crm[0]["corporate_number"] == crm[0]["billing_customer_id"] == crm[0]["accounting_customer_code"] == ""
    remitters = {r["remitter_name"] for r in valid["bank/transactions"]}
    assert {"ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "ヤマダショウジ（カ"} <= remitters
    assert any(r["debtor_name"] == "株式会社\u3000山田商事" for r in valid["legal/cases"])


def test_towa_kogyo_twins_and_unresolvable_deposits(valid: dict[str, list[dict[str, str]]]) -> None:
    twins = [r for r in valid["billing/customers"] if r["customer_name"] == "東和工業株式会社"]
    assert len(twins) == 2
    assert {r["customer_name_kana"] for r in twins} == {"トウワコウギヨウ"}
    assert twins[0]["corporate_number"] != twins[1]["corporate_number"]
    applied = {a["bank_transaction_id"] for a in valid["accounting/cash_applications"]}
    ambiguous = [
        r for r in valid["bank/transactions"] if r["remitter_name"] == "ﾄｳﾜｺｳｷﾞﾖｳ(ｶ" and not r["virtual_account_number"]
    ]
    assert ambiguous and all(r["bank_transaction_id"] not in applied for r in ambiguous)
    stranger = [r for r in valid["bank/transactions"] if r["remitter_name"] == "ﾀﾅｶ ﾀﾛｳ"]
    assert stranger and all(r["bank_transaction_id"] not in applied for r in stranger)


def test_each_system_record_belongs_to_a_billing_customer_except_the_orphans(
    valid: dict[str, list[dict[str, str]]],
) -> None:
    billing_ids = {r["billing_customer_id"] for r in valid["billing/customers"]}
    unlinked_crm = [
        r
        for r in valid["crm/accounts"]
        if not r["billing_customer_id"] and not r["corporate_number"] and not r["accounting_customer_code"]
    ]
    assert len(valid["crm/accounts"]) == len(billing_ids) + 2
    assert len(valid["accounting/customers"]) == len(billing_ids) + 1
    assert unlinked_crm  # resolved by name only (山田商事 among them)


def test_activities_include_explicit_offsets(valid: dict[str, list[dict[str, str]]]) -> None:
    stamps = [r["activity_at"] for r in valid["crm/activities"]]
    assert any(s.endswith("Z") for s in stamps)
    assert any(s.endswith("+09:00") for s in stamps)
    assert sum(1 for s in stamps if s.endswith("Z") or s.endswith("+09:00")) <= 10


def test_task_types_and_promises(valid: dict[str, list[dict[str, str]]]) -> None:
    types = {r["task_type"] for r in valid["crm/tasks"]}
    assert types == {"dunning", "dispute", "cash_application", "credit_review", "data_correction", "exception", "other"}
    statuses = {r["status"] for r in valid["crm/tasks"]}
    assert statuses == {"open", "done", "cancelled"}
    for row in valid["crm/tasks"]:
        assert (row["completed_at"] != "") == (row["status"] == "done")
        assert row["created_at"] < row["sla_due_at"]
        assert row["completed_at"] == "" or row["completed_at"] >= row["created_at"]
    promises = [r for r in valid["crm/activities"] if r["outcome"] == "promise_to_pay"]
    assert promises and all(r["promise_date"] and r["promise_amount"] for r in promises)


# ----------------------------------------------------------------------------- exception tasks and judgments


def cash_drop_exceptions(valid: dict[str, list[dict[str, str]]]) -> list[tuple[date, str]]:
    """(Monday, exception_id) of every week the warehouse's cash_balance_drop fires on, recomputed from
    bank/balances as alert_rule_cash_balance_drops does: the all-account balance at the
    ISO week's end (Sunday) against the previous Sunday, change % rounded to 4 places, at or below
    −10 (seeds/alert_rules.csv); alert_id = md5(rule|kpi|subject_type|subject_id|period_start)."""
    totals: dict[date, int] = defaultdict(int)
    for row in valid["bank/balances"]:
        totals[date.fromisoformat(row["balance_at"][:10])] += cents(row["balance"])
    fired = []
    for sunday in sorted(d for d in totals if d.weekday() == 6):
        previous = totals.get(sunday - timedelta(days=7))
        if not previous:
            continue
        if round((totals[sunday] - previous) * 100 / previous, 4) <= -10:
            monday = sunday - timedelta(days=6)
            key = f"cash_balance_drop|cash_balance_change_pct|company|company|{monday:%Y-%m-%d}"
            fired.append((monday, "EXC-" + hashlib.md5(key.encode("utf-8")).hexdigest()[:12]))
    return fired


@pytest.mark.parametrize("data", ["valid", "valid_scale_1"])
def test_exception_tasks_answer_cash_drop_alerts(data: str, request: pytest.FixtureRequest) -> None:
    valid = request.getfixturevalue(data)
    fired = cash_drop_exceptions(valid)
    monday_of = {exception_id: monday for monday, exception_id in fired}
    tasks = [r for r in valid["crm/tasks"] if r["task_type"] == "exception"]
    roles = {r["assignee_id"]: r["role"] for r in valid["crm/assignees"]}
    assert len(tasks) >= 3
    assert len({t["external_ref"] for t in tasks}) == len(tasks)
    assert {t["external_ref"] for t in tasks} <= set(monday_of), "every exception task names a fired alert"
    assert not {t["external_ref"] for t in tasks} & {e for _, e in fired[:2]}, "the first two stay unanswered"
    for task in tasks:
        created = datetime.fromisoformat(task["created_at"])
        opened = datetime.combine(monday_of[task["external_ref"]] + timedelta(days=7), datetime.min.time())
        business_days_on = {date.fromordinal(add_business_days(opened.toordinal(), n)) for n in (1, 2)}
        assert created.date() in business_days_on, task  # 1–2 business days after the opening Monday
        assert created.date() <= date.fromisoformat(LAST_DAY)
        assert datetime.fromisoformat(task["sla_due_at"]) - created == timedelta(hours=48)
        assert roles[task["assignee_id"]] in ("manager", "collector")
        assert task["crm_account_id"] == task["invoice_id"] == ""
        assert (task["status"] == "done") == bool(task["completed_at"]) == bool(task["resolution_tags"])
    done = [t for t in tasks if t["status"] == "done"]
    assert len(done) > len(tasks) / 2 and len(tasks) - len(done) == 1
    # A recurrence: consecutive firings both answered, the first resolved before the second opened.
    completed = {t["external_ref"]: t["completed_at"] for t in done}
    recurrences = [
        later
        for (_, earlier), (monday, later) in itertools.pairwise(fired)
        if earlier in completed
        and later in {t["external_ref"] for t in tasks}
        and datetime.fromisoformat(completed[earlier])
        <= datetime.combine(monday + timedelta(days=7), datetime.min.time())
    ]
    assert recurrences


@pytest.mark.parametrize("data", ["valid", "valid_scale_1"])
def test_judgments_follow_the_filing_and_precede_the_closing(data: str, request: pytest.FixtureRequest) -> None:
    valid = request.getfixturevalue(data)
    cases = {r["legal_case_id"]: r for r in valid["legal/cases"]}
    events: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in valid["legal/events"]:
        events[row["legal_case_id"]].append(row)
    judgments = [r for r in valid["legal/events"] if r["event_type"] in ("judgment_won", "judgment_lost")]
    for judgment in judgments:
        case = cases[judgment["legal_case_id"]]
        own = sorted(events[case["legal_case_id"]], key=lambda r: r["event_date"])
        filings = [r["event_date"] for r in own if r["event_type"] == "filing"]
        assert filings and filings[0] < judgment["event_date"] <= LAST_DAY, judgment
        assert case["opened_date"] < judgment["event_date"]
        assert not case["closed_date"] or judgment["event_date"] < case["closed_date"], judgment
        assert judgment["stage"] == "judgment" and cents(judgment["cost"]) > 0, judgment
        assert sum(1 for r in own if r["event_type"].startswith("judgment_")) == 1
        after = [r for r in own if r["event_date"] > judgment["event_date"]]
        if judgment["event_type"] == "judgment_lost":
            assert [r["stage"] for r in after] in ([], ["closed"])
            assert case["outcome"] in ("", "uncollectible")
        else:
            assert all(r["event_type"] != "judgment_lost" for r in after)
    # A case in a post-filing stage has its judgment; one still at lawsuit has none.
    for case_id, case in cases.items():
        types = {r["event_type"] for r in events[case_id]}
        if case["current_stage"] in ("judgment", "enforcement"):
            assert types & {"judgment_won", "judgment_lost"}, case_id
        if case["current_stage"] == "lawsuit":
            assert not types & {"judgment_won", "judgment_lost"}, case_id
    if data == "valid_scale_1":
        won = sum(1 for r in judgments if r["event_type"] == "judgment_won")
        lost = len(judgments) - won
        assert lost >= 1 and won > lost


# ----------------------------------------------------------------------------- planted violations


def test_planted_violations_are_present(raw: dict[str, list[dict[str, str]]]) -> None:
    rows_by_key: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for table, rows in raw.items():
        for row in rows:
            rows_by_key[(table, KEYS[table](row))].append(row)
    for table, key, reason in PLANTED_VIOLATIONS:
        rows = rows_by_key[(table, key)]
        assert rows, (table, key)
        row = rows[-1]
        if reason == "duplicate_key":
            assert len(rows) == 2 and rows[0] == rows[1], key
        elif reason == "conflicting_duplicate":
            assert len(rows) == 2 and rows[0] != rows[1], key
        elif reason == "missing_required":
            assert "" in (
                row.get("billing_customer_id"),
                row.get("customer_name"),
                row.get("applied_amount"),
                row.get("opened_date"),
                row.get("received_date"),
            ), key
        elif reason == "bad_date":
            date_value = row.get("invoice_date") or row.get("value_date")
            assert date_value in ("2026-02-30", "2026/03/01"), key
        elif reason == "bad_amount":
            amount = row.get("amount") or row.get("debit")
            assert amount in ("12,000", "1000.555", "abc", "-5"), key
        elif reason == "unsupported_currency":
            assert row["currency"] == "USD"
        elif reason == "due_before_issue":
            assert row["due_date"] < row["invoice_date"]
        elif reason == "unknown_reference":
            assert (
                row.get("billing_customer_id") == "B99999"
                or row.get("bank_transaction_id") == "BT-99999999"
                or row.get("account_code") == "9999"
            ), key
        elif reason == "bad_value":
            assert row.get("channel") == "fax" or row.get("status") == "pending" or row.get("note_type") == "cheque"
        elif reason == "maturity_before_receipt":
            assert row["maturity_date"] < row["received_date"], key
        elif reason == "bad_timestamp":
            assert row["activity_at"] == "yesterday"
        else:
            pytest.fail(f"unexpected reason {reason}")


def test_planted_invoices_have_no_applications(raw: dict[str, list[dict[str, str]]]) -> None:
    planted = {key for table, key, _ in PLANTED_VIOLATIONS if table == "billing/invoices" and key.startswith("INV-9")}
    valid_apps = [a for a in raw["accounting/cash_applications"] if not a["application_id"].startswith("APP-99")]
    assert not [a for a in valid_apps if a["invoice_id"] in planted]


# ----------------------------------------------------------------------------- bank format: csv and zengin

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "landing"
ZENGIN_TABLES = {
    "bank/transactions",
    "bank/balances",
    "accounting/cash_applications",
    "accounting/journal_lines",
    "accounting/notes_receivable",
}


@pytest.fixture(scope="module")
def bank_formats(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The scale-1 landing folder in each bank format, from the same seed."""
    csv_out, zengin_out = tmp_path_factory.mktemp("csv_banks"), tmp_path_factory.mktemp("zengin_banks")
    generate(csv_out, scale=1, seed=DEFAULT_SEED, show_progress=False)
    generate(zengin_out, scale=1, seed=DEFAULT_SEED, show_progress=False, bank_format="zengin")
    return csv_out, zengin_out


def zengin_rows(landing: Path) -> list:
    from landing.zengin import read_zengin_files

    return read_zengin_files(sorted((landing / "bank/zengin").glob("*.txt")))


def csv_to_zengin_ids(csv_landing: Path) -> dict[str, str]:
    """The zengin id of every CSV bank transaction that is not planted, as the generator derives it."""
    from datagen.zengin import ACCOUNTS, zengin_transaction_id

    account_ids = {name: a.bank_account_id for name, a in ACCOUNTS.items()}
    planted = {key for table, key, _ in PLANTED_VIOLATIONS if table == "bank/transactions"}
    return {
        tx["bank_transaction_id"]: zengin_transaction_id(
            tx["bank_transaction_id"], account_ids[tx["bank_account_id"]], tx["value_date"], tx["amount"]
        )
        for tx in read_csv(csv_landing / "bank/transactions.csv")
        if tx["bank_transaction_id"] not in planted
    }


def test_csv_mode_reproduces_the_committed_sample(bank_formats: tuple[Path, Path]) -> None:
    csv_out, _ = bank_formats
    assert digest(csv_out) == digest(SAMPLE)


def test_zengin_mode_writes_the_same_transactions(bank_formats: tuple[Path, Path]) -> None:
    from datagen.kana import half_width
    from datagen.zengin import ACCOUNTS

    csv_out, zengin_out = bank_formats
    ids = csv_to_zengin_ids(csv_out)
    account_ids = {name: a.bank_account_id for name, a in ACCOUNTS.items()}
    expected = {
        (
            ids[tx["bank_transaction_id"]],
            account_ids[tx["bank_account_id"]],
            tx["value_date"],
            tx["amount"],
            half_width(tx["remitter_name"]) or None,
            tx["virtual_account_number"] or None,
        )
        for tx in read_csv(csv_out / "bank/transactions.csv")
        if tx["bank_transaction_id"] in ids
    }
    planted = {key for table, key, _ in planted_violations("zengin") if table == "bank/transactions"}
    rows = zengin_rows(zengin_out)
    got = [
        tuple(
            r.values[c]
            for c in (
                "bank_transaction_id",
                "bank_account_id",
                "value_date",
                "amount",
                "remitter_name",
                "virtual_account_number",
            )
        )
        for r in rows
        if r.values["bank_transaction_id"] not in planted
    ]
    assert len(got) == len(set(got)) == len(expected) > 5000
    assert set(got) == expected
    assert [r.rejection for r in rows] == [None] * len(rows)
    assert not (zengin_out / "bank/transactions.csv").exists()  # every sample row fits the format
    deposit_files = sorted(p.name for p in (zengin_out / "bank/zengin").glob("furikomi_*.txt"))
    assert deposit_files[0] == "furikomi_0005-123-1234567_202505.txt" and len(deposit_files) == 36
    assert all(
        r.values["amount"].startswith("-") == ("nyushukkin_" in r.source_file)
        for r in rows
        if r.values["amount"] != "abc"
    )


def test_zengin_mode_names_accounts_and_transactions_by_their_zengin_ids(bank_formats: tuple[Path, Path]) -> None:
    from datagen.zengin import ACCOUNTS

    csv_out, zengin_out = bank_formats
    ids = csv_to_zengin_ids(csv_out)
    accounts = {name: a.bank_account_id for name, a in ACCOUNTS.items()}
    deposits = {
        r.values["bank_transaction_id"] for r in zengin_rows(zengin_out) if not r.values["amount"].startswith("-")
    }

    csv_apps, zengin_apps = (read_csv(out / "accounting/cash_applications.csv") for out in bank_formats)
    assert [
        {**a, "bank_transaction_id": ids.get(a["bank_transaction_id"], a["bank_transaction_id"])} for a in csv_apps
    ] == zengin_apps
    unknown = {a["application_id"] for a in zengin_apps if a["bank_transaction_id"] not in deposits}
    assert unknown == {"APP-99000001"}  # the planted unknown reference, BT-99999999 in both formats
    csv_notes, zengin_notes = (read_csv(out / "accounting/notes_receivable.csv") for out in bank_formats)
    assert [
        {**n, "bank_transaction_id": ids.get(n["bank_transaction_id"], n["bank_transaction_id"])} for n in csv_notes
    ] == zengin_notes
    assert {n["bank_transaction_id"] for n in zengin_notes} - deposits == {"", "BT-99999999"}

    csv_balances, zengin_balances = (read_csv(out / "bank/balances.csv") for out in bank_formats)
    assert [{**b, "bank_account_id": accounts[b["bank_account_id"]]} for b in csv_balances] == zengin_balances
    csv_forecasts, zengin_forecasts = (
        parquet_columns_and_rows(out / "treasury/cash_forecasts.parquet")[1] for out in bank_formats
    )
    assert [row[:5] + (accounts.get(row[5], row[5]),) for row in csv_forecasts] == zengin_forecasts
    assert {row[5] for row in zengin_forecasts} == {None, *accounts.values()}

    for path in zengin_out.rglob("*.csv"):
        assert "ACC-MAIN" not in path.read_text(encoding="utf-8-sig") and "ACC-SUB" not in path.read_text(
            encoding="utf-8-sig"
        ), path
    for table in EXPECTED_COLUMNS:
        if table not in ZENGIN_TABLES and table not in PARQUET:
            assert (csv_out / f"{table}.csv").read_bytes() == (zengin_out / f"{table}.csv").read_bytes(), table


def test_zengin_mode_plants_its_own_kind_of_violations(bank_formats: tuple[Path, Path]) -> None:
    _, zengin_out = bank_formats
    by_id = {r.values["bank_transaction_id"]: r for r in zengin_rows(zengin_out)}
    zengin_planted = planted_violations("zengin")
    bank = [(key, reason) for table, key, reason in zengin_planted if table == "bank/transactions"]
    assert bank == [
        ("zengin:0005-123-1234567:080230:999901", "bad_date"),
        ("zengin:0005-123-1234567:2026-03-02:999902", "bad_amount"),
    ]
    assert by_id[bank[0][0]].values["value_date"] == "080230"  # 令和8年2月30日, passed through for staging
    assert by_id[bank[1][0]].values["amount"] == "abc"
    assert [v for v in zengin_planted if v[0] != "bank/transactions"] == [
        v for v in PLANTED_VIOLATIONS if v[0] != "bank/transactions"
    ]
    assert planted_violations("csv") == PLANTED_VIOLATIONS


def test_remitter_names_become_jis_x0201() -> None:
    from datagen.zengin import NotRepresentable, jis_x0201

    assert jis_x0201("ナカムラツウショウ（カ") == "ﾅｶﾑﾗﾂｳｼｮｳ(ｶ"
    assert jis_x0201("カ）ヤマダシヨウジ") == "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"
    assert jis_x0201("ｶ) ﾔﾏﾀﾞｼﾖｳｼﾞ") == "ｶ) ﾔﾏﾀﾞｼﾖｳｼﾞ"
    assert jis_x0201("ＳＫセイキ") == "SKｾｲｷ"
    with pytest.raises(NotRepresentable, match="山"):
        jis_x0201("山田商事")


def test_a_row_the_zengin_format_cannot_carry_stays_in_a_csv(tmp_path: Path) -> None:
    from datagen.zengin import ZenginBankTable

    table = ZenginBankTable(tmp_path)
    table.write(["BT-0000001", "0005-123-1234567", "2026-03-02", "1000", "JPY", "ｱｲｳ", "42"])
    with pytest.warns(UserWarning, match="BT-0000002"):
        table.write(["BT-0000002", "0005-123-1234567", "2026-03-02", "1000", "JPY", "山田商事", ""])
        table.close()
    assert table.transaction_ids == {
        "BT-0000001": "zengin:0005-123-1234567:2026-03-02:000001",
        "BT-0000002": "BT-0000002",
    }
    assert [r["bank_transaction_id"] for r in read_csv(tmp_path / "bank/transactions.csv")] == ["BT-0000002"]
    (row,) = zengin_rows(tmp_path)
    assert (row.values["virtual_account_number"], row.values["remitter_name"], row.rejection) == ("42", "ｱｲｳ", None)


def test_each_bank_format_clears_the_other_formats_files(tmp_path: Path) -> None:
    generate(tmp_path, scale=SCALE, seed=DEFAULT_SEED, show_progress=False, bank_format="zengin")
    assert not (tmp_path / "bank/transactions.csv").exists() and (tmp_path / "bank/zengin").is_dir()
    generate(tmp_path, scale=SCALE, seed=DEFAULT_SEED, show_progress=False)
    assert (tmp_path / "bank/transactions.csv").exists() and not (tmp_path / "bank/zengin").exists()


# ----------------------------------------------------------------------------- several processes


def test_workers_write_the_same_bytes_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datagen import masters, parallel

    monkeypatch.setattr(masters, "WIDE_NAMES_FROM", 200)  # both ways of drawing names, at a small scale
    merged: list[int] = []
    merge = parallel.merge

    def recording_merge(world: object, result: parallel.ChunkResult, loop: object) -> None:
        merged.append(result.start)
        merge(world, result, loop)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "merge", recording_merge)
    generate(tmp_path / "1", scale=2, seed=DEFAULT_SEED, show_progress=False, workers=1)
    files = digest(tmp_path / "1")
    assert len(files) > 15
    for workers in (2, 3):  # with three, each worker skips two chunks in three
        merged.clear()
        generate(tmp_path / str(workers), scale=2, seed=DEFAULT_SEED, show_progress=False, workers=workers)
        assert merged == [start for start, _ in parallel.chunk_bounds(400, workers)]  # split, in order
        assert len(merged) > workers and digest(tmp_path / str(workers)) == files


def test_placeholders_are_renamed_to_the_runs_ids_past_a_width() -> None:
    from datagen import parallel

    invoices = parallel.PlaceholderSequence("invoice", "INV-", 6)
    journals = parallel.PlaceholderSequence("journal", "JE-", 7)
    first, second, journal = invoices.next(), invoices.next(), journals.next()
    before = dict.fromkeys(parallel.SEQUENCES, 0) | {"invoice": 999_998, "journal": 41}
    rename = parallel.renamer(before)
    assert [rename(v) for v in (first, second, journal)] == ["INV-999999", "INV-1000000", "JE-0000042"]
    assert rename("") == "" and rename("INV-000001") == "INV-000001"


def test_regular_ids_skip_the_planted_ones_in_one_process_and_in_chunks() -> None:
    from datagen import parallel
    from datagen.world import PLANTED_BLOCKS, IdSequence

    planted_ids = {key for table, key, _ in PLANTED_VIOLATIONS if table == "billing/invoices"}
    assert PLANTED_BLOCKS["invoice"] == 9_000_000 and "INV-9000001" in planted_ids
    invoices = IdSequence("INV-", 6, PLANTED_BLOCKS["invoice"])
    invoices.last = 8_999_998
    drawn = [invoices.next() for _ in range(3)]  # past ten million invoices (scale ≈ 1,250)
    assert drawn == ["INV-8999999", "INV-10000000", "INV-10000001"] and not planted_ids & set(drawn)
    chunk = parallel.PlaceholderSequence("invoice", "INV-", 6)
    placeholders = [chunk.next() for _ in range(3)]
    rename = parallel.renamer(dict.fromkeys(parallel.SEQUENCES, 0) | {"invoice": 8_999_998})
    assert [rename(p) for p in placeholders] == drawn
    from datagen.masters import billing_id

    assert [billing_id(i) for i in (0, 99_996, 99_997, 99_998)] == ["B00001", "B99997", "B100000", "B100001"]
    cases = IdSequence("LC-", 4, PLANTED_BLOCKS["case"])
    assert [cases.text(89_999), cases.text(90_000)] == ["LC-89999", "LC-100000"]


def test_company_names_past_the_wide_threshold_stay_unique_and_leave_earlier_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datagen import masters
    from datagen.names import normalised_key

    before = [masters.CustomerFactory(DEFAULT_SEED).make(i).name for i in range(60)]
    monkeypatch.setattr(masters, "WIDE_NAMES_FROM", 40)  # 2 reserved names + customers 3–40: from customer 41
    factory = masters.CustomerFactory(DEFAULT_SEED)
    names = [factory.make(i).name for i in range(400)]
    switched = next(i for i, (old, new) in enumerate(zip(before, names, strict=False)) if old != new)
    assert switched == 41 and names[:switched] == before[:switched]
    keys = [normalised_key(n.core) for n in names[3:]]  # after 山田商事 and the two 東和工業 (one name on purpose)
    readings = [normalised_key(n.reading) for n in names[3:]]
    assert len(set(keys)) == len(keys) and len(set(readings)) == len(readings)
