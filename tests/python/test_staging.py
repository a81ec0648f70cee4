"""Staging keeps the landing contract: broken rows are quarantined with a reason, nothing is lost,
optional files and columns may be absent, a missing required file is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen.planted import PLANTED_VIOLATIONS
from warehouse import query, run_dbt, write_csv


def test_every_planted_violation_is_quarantined_with_its_reason(sample_warehouse: Path) -> None:
    quarantined = query(
        sample_warehouse,
        """
        select source_system || '/' || source_table, row_key, reason from staging.rejected_rows
    """,
    )
    for violation in PLANTED_VIOLATIONS:
        assert quarantined.count(violation) == PLANTED_VIOLATIONS.count(violation), violation
    assert len(quarantined) == len(PLANTED_VIOLATIONS), "rows quarantined beyond the planted ones"


def test_an_exact_duplicate_keeps_its_first_copy(sample_warehouse: Path) -> None:
    staged = query(
        sample_warehouse, "select count(*) from staging.stg_billing__invoices where invoice_id = 'INV-000001'"
    )
    assert staged == [(1,)]


@pytest.fixture(scope="module")
def minimal_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the two required files: with a BOM, an extra column, optional columns left out."""
    landing = tmp_path_factory.mktemp("landing")
    write_csv(
        landing / "billing" / "customers.csv",
        ["billing_customer_id", "customer_name", "unused_extra_column"],
        [["C1", "株式会社山田商事", "x"], ["C2", "東和工業株式会社", "y"]],
        bom=True,
    )
    write_csv(
        landing / "billing" / "invoices.csv",
        ["invoice_id", "billing_customer_id", "invoice_date", "due_date", "amount"],
        [
            ["I1", "C1", "2026-01-05", "2026-02-04", "110000"],
            ["I2", "C2", "2026-01-10", "2026-02-28", "55000.50"],
            ["I3", "C9", "2026-01-10", "2026-02-28", "1000"],
            ["I4", "C1", "2026-01-10", "2026-01-09", "1000"],
        ],
    )
    return landing


def test_only_the_required_files_build_with_empty_optional_models(minimal_landing: Path, tmp_path: Path) -> None:
    duckdb_path = tmp_path / "ar.duckdb"
    result = run_dbt(
        [
            "build",
            "--select",
            "staging",
            "+marts.customers",
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
        tmp_path,
        duckdb_path,
        landing_dir=minimal_landing,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(
        duckdb_path, "select invoice_id, currency, document_type from staging.stg_billing__invoices order by 1"
    ) == [("I1", "JPY", "invoice"), ("I2", "JPY", "invoice")]
    assert query(duckdb_path, "select row_key, reason from staging.rejected_rows order by 1") == [
        ("I3", "unknown_reference"),
        ("I4", "due_before_issue"),
    ]
    for empty in ["stg_bank__transactions", "stg_crm__accounts", "stg_legal__cases", "stg_treasury__cash_forecasts"]:
        assert query(duckdb_path, f"select count(*) from staging.{empty}") == [(0,)]
    assert query(duckdb_path, "select count(distinct customer_key) from marts.customer_identity_map") == [(2,)]


def test_a_missing_required_file_stops_with_a_clear_error(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write_csv(landing / "billing" / "customers.csv", ["billing_customer_id", "customer_name"], [["C1", "X"]])
    result = run_dbt(
        ["run", "--select", "base_billing__invoices"], tmp_path, tmp_path / "ar.duckdb", landing_dir=landing
    )
    assert result.returncode != 0
    assert "Required landing file missing" in result.stdout
    assert "billing/invoices.csv" in result.stdout
