"""AR_TEST_SCOPE (macros/test_scope.sql): `recent` narrows the row-level tests of the largest tables to
the rows of the last test_scope_recent_days days; the tie-outs read every row in every scope."""

from __future__ import annotations

import shutil
from pathlib import Path

from warehouse import run_dbt

RECENT_FILTER = "cast(posting_date as date) >= (cast('2026-10-31' as date) + -60)"


def compiled_tests(sample_warehouse: Path, work_dir: Path, scope: str, dbt_vars: str | None = None) -> tuple[str, str]:
    """The compiled uniqueness test and landing reconciliation of the journal lines, run with AR_TEST_SCOPE
    `scope` (and dbt_vars, `--vars`, when given)."""
    work_dir.mkdir()
    warehouse = work_dir / "ar.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    result = run_dbt(
        ["test", "--select", "stg_accounting__journal_lines"] + (["--vars", dbt_vars] if dbt_vars else []),
        work_dir,
        warehouse,
        extra_env={"AR_TEST_SCOPE": scope, "AR_RUN_DATE": "2026-10-31"},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    folder = work_dir / "target" / "compiled" / "ar_warehouse" / "models" / "staging" / "accounting"
    compiled = folder / "_accounting__models.yml"
    unique = next(compiled.glob("unique_combination_stg_account*.sql")).read_text()
    reconciliation = next(compiled.glob("reconciles_with_landing_stg_ac*.sql")).read_text()
    return unique, reconciliation


def test_recent_scope_narrows_row_level_tests_but_not_the_tie_out(sample_warehouse: Path, tmp_path: Path) -> None:
    unique, reconciliation = compiled_tests(sample_warehouse, tmp_path / "recent", "recent")
    assert RECENT_FILTER in unique
    assert "posting_date is null or" not in reconciliation


def test_full_scope_reads_every_row(sample_warehouse: Path, tmp_path: Path) -> None:
    unique, reconciliation = compiled_tests(sample_warehouse, tmp_path / "full", "full")
    assert "posting_date is null or" not in unique
    assert "posting_date is null or" not in reconciliation


def test_the_var_decides_over_the_environment(sample_warehouse: Path, tmp_path: Path) -> None:
    """Dagster's schedule passes the scope as the var test_scope; it wins over AR_TEST_SCOPE."""
    unique, _ = compiled_tests(sample_warehouse, tmp_path / "var", "full", dbt_vars="{test_scope: recent}")
    assert RECENT_FILTER in unique


def test_an_unknown_scope_is_a_clear_error(sample_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "ar.duckdb"
    shutil.copy(sample_warehouse, warehouse)
    result = run_dbt(
        ["test", "--select", "stg_accounting__journal_lines"],
        tmp_path,
        warehouse,
        extra_env={"AR_TEST_SCOPE": "weekly"},
    )
    assert result.returncode != 0
    assert "(var test_scope or AR_TEST_SCOPE) must be full or recent, got 'weekly'" in result.stdout
