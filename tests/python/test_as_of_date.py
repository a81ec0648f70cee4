"""No model reads the clock: rebuilding with an earlier AR_AS_OF_DATE gives that date's answers, and a
future-dated row never moves the default as-of date: it is flagged."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from warehouse import REPO_ROOT, query, run_dbt

EARLIER = "2026-03-31"


def test_an_earlier_as_of_date_reproduces_the_past(sample_warehouse: Path, tmp_path: Path) -> None:
    past = tmp_path / "past.duckdb"
    result = run_dbt(
        ["build", "--exclude-resource-type", "test", "unit_test"],
        tmp_path,
        past,
        landing_dir=REPO_ROOT / "sample" / "landing",
        as_of_date=EARLIER,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(past, "select as_of_date::varchar from intermediate.int_reporting_dates") == [(EARLIER,)]
    assert query(past, "select max(month_start)::varchar from marts.fct_kpi_monthly") == [("2026-03-01",)]
    assert query(past, f"select count(*) from marts.fct_receivable_events where event_date > '{EARLIER}'") == [(0,)]
    for table, key in [("fct_kpi_monthly", "month_start"), ("fct_ar_monthly", "customer_key, month_start")]:
        select = f"select * from marts.{table} where month_start <= '{EARLIER}' order by {key}"
        assert query(past, select) == query(sample_warehouse, select), table
    aging = f"select * from marts.fct_aging where as_of_date <= '{EARLIER}' order by as_of_date, invoice_id"
    assert query(past, aging) == query(sample_warehouse, aging)


def test_no_model_reads_the_clock() -> None:
    offenders = [
        path
        for path in (REPO_ROOT / "models").rglob("*.sql")
        if any(word in path.read_text().lower() for word in ("current_date", "now()", "current_timestamp"))
    ]
    assert offenders == []


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, existing = list(reader.fieldnames or []), list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows([*existing, *rows])


def test_a_future_dated_reversing_journal_is_flagged_and_does_not_move_the_as_of_date(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(REPO_ROOT / "sample" / "landing", landing)
    # 翌月1日: October's utilities accrual reversed on 1 November, before November's billing and bank
    # data have landed; and an invoice whose year was mistyped, dated after the run.
    journal = {"journal_id": "JE-9000001", "posting_date": "2026-11-01", "entry_type": "other", "entered_by": "system"}
    append_rows(
        landing / "accounting" / "journal_lines.csv",
        [
            {**journal, "line_number": "1", "account_code": "2200", "debit": "8877119", "credit": "0"},
            {**journal, "line_number": "2", "account_code": "6600", "debit": "0", "credit": "8877119"},
        ],
    )
    append_rows(
        landing / "billing" / "invoices.csv",
        [
            {
                "invoice_id": "INV-900001",
                "billing_customer_id": "B00001",
                "invoice_date": "2027-10-05",
                "due_date": "2027-11-19",
                "amount": "110000",
                "currency": "JPY",
                "document_type": "invoice",
            }
        ],
    )
    built = tmp_path / "future.duckdb"
    result = run_dbt(
        [
            "build",
            "--select",
            "+int_future_dated_rows_flagged",
            "int_months_spanned",
            "assert_no_future_dated_rows",
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            "{run_date: '2026-11-02'}",
        ],
        tmp_path,
        built,
        landing_dir=landing,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(
        built, "select as_of_date::varchar, latest_data_date::varchar from intermediate.int_reporting_dates"
    ) == [("2026-10-31", "2027-10-05")]
    assert query(built, "select max(month_start)::varchar from intermediate.int_months_spanned") == [("2026-10-01",)]
    flagged = """
        select source_table, row_key, date_column, row_date::varchar, finding_reason
        from intermediate.int_future_dated_rows_flagged order by row_key"""
    assert query(built, flagged) == [
        ("invoices", "INV-900001", "invoice_date", "2027-10-05", "after_run_date"),
        ("journal_lines", "JE-9000001:1", "posting_date", "2026-11-01", "after_data_as_of_date"),
        ("journal_lines", "JE-9000001:2", "posting_date", "2026-11-01", "after_data_as_of_date"),
    ]
    assert "WARN 3 assert_no_future_dated_rows" in result.stdout
