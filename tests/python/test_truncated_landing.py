"""A landing line cut short is `malformed_line` with its line number, never a smaller valid amount:
through the landing preparation and through dbt's own read of a file that was not prepared."""

from __future__ import annotations

from pathlib import Path

import pytest

from landing.prepare import prepare
from warehouse import query, run_dbt

INVOICES = (
    "invoice_id,billing_customer_id,invoice_date,due_date,amount,currency\n"
    "I1,C1,2026-01-05,2026-02-04,110000,JPY\n"
    "I2,C1,2026-01-06,2026-02-05,12345\n"  # fewer fields in the middle: the rest of the line is missing
    "I3,C1,2026-01-07,,5000,JPY\n"  # every field there, one empty: a contract rule, not a truncation
    "I4,C1,2026-01-08,2026-02-07,1234567,JPY\n"
    "I5,C1,2026-01-09,2026-02-08,12345"  # the file cut off inside its last line, no newline after it
)


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "read_as_landed"])
def test_a_truncated_line_is_malformed_with_its_line_number(tmp_path: Path, prepared: bool) -> None:
    landing = tmp_path / "landing"
    (landing / "billing").mkdir(parents=True)
    (landing / "billing" / "customers.csv").write_text("billing_customer_id,customer_name\nC1,株式会社山田商事\n")
    (landing / "billing" / "invoices.csv").write_bytes(INVOICES.encode())
    read_from = landing
    if prepared:
        read_from = tmp_path / "prepared"
        prepare(landing, read_from)
    duckdb_path = tmp_path / "ar.duckdb"
    result = run_dbt(
        ["build", "--select", "staging", "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"],
        tmp_path,
        duckdb_path,
        landing_dir=read_from,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    # The prepared copy names every row's line; a file read as it landed only its malformed ones.
    i3_line = 4 if prepared else None
    assert query(
        duckdb_path,
        """select source_file, source_line_number, row_key, reason from staging.rejected_rows
        where source_table = 'invoices' order by source_row_number""",
    ) == [
        (str(landing / "billing" / "invoices.csv"), 3, "line 3", "malformed_line"),
        (str(landing / "billing" / "invoices.csv"), i3_line, "I3", "missing_required"),
        (str(landing / "billing" / "invoices.csv"), 6, "line 6", "malformed_line"),
    ]
    staged = "select invoice_id, invoice_amount from staging.stg_billing__invoices order by invoice_id"
    assert [(invoice_id, int(amount)) for invoice_id, amount in query(duckdb_path, staged)] == [
        ("I1", 110000),
        ("I4", 1234567),
    ]
