"""make bench's daily delivery: the last day's rows leave <table>.csv for <table>_<date>.csv byte for byte,
and the notes' state table is rolled back to the day before; and the raw single pass computes the
roll-forward parts from the landing files."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", REPO_ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def test_record_lines_keep_quoted_line_breaks_and_let_an_unclosed_quote_go(bench):
    text = 'a,b\n1,"two\nlines"\n2,plain\n3,"never closed\n'
    records = list(bench.RecordLines(iter(text.splitlines(keepends=True)[1:])))
    assert records[0] == (["1", "two\nlines"], '1,"two\nlines"\n')
    assert records[1] == (["2", "plain"], "2,plain\n")
    assert records[2] == (None, '3,"never closed\n')


def test_the_last_days_rows_move_to_daily_files_with_the_same_header_and_bytes(bench, tmp_path):
    landing, delivery = tmp_path / "landing", tmp_path / "delivery"
    header = "invoice_id,invoice_date,amount\r\n"
    rows = [
        "INV-1,2026-10-29,100\r\n",
        'INV-2,2026-10-30,"1,000"\r\n',
        "INV-3,2026-10-30,300\r\n",
        "INV-4,2026-11-02,400\r\n",  # after the run date: stays
        "INV-5,not a date,500\r\n",
    ]
    write(landing / "billing" / "invoices.csv", header + "".join(rows), "utf-8-sig")
    write(landing / "accounting" / "journal_lines.csv", "journal_id,posting_date\nJE-1,2026-10-31\nJE-2,2026-10-01\n")

    moved = bench.split_daily_delivery(landing, delivery, "2026-10-30")

    assert moved == {"billing/invoices": 2, "accounting/journal_lines": 1}
    bom = b"\xef\xbb\xbf"
    kept = landing / "billing" / "invoices.csv"
    assert kept.read_bytes() == bom + (header + rows[0] + rows[3] + rows[4]).encode()
    daily = delivery / "billing" / "invoices_2026-10-30.csv"
    assert daily.read_bytes() == bom + (header + rows[1] + rows[2]).encode()
    assert (
        delivery / "accounting" / "journal_lines_2026-10-31.csv"
    ).read_text() == "journal_id,posting_date\nJE-1,2026-10-31\n"
    assert (landing / "accounting" / "journal_lines.csv").read_text() == "journal_id,posting_date\nJE-2,2026-10-01\n"

    daily_bytes = daily.read_bytes()
    delivered = bench.deliver(delivery, landing)
    assert sorted(path.name for path in delivered) == ["invoices_2026-10-30.csv", "journal_lines_2026-10-31.csv"]
    assert (landing / "billing" / "invoices_2026-10-30.csv").read_bytes() == daily_bytes
    assert not daily.exists()


def test_notes_settled_or_received_on_the_day_stand_as_the_day_before(bench, tmp_path):
    landing, delivery = tmp_path / "landing", tmp_path / "delivery"
    header = "note_id,invoice_id,amount,received_date,status,settled_date,bank_transaction_id,discount_fee\n"
    today = header + (
        "NR-1,INV-1,100,2026-08-31,collected,2026-10-30,BT-9,\n"
        "NR-2,INV-2,200,2026-10-30,held,,,\n"
        "NR-3,INV-3,300,2026-07-01,collected,2026-10-01,BT-1,\n"
    )
    write(landing / "accounting" / "notes_receivable.csv", today)

    assert bench.hold_back_note_states(landing, delivery, "2026-10-30") == 2

    assert (landing / "accounting" / "notes_receivable.csv").read_text() == header + (
        "NR-1,INV-1,100,2026-08-31,held,,,\nNR-3,INV-3,300,2026-07-01,collected,2026-10-01,BT-1,\n"
    )
    assert (delivery / "accounting" / "notes_receivable.csv").read_text() == today
    bench.deliver(delivery, landing)
    assert (landing / "accounting" / "notes_receivable.csv").read_text() == today


def test_the_raw_pass_rolls_a_customers_month_forward(bench, tmp_path):
    # B1: invoice 1,000 in September, a credit note of −100 on it and 600 collected with a 10 fee in
    # October, 50 written off in October. September ends at 1,000; October opens at 1,000 and ends at
    # 1,000 − 100 − 600 − 10 − 50 = 240.
    landing = tmp_path / "landing"
    write(
        landing / "billing" / "invoices.csv",
        "invoice_id,billing_customer_id,invoice_date,due_date,amount,currency,document_type,original_invoice_id\n"
        "INV-1,B1,2026-09-10,2026-10-10,1000,JPY,invoice,\n"
        "CN-1,B1,2026-10-05,2026-10-10,-100,JPY,credit_note,INV-1\n",
    )
    write(
        landing / "accounting" / "cash_applications.csv",
        "application_id,invoice_id,applied_amount,applied_date,fee_deducted\nAPP-1,INV-1,600,2026-10-12,10\n",
    )
    write(
        landing / "accounting" / "journal_lines.csv",
        "journal_id,line_number,posting_date,account_code,debit,credit,invoice_id,entry_type\n"
        "JE-1,1,2026-10-20,1100,0,50,INV-1,write_off\n"
        "JE-1,2,2026-10-20,6100,50,0,,write_off\n",
    )
    write(
        landing / "accounting" / "accounts.csv",
        "account_code,account_category\n1100,accounts_receivable\n6100,bad_debt\n",
    )
    write(
        landing / "accounting" / "notes_receivable.csv",
        "note_id,invoice_id,amount,received_date,status,settled_date\n",
    )
    write(landing / "bank" / "transactions.csv", "bank_transaction_id,value_date\nBT-1,2026-10-12\n")

    result = bench.raw_pass(landing, threads=1)

    assert result["rows"] == 2
    assert result["as_of_date"] == "2026-10-20"
    assert result["ending_ar"] == 240.0


def scale_result(bench, scale: float, invoices: int, dbt_seconds: float, full_outcome=None):
    measured = bench.Measured
    outcome = bench.DbtOutcome("PASS=1 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=1", [], [], 0)
    return bench.ScaleResult(
        scale=scale,
        rows={name: invoices for name in bench.ROW_COUNTS},
        delivery_day="2026-10-30",
        moved={"billing/invoices": 1},
        invoices_staged_before=invoices - 1,
        invoices_staged_after=invoices,
        as_of_before="2026-10-29",
        as_of_after="2026-10-30",
        generate=measured(1.0, 100),
        prepare=measured(2.0, 100),
        full_build=measured(dbt_seconds, 1000),
        daily_prepare=measured(1.0, 100),
        daily_build=measured(dbt_seconds / 4, 900),
        raw=measured(1.5, 200),
        raw_seconds=1.0,
        raw_ending_ar=10.0,
        raw_as_of="2026-10-30",
        raw_rows=2,
        warehouse_ending_ar=10.0,
        duckdb_mib_full=50.0,
        duckdb_mib_after=60.0,
        slowest_models=[("base_billing__invoices", 2.0)],
        slowest_tests=[("unique_invoice_id", 1.0)],
        load_average=(1.0, 1.0, 1.0),
        full_outcome=full_outcome or outcome,
        daily_outcome=outcome,
    )


def test_the_tables_give_shares_and_ratios_and_the_readme_block_is_replaced(bench, tmp_path, monkeypatch):
    small, large = scale_result(bench, 1, 1_000, 98.0), scale_result(bench, 10, 10_000, 198.0)
    times = bench.times_table([small])
    # full build 2 + 98 = 100 s; daily rebuild 1 + 24.5 = 25.5 s, 26% of it; 100 s ÷ 1 s raw pass.
    assert times[2] == (
        "| 1 | 2.0 s | 98.0 s | 100.0 s | 25.5 s | 26% | 1.00 s | 100× | 1,000 MiB | 200 MiB | 50 MiB |"
    )
    # 10,000 ÷ 1,000 invoices; full build 200 ÷ 100 s; dbt build 198 ÷ 98 s; rebuild 50.5 ÷ 25.5 s.
    assert bench.ratios_table([small, large])[2] == "| 1 → 10 | 10.0× | 2.0× | 2.0× | 2.0× | 1.0× | 1.0× |"

    readme = tmp_path / "README.md"
    readme.write_text("before\n<!-- bench:results -->\nold table\n<!-- /bench:results -->\nafter\n", encoding="utf-8")
    monkeypatch.setattr(bench, "README_PATH", readme)
    bench.update_readme([small, large], "Latest run: today.")
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text
    assert text.startswith("before\n<!-- bench:results -->\nLatest run: today.\n")
    assert text.endswith("<!-- /bench:results -->\nafter\n")
    assert "| 10 | 10,000 |" in text


def test_a_build_that_left_models_unbuilt_is_measured_and_marked(bench, tmp_path):
    """A scale that does not fit the machine still gets its figures, each marked as not a whole build."""
    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "results": [
                    {"unique_id": "model.ar.stg_a", "status": "success", "message": "OK"},
                    {"unique_id": "model.ar.int_b", "status": "error", "message": "Out of Memory Error: x\nmore"},
                    {"unique_id": "model.ar.fct_c", "status": "skipped", "message": None},
                    {"unique_id": "test.ar.unique_b", "status": "skipped", "message": None},
                    {"unique_id": "test.ar.not_null_a", "status": "fail", "message": "Got 2 results"},
                ]
            }
        ),
        encoding="utf-8",
    )
    measured = bench.Measured(120.0, 900, ["Done. PASS=1 WARN=0 ERROR=2 SKIP=2 NO-OP=0 TOTAL=5"])
    outcome = bench.dbt_outcome(measured, run_results, "scale 1400: full build")
    assert outcome.erred_nodes == ["int_b: Out of Memory Error: x"]
    assert outcome.skipped_nodes == 1
    assert outcome.failed_tests == ["not_null_a"]
    assert not outcome.complete

    result = scale_result(bench, 1400, 10_000, 118.0, outcome)
    result.rows["ledger events"] = None  # the mart was not built
    assert "| 118.0 s (1 erred, 1 skipped) |" in bench.times_table([result])[2]
    assert "| – |" in bench.rows_table([result])[2]
    details = "\n".join(bench.scale_details(result))
    assert "Not built in the full build: 1 erred (int_b: Out of Memory Error: x) and 1 skipped" in details
