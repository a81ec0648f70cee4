"""`python -m landing prepare --workers N`: tables prepared in parallel processes give the very files,
report and problems of one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from landing.prepare import LandingPreparationError, prepare

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "landing"


def prepared_files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*.csv")}


def test_parallel_preparation_writes_what_one_process_writes(tmp_path: Path) -> None:
    one = prepare(SAMPLE, tmp_path / "one", workers=1)
    two = prepare(SAMPLE, tmp_path / "two", workers=2)
    assert prepared_files(tmp_path / "one") == prepared_files(tmp_path / "two")
    assert [table.table for table in two.tables] == [table.table for table in one.tables]
    assert [table.rows_written for table in two.tables] == [table.rows_written for table in one.tables]


def test_parallel_preparation_reports_every_table_problem(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    for table in ("billing/invoices", "accounting/journal_lines"):
        (landing / f"{table}.csv").write_text("unrelated,header\n1,2\n", encoding="utf-8")
    with pytest.raises(LandingPreparationError) as raised:
        prepare(landing, tmp_path / "prepared", workers=2)
    message = str(raised.value)
    assert "invoices.csv" in message and "journal_lines.csv" in message
