"""The GL tie-out is an error: a month outside the seed's tolerance fails the build, one within it passes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse import run_dbt

TEST = ["test", "--select", "assert_gl_ar_ties_to_subledger"]


def reconciliation(duckdb_path: Path, work_dir: Path, differences: list[str], tolerance: str | None) -> None:
    """marts.fct_gl_ar_reconciliation with one month per difference (GL 1,000,000), and the tolerance seed."""
    seeded = run_dbt(["seed", "--select", "gl_tie_out_tolerances"], work_dir, duckdb_path)
    assert seeded.returncode == 0, seeded.stdout[-3000:]
    with duckdb.connect(str(duckdb_path)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute(
            """create or replace table marts.fct_gl_ar_reconciliation (
                month_start date, month_end_date date, subledger_ending_ar decimal(18, 2),
                gl_ending_ar decimal(18, 2), difference_amount decimal(18, 2), is_reconciled boolean)"""
        )
        for month, difference in enumerate(differences, start=1):
            connection.execute(
                """insert into marts.fct_gl_ar_reconciliation
                select m, last_day(m), 1000000 + d, 1000000, d, d = 0
                from (select make_date(2026, ?, 1) as m, cast(? as decimal(18, 2)) as d)""",
                [month, difference],
            )
        if tolerance is not None:
            connection.execute("update reference.gl_tie_out_tolerances set tolerance_amount = ?", [tolerance])


@pytest.mark.parametrize(
    ("differences", "tolerance", "failing_months"),
    [
        # Tolerance 1 yen: 0, +1 and −1 tie (|d| ≤ 1); +1.01 and −250 do not.
        (["0", "1", "-1", "1.01", "-250"], "1", 2),
        (["0", "1", "-1"], "1", 0),
        # The shipped tolerance is 0: one sen is a difference.
        (["0", "0.01"], None, 1),
        (["0", "0"], None, 0),
    ],
)
def test_a_difference_above_the_tolerance_fails_and_within_it_passes(
    tmp_path: Path, differences: list[str], tolerance: str | None, failing_months: int
) -> None:
    duckdb_path = tmp_path / "ar.duckdb"
    reconciliation(duckdb_path, tmp_path, differences, tolerance)
    result = run_dbt(TEST, tmp_path, duckdb_path)
    if failing_months:
        assert result.returncode == 1, result.stdout[-3000:]
        assert f"FAIL {failing_months} assert_gl_ar_ties_to_subledger" in result.stdout, result.stdout[-3000:]
        assert "ERROR=1" in result.stdout
    else:
        assert result.returncode == 0, result.stdout[-3000:]
        assert "PASS=1" in result.stdout
