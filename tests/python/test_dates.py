"""Date arithmetic: DuckDB 2.0 holds `interval 30 day` equal to `interval 1 month` and merges the two
within one SELECT; the project adds whole days as integers (macros/dates.sql) and never mixes them."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest


def test_duckdb_merges_day_and_month_intervals_in_one_select() -> None:
    """The pitfall itself, so a DuckDB upgrade that fixes it is noticed."""
    with duckdb.connect() as connection:
        [(with_days, with_month)] = connection.execute(
            "select d + interval 30 day, d + interval 1 month from (select date '2026-01-31' as d)"
        ).fetchall()
    assert with_days == with_month


@pytest.mark.parametrize(
    "start, days, expected",
    [
        ("2026-01-31", 30, "2026-03-02"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2025-12-31", 1, "2026-01-01"),
        ("2026-03-01", -1, "2026-02-28"),
    ],
)
def test_whole_days_added_as_integers_stay_dates_beside_month_steps(start: str, days: int, expected: str) -> None:
    """add_days on DuckDB (date + n) keeps its value beside a month step in the same SELECT."""
    with duckdb.connect() as connection:
        [(by_days, by_month)] = connection.execute(
            f"select d + ({days}), date_trunc('month', d + interval 1 month)::date from (select date '{start}' as d)"
        ).fetchall()
    assert by_days == dt.date.fromisoformat(expected)
    assert by_month.day == 1
