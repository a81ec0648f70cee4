"""The receivable ledger is incremental: a run on grown or corrected data equals a full refresh."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

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


def test_a_journal_re_posted_under_a_new_id_leaves_the_ledger_as_a_full_refresh_does(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    incremental = tmp_path / "incremental.duckdb"
    first = run_dbt(["build", *SELECT], tmp_path, incremental, landing_dir=landing)
    assert first.returncode == 0, first.stdout[-3000:]

    # The latest write-off journal is entered again under a new id, and an application inside the
    # lookback window is deleted at the source: both old events must leave the ledger.
    journal_lines = landing / "accounting" / "journal_lines.csv"
    with journal_lines.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    journal_id = max(line["journal_id"] for line in lines if line["entry_type"] == "write_off")
    for line in lines:
        if line["journal_id"] == journal_id:
            line["journal_id"] = journal_id + "-R"
    write_rows(journal_lines, lines)

    applications = landing / "accounting" / "cash_applications.csv"
    with applications.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    reversed_ids = {row["reverses_application_id"] for row in rows}
    deleted = max(
        (row for row in rows if not row["reverses_application_id"] and row["application_id"] not in reversed_ids),
        key=lambda row: (row["applied_date"], row["application_id"]),
    )
    write_rows(applications, [row for row in rows if row is not deleted])

    again = run_dbt(["build", *SELECT], tmp_path, incremental, landing_dir=landing)
    assert again.returncode == 0, again.stdout[-3000:]
    refreshed = tmp_path / "refreshed.duckdb"
    full = run_dbt(["build", *SELECT, "--full-refresh"], tmp_path, refreshed, landing_dir=landing)
    assert full.returncode == 0, full.stdout[-3000:]

    ids = query(incremental, "select event_id from intermediate.int_receivable_events_unioned")
    assert (f"write_off:{journal_id}:2",) not in ids and (f"write_off:{journal_id}-R:2",) in ids
    assert (f"collection:{deleted['application_id']}",) not in ids
    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental}' as incremental (read_only)")
        connection.execute(f"attach '{refreshed}' as refreshed (read_only)")
        for left, right in [("incremental", "refreshed"), ("refreshed", "incremental")]:
            difference = connection.execute(
                f"select * from {left}.intermediate.int_receivable_events_unioned"
                f" except all select * from {right}.intermediate.int_receivable_events_unioned"
            ).fetchall()
            assert difference == [], f"rows in the {left} ledger only: {difference[:5]}"


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
