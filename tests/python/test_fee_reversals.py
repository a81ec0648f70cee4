"""A reversed application gives its transfer fee back: negative fees stage on reversal rows only."""

from __future__ import annotations

from pathlib import Path

from datagen.contract import TABLE_COLUMNS
from warehouse import query, run_dbt, write_csv


def test_a_reversal_with_its_fee_reopens_the_full_invoice_and_nets_the_fee(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_csv(
        landing / "billing" / "customers.csv", ["billing_customer_id", "customer_name"], [["C1", "株式会社山田商事"]]
    )
    write_csv(
        landing / "billing" / "invoices.csv",
        ["invoice_id", "billing_customer_id", "invoice_date", "due_date", "amount"],
        [["I1", "C1", "2026-01-10", "2026-02-28", "100440"], ["I2", "C1", "2026-01-10", "2026-02-28", "50000"]],
    )
    write_csv(
        landing / "bank" / "transactions.csv",
        ["bank_transaction_id", "bank_account_id", "value_date", "amount", "currency"],
        [["BT1", "ACC-MAIN", "2026-02-02", "100000", "JPY"], ["BT2", "ACC-MAIN", "2026-02-06", "49560", "JPY"]],
    )
    write_csv(
        landing / "accounting" / "cash_applications.csv",
        TABLE_COLUMNS["accounting/cash_applications"],
        [
            # Hand-worked: 100,000 + fee 440 settle I1's 100,440; the reversal gives both back.
            ["A1", "BT1", "I1", "100000", "2026-02-02", "manual", "440", ""],
            ["A2", "BT1", "I1", "-100000", "2026-02-05", "manual", "-440", "A1"],
            # A negative fee on an application that reverses nothing, and a reversal that deducts a fee.
            ["A3", "BT2", "I2", "49560", "2026-02-06", "manual", "-440", ""],
            ["A4", "BT2", "I2", "-49560", "2026-02-09", "manual", "440", "A3"],
        ],
    )
    duckdb_path = tmp_path / "ar.duckdb"
    result = run_dbt(
        [
            "build",
            "--select",
            "+int_invoice_amounts_summed",
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
        tmp_path,
        duckdb_path,
        landing_dir=landing,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(
        duckdb_path,
        "select row_key, rejection_reason, rejected_column from staging.base_accounting__cash_applications"
        " where rejection_reason is not null order by row_key",
    ) == [("A3", "bad_amount", "fee_deducted"), ("A4", "bad_amount", "fee_deducted")]
    assert query(
        duckdb_path,
        "select invoiced_amount, collected_amount, fees_deducted_amount, open_amount"
        " from intermediate.int_invoice_amounts_summed where invoice_id = 'I1'",
    ) == [(100440, 0, 0, 100440)]
