"""The same warehouse on Spark: every mart (and the quarantine) built by `dbt build --target spark`
on the sample equals the DuckDB build, row by row: amounts to the yen, ratios to 0.01.

Run by `make test-spark`, which starts the local Spark cluster, builds both engines on the same
prepared landing folder and stops the cluster afterwards. Spark's tables are read from their
Parquet files; views through the Thrift server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DUCKDB_WAREHOUSE = Path(os.environ.get("AR_DUCKDB_PATH") or REPO_ROOT / "warehouse" / "ar.duckdb")
SPARK_WAREHOUSE = Path(os.environ.get("AR_SPARK_WAREHOUSE_DIR") or REPO_ROOT / "warehouse" / "spark")
if not SPARK_WAREHOUSE.is_absolute():
    SPARK_WAREHOUSE = REPO_ROOT / SPARK_WAREHOUSE
# Written by the run itself (when the exception ledger recorded a row), so never equal across builds.
RUN_TIME_COLUMNS = {"recorded_at", "opened_at", "attempted_at", "changed_at"}
COMPARED_SCHEMAS = ("marts", "staging")


def duckdb_relations() -> list[tuple[str, str, str]]:
    with duckdb.connect(str(DUCKDB_WAREHOUSE), read_only=True) as connection:
        return connection.execute(f"""
            select table_schema, table_name, table_type from information_schema.tables
            where table_schema in {COMPARED_SCHEMAS} and (table_schema = 'marts' or table_name = 'rejected_rows')
            order by 1, 2""").fetchall()


@pytest.fixture(scope="module")
def thrift() -> Iterator[Any]:
    from pyhive import hive

    connection = hive.connect(
        host="127.0.0.1",
        port=int(os.environ.get("AR_SPARK_PORT") or 10000),
        username="dbt",
        configuration={"spark.sql.session.timeZone": "Asia/Tokyo"},
    )
    yield connection
    connection.close()


def spark_rows(connection: duckdb.DuckDBPyConnection, thrift: Any, schema: str, table: str, columns: list[str]) -> str:
    """A DuckDB relation holding Spark's rows of schema.table (Parquet files, or a view's rows)."""
    folder = SPARK_WAREHOUSE / f"{schema}.db" / table
    if folder.is_dir():
        return f"read_parquet('{folder}/*.parquet')"
    cursor = thrift.cursor()
    cursor.execute(f"select {', '.join(f'`{name}`' for name in columns)} from {schema}.{table}")
    import pandas as pd

    frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    connection.register(f"spark_{table}", frame)
    return f"spark_{table}"


def is_ratio(data_type: str) -> bool:
    """Doubles, and decimals with more than the two places of an amount, are ratios."""
    scale = re.fullmatch(r"DECIMAL\(\d+,(\d+)\)", data_type)
    return data_type in ("DOUBLE", "FLOAT") or (scale is not None and int(scale.group(1)) > 2)


def typed(columns: list[tuple[str, str]], relation: str) -> str:
    """The columns as DuckDB types them, so both engines' rows compare value by value."""
    casts = ", ".join(f"cast({quoted(name)} as {data_type}) as {quoted(name)}" for name, data_type in columns)
    return f"select {casts} from {relation}"


def quoted(name: str) -> str:
    return '"' + name + '"'


# Engines round a half differently (32.425 is 32.42 on DuckDB, 32.43 on Spark): ratios agree to 0.01.
RATIO_TOLERANCE = 0.01 + 1e-9


@pytest.mark.parametrize(("schema", "table", "kind"), duckdb_relations(), ids=lambda value: str(value))
def test_spark_builds_the_duckdb_rows(schema: str, table: str, kind: str, thrift: Any) -> None:
    with duckdb.connect() as connection:
        connection.execute(f"attach '{DUCKDB_WAREHOUSE}' as reference (read_only)")
        described = connection.execute(
            "select column_name, data_type from information_schema.columns where table_catalog = 'reference' "
            f"and table_schema = '{schema}' and table_name = '{table}' order by ordinal_position"
        ).fetchall()
        columns = [(name, data_type) for name, data_type in described if name not in RUN_TIME_COLUMNS]
        names = [name for name, _ in columns]
        connection.execute(f"create table duckdb_rows as {typed(columns, f'reference.{schema}.{table}')}")
        connection.execute(
            f"create table spark_rows as {typed(columns, spark_rows(connection, thrift, schema, table, names))}"
        )
        exact = ", ".join(quoted(name) for name, data_type in columns if not is_ratio(data_type))
        ratios = [name for name, data_type in columns if is_ratio(data_type)]
        counts = connection.execute(
            "select (select count(*) from duckdb_rows), (select count(*) from spark_rows)"
        ).fetchall()[0]
        assert counts[0] == counts[1], f"{schema}.{table}: {counts[0]} rows on DuckDB, {counts[1]} on Spark"
        for left, right in (("duckdb_rows", "spark_rows"), ("spark_rows", "duckdb_rows")):
            unmatched = connection.execute(
                f"select {exact} from {left} except all select {exact} from {right} limit 3"
            ).fetchall()
            assert unmatched == [], f"{schema}.{table}: only in {left}: {unmatched}"
        if ratios:
            assert_ratios_agree(connection, f"{schema}.{table}", exact, ratios)


def assert_ratios_agree(connection: duckdb.DuckDBPyConnection, table: str, exact: str, ratios: list[str]) -> None:
    """Rows matched on their other columns (a key when those are unique) carry ratios within 0.01."""
    is_keyed = connection.execute(f"select count(*) = count(distinct ({exact})) from duckdb_rows").fetchall()[0][0]
    assert is_keyed, f"{table}: rows are not told apart by their non-ratio columns"
    joined = " and ".join(f"d.{name} is not distinct from s.{name}" for name in exact.split(", "))
    for ratio in ratios:
        worst = connection.execute(f"""
            select max(abs(d.{quoted(ratio)} - s.{quoted(ratio)})),
                count(*) filter (where (d.{quoted(ratio)} is null) <> (s.{quoted(ratio)} is null))
            from duckdb_rows as d inner join spark_rows as s on {joined}""").fetchall()[0]
        assert worst[1] == 0 and (worst[0] or 0) <= RATIO_TOLERANCE, f"{table}.{ratio}: {worst}"
