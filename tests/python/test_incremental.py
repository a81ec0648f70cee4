"""The receivable ledger is incremental: a run on grown data equals a full refresh."""

from __future__ import annotations

from pathlib import Path

from warehouse import REPO_ROOT, query, run_dbt

SAMPLE = REPO_ROOT / "sample" / "landing"
LEDGER = "select * from intermediate.int_receivable_events_unioned order by event_id"
SELECT = ["--select", "+int_receivable_events_unioned", "--exclude-resource-type", "test", "unit_test"]


def test_an_incremental_run_on_grown_data_equals_a_full_refresh(tmp_path: Path) -> None:
    incremental = tmp_path / "incremental.duckdb"
    first = run_dbt(["build", *SELECT], tmp_path, incremental, landing_dir=SAMPLE, as_of_date="2026-08-31")
    assert first.returncode == 0, first.stdout[-3000:]
    grown = run_dbt(["build", *SELECT], tmp_path, incremental, landing_dir=SAMPLE)
    assert grown.returncode == 0, grown.stdout[-3000:]

    refreshed = tmp_path / "refreshed.duckdb"
    full = run_dbt(["build", *SELECT, "--full-refresh"], tmp_path, refreshed, landing_dir=SAMPLE)
    assert full.returncode == 0, full.stdout[-3000:]
    assert query(incremental, LEDGER) == query(refreshed, LEDGER)


def test_moving_the_as_of_date_back_drops_later_events(tmp_path: Path) -> None:
    ledger = tmp_path / "ar.duckdb"
    assert run_dbt(["build", *SELECT], tmp_path, ledger, landing_dir=SAMPLE).returncode == 0
    back = run_dbt(["build", *SELECT], tmp_path, ledger, landing_dir=SAMPLE, as_of_date="2026-06-30")
    assert back.returncode == 0, back.stdout[-3000:]
    assert query(
        ledger, "select max(event_date)::varchar <= '2026-06-30' from intermediate.int_receivable_events_unioned"
    ) == [(True,)]
