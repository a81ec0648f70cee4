"""The DuckDB files, opened waiting out another process's lock, and the quality ledger."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[2]
# The warehouse stores local timestamps in the source timezone (dbt var source_timezone).
LOCAL_TIMEZONE = ZoneInfo("Asia/Tokyo")
LOCK_WAIT_SECONDS: tuple[float, ...] = (1, 2, 4, 8)
T = TypeVar("T")


def local_now(precise: bool = False) -> dt.datetime:
    """Now in the warehouse's timezone, without offset, as the warehouse stores timestamps."""
    now = dt.datetime.now(LOCAL_TIMEZONE).replace(tzinfo=None)
    return now if precise else now.replace(microsecond=0)


def is_lock_conflict(error: BaseException) -> bool:
    """True when another process holds the DuckDB file: worth waiting for, not a real failure."""
    message = str(error).lower()
    return "lock" in message and ("conflicting" in message or "could not set" in message)


def wait_for_lock(action: Callable[[], T]) -> T:
    """Run an action that opens a DuckDB file, waiting out a lock held by another process."""
    for wait_seconds in LOCK_WAIT_SECONDS:
        try:
            return action()
        except duckdb.IOException as error:
            if not is_lock_conflict(error):
                raise
            time.sleep(wait_seconds)
    return action()


@contextmanager
def duckdb_connection(path: Path, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a DuckDB file, waiting out a lock held by another process."""
    connection = wait_for_lock(lambda: duckdb.connect(os.fspath(path), read_only=read_only))
    try:
        yield connection
    finally:
        connection.close()


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def table_exists(connection: duckdb.DuckDBPyConnection, qualified_name: str) -> bool:
    schema_name, table_name = qualified_name.split(".")
    row = connection.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [schema_name, table_name],
    ).fetchone()
    return bool(row and row[0])


def copy_comments(
    connection: duckdb.DuckDBPyConnection, source_catalog: str, schema_name: str, table_name: str
) -> None:
    """The table and column comments of a table of the source catalog, onto its copy in the current one."""
    qualified = f"{identifier(schema_name)}.{identifier(table_name)}"
    where = "database_name = ? and schema_name = ? and table_name = ?"
    key = [source_catalog, schema_name, table_name]
    table_comment = connection.execute(f"select comment from duckdb_tables() where {where}", key).fetchone()
    if table_comment and table_comment[0]:
        connection.execute(f"comment on table {qualified} is {literal(table_comment[0])}")
    columns = connection.execute(
        f"select column_name, comment from duckdb_columns() where {where} and comment is not null", key
    ).fetchall()
    for column_name, comment in columns:
        connection.execute(f"comment on column {qualified}.{identifier(column_name)} is {literal(comment)}")


# The quality ledger: every check result, dbt and GX, for the error rate, the GX index and the audit.

QUALITY_LEDGER_TABLE = "ops.data_quality_results"
QUALITY_LEDGER_DDL = f"""
create schema if not exists ops;
create table if not exists {QUALITY_LEDGER_TABLE} (
    check_name varchar not null,
    checked_at timestamp not null,
    severity varchar not null,
    status varchar not null,
    failed_rows bigint,
    asset_key varchar,
    check_source varchar not null,
    run_id varchar
);
"""


@dataclass(frozen=True)
class CheckOutcome:
    """One check result as the ledger keeps it.

    severity: `error` (blocks publication) or `warn`.
    status:   `pass`, `fail` (the data broke the rule), `error` (the check itself could not run)
              or `skipped` (dbt skipped it because something upstream failed).
    """

    check_name: str
    severity: str
    status: str
    failed_rows: int | None
    asset_key: str
    check_source: str


def record_check_outcomes(duckdb_path: Path, outcomes: Sequence[CheckOutcome], run_id: str) -> None:
    """Append check results to ops.data_quality_results (created when missing)."""
    if not outcomes:
        return
    checked_at = local_now()
    rows = [
        (o.check_name, checked_at, o.severity, o.status, o.failed_rows, o.asset_key, o.check_source, run_id)
        for o in outcomes
    ]
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb_connection(duckdb_path, read_only=False) as connection:
        connection.execute(QUALITY_LEDGER_DDL)
        connection.executemany(f"insert into {QUALITY_LEDGER_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def failing_checks(connection: duckdb.DuckDBPyConnection, checks: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of these (asset_key, check_name) pairs, those whose latest recorded result is an
    error-severity failure (`fail`, or `error`: the check could not run)."""
    wanted = set(checks)
    if not wanted or not table_exists(connection, QUALITY_LEDGER_TABLE):
        return []
    rows = connection.execute(
        f"""
        select asset_key, check_name, severity, status from (
            select *, row_number() over (
                partition by asset_key, check_name order by checked_at desc, rowid desc) as recency
            from {QUALITY_LEDGER_TABLE} where status <> 'skipped'
        ) where recency = 1
        """
    ).fetchall()
    return sorted(
        (asset_key, check_name)
        for asset_key, check_name, severity, status in rows
        if (asset_key, check_name) in wanted and severity == "error" and status in ("fail", "error")
    )
