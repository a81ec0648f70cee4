"""Write, audit, publish: the read-only serving copy BI tools and reports read.

dbt writes the build file (AR_DUCKDB_PATH). DuckDB allows one writer or many readers, never
both, so BI tools never open that file: after a green build and green blocking checks, the marts
are copied into

* a separate DuckDB file (AR_SERVING_DUCKDB_PATH), written under a temporary name and swapped in
  with os.replace: a reader holding the old file keeps reading it, the next connection opens the
  new one, and nobody sees half a copy;
* Parquet files, one per mart, in a new version folder `<AR_SERVING_PARQUET_DIR>/versions/<v>/`,
  made current by replacing the symlink `<AR_SERVING_PARQUET_DIR>/current` (a rename, atomic on
  POSIX). BI tools read `<AR_SERVING_PARQUET_DIR>/current/<mart>.parquet`; the Parquet copy is
  the universal path, since DuckDB 2.0 files cannot be opened by the DuckDB ≤ 1.5 that BI drivers
  may embed.

Audit: the step runs only when the build and the blocking checks of this run passed (Dagster
skips it otherwise), and it refuses, leaving the last good copy in place, while the latest
result of any blocking check in the code location is a failure — so a later partial run (a new
bank file) cannot publish a mart whose checks failed earlier.
"""

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster_dbt.asset_utils import get_asset_check_key_for_test

from orchestration.assets import DUCKDB_POOL, TRANSIENT_RETRY
from orchestration.checks import blocking_gx_checks
from orchestration.resources import CodeLocation, Settings, local_now, step_failure, wait_for_lock
from orchestration.translator import ArDbtTranslator, owner_of_group

PUBLISHED_SCHEMAS: tuple[str, ...] = ("marts",)
SERVING_ASSET_KEY = dg.AssetKey(["serving", "published_marts"])
SERVING_GROUP = "serving"
PARQUET_VERSIONS_KEPT = 3
COMPLETED = {AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED}


@dataclass(frozen=True)
class PublishedTable:
    schema_name: str
    table_name: str
    row_count: int


# ---------------------------------------------------------------------------------------------
# Audit
# ---------------------------------------------------------------------------------------------


def failing_blocking_checks(instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey]) -> list[dg.AssetCheckKey]:
    """Of these checks, those whose latest completed evaluation failed with error severity."""
    failing = []
    for check_key in sorted(check_keys, key=lambda key: key.to_user_string()):
        history = instance.event_log_storage.get_asset_check_execution_history(check_key, limit=1, status=COMPLETED)
        if history and history[0].status == AssetCheckExecutionRecordStatus.FAILED and _is_error(history[0]):
            failing.append(check_key)
    return failing


def blocking_check_keys(location: CodeLocation, context: dg.AssetExecutionContext) -> set[dg.AssetCheckKey]:
    """Every blocking check: dbt tests of error severity and error-severity GX suites, known from
    the manifest, plus any other blocking check the code location's repository holds (an
    in-process test run may see only a repository of its own subset, hence both)."""
    translator = ArDbtTranslator()
    keys = blocking_gx_checks(location)
    for unique_id, node in location.manifest["nodes"].items():
        if node["resource_type"] == "test" and (node["config"].get("severity") or "error").lower() == "error":
            check_key = get_asset_check_key_for_test(location.manifest, translator, unique_id, location.project)
            if check_key is not None:
                keys.add(check_key)
    try:
        graph = context.repository_def.asset_graph
        keys |= {key for key in graph.asset_check_keys if graph.get(key).blocking}
    except Exception:  # dagster's CheckError: no repository on the step context
        pass
    return keys


def _is_error(record: Any) -> bool:
    evaluation = record.event.dagster_event.event_specific_data if record.event and record.event.dagster_event else None
    return getattr(evaluation, "severity", dg.AssetCheckSeverity.ERROR) == dg.AssetCheckSeverity.ERROR


# ---------------------------------------------------------------------------------------------
# Write and publish
# ---------------------------------------------------------------------------------------------


def write_serving_database(build_path: Path, serving_path: Path, run_id: str) -> tuple[Path, list[PublishedTable]]:
    """Copy the published schemas, with their table and column comments, into a new DuckDB file
    beside the serving copy. Returns the new file (not yet swapped in) and what it holds."""
    if not build_path.exists():
        raise dg.Failure(f"No warehouse at {build_path}: nothing to publish.", allow_retries=False)
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in serving_path.parent.glob(f".{serving_path.name}.*.new*"):  # from a crashed run
        leftover.unlink(missing_ok=True)
    new_path = serving_path.with_name(f".{serving_path.name}.{run_id[:8]}.new")
    try:
        with duckdb.connect(os.fspath(new_path)) as serving:
            wait_for_lock(lambda: serving.execute(f"attach {_literal(build_path)} as build (read_only)"))
            tables = _tables_to_publish(serving)
            if not tables:
                raise dg.Failure(f"{build_path} has no tables in {', '.join(PUBLISHED_SCHEMAS)}.", allow_retries=False)
            published = [_copy_table(serving, schema_name, table_name) for schema_name, table_name in tables]
            _record_publication(serving, published, run_id)
            serving.execute("detach build")
            serving.execute("checkpoint")
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    return new_path, published


def _tables_to_publish(serving: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    schemas = ", ".join(_literal(schema) for schema in PUBLISHED_SCHEMAS)
    return serving.execute(
        f"""
        select schema_name, table_name from duckdb_tables()
        where database_name = 'build' and schema_name in ({schemas})
        union all
        select schema_name, view_name from duckdb_views()
        where database_name = 'build' and schema_name in ({schemas}) and not internal
        order by 1, 2
        """
    ).fetchall()


def _copy_table(serving: duckdb.DuckDBPyConnection, schema_name: str, table_name: str) -> PublishedTable:
    qualified = f"{_identifier(schema_name)}.{_identifier(table_name)}"
    serving.execute(f"create schema if not exists {_identifier(schema_name)}")
    serving.execute(f"create table {qualified} as select * from build.{qualified}")
    for comment_sql in _comment_statements(serving, schema_name, table_name, qualified):
        serving.execute(comment_sql)
    row_count = serving.execute(f"select count(*) from {qualified}").fetchone()[0]
    return PublishedTable(schema_name, table_name, int(row_count))


def _comment_statements(serving: duckdb.DuckDBPyConnection, schema_name: str, table_name: str, qualified: str) -> list[str]:
    """Descriptions dbt persisted (persist_docs) travel with the copy, for BI users."""
    statements = []
    table_comment = serving.execute(
        "select comment from duckdb_tables() where database_name = 'build' and schema_name = ? and table_name = ?",
        [schema_name, table_name],
    ).fetchone()
    if table_comment and table_comment[0]:
        statements.append(f"comment on table {qualified} is {_literal(table_comment[0])}")
    for column_name, comment in serving.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'build' "
        "and schema_name = ? and table_name = ? and comment is not null",
        [schema_name, table_name],
    ).fetchall():
        statements.append(f"comment on column {qualified}.{_identifier(column_name)} is {_literal(comment)}")
    return statements


# What a serving copy holds and which run published it. Not `serving.<table>`: the default file
# is serving.duckdb, whose catalog is also called `serving`, and DuckDB refuses the ambiguity.
PUBLICATION_TABLE = "publication.published_tables"


def _record_publication(serving: duckdb.DuckDBPyConnection, published: Sequence[PublishedTable], run_id: str) -> None:
    serving.execute("create schema if not exists publication")
    serving.execute(
        f"create table {PUBLICATION_TABLE} (schema_name varchar, table_name varchar, row_count bigint, "
        "published_at timestamp, run_id varchar)"
    )
    published_at = local_now()
    serving.executemany(
        f"insert into {PUBLICATION_TABLE} values (?, ?, ?, ?, ?)",
        [(t.schema_name, t.table_name, t.row_count, published_at, run_id) for t in published],
    )


def write_parquet_version(serving_database: Path, parquet_dir: Path, published: Sequence[PublishedTable],
                          run_id: str) -> Path:
    """One Parquet file per mart in a new version folder, renamed into place only when complete."""
    versions = parquet_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = f"{local_now().strftime('%Y%m%dT%H%M%S')}-{run_id[:8]}"
    partial = versions / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    with duckdb.connect(os.fspath(serving_database), read_only=True) as serving:
        for table in published:
            target = partial / f"{table.table_name}.parquet"
            serving.execute(
                f"copy (select * from {_identifier(table.schema_name)}.{_identifier(table.table_name)}) "
                f"to {_literal(target)} (format parquet, compression zstd)"
            )
    (partial / "_publication.json").write_text(
        json.dumps({"run_id": run_id, "published_at": local_now().isoformat(),
                    "tables": {t.table_name: t.row_count for t in published}}, indent=2),
        encoding="utf-8",
    )
    version = versions / name
    partial.rename(version)
    return version


def swap_in(new_database: Path, serving_path: Path, parquet_version: Path, parquet_dir: Path) -> None:
    """Make the new copy current: two renames, each atomic."""
    os.replace(new_database, serving_path)
    link = parquet_dir / "current"
    staged_link = parquet_dir / ".current.new"
    staged_link.unlink(missing_ok=True)
    staged_link.symlink_to(parquet_version.relative_to(parquet_dir), target_is_directory=True)
    os.replace(staged_link, link)


def prune_parquet_versions(parquet_dir: Path) -> None:
    """Keep a few versions: a BI extract that started on the previous one can finish."""
    current = (parquet_dir / "current").resolve()
    versions = sorted(path for path in (parquet_dir / "versions").iterdir() if not path.name.startswith("."))
    for version in versions[:-PARQUET_VERSIONS_KEPT]:
        if version.resolve() != current:
            shutil.rmtree(version, ignore_errors=True)


def publish(settings: Settings, run_id: str) -> tuple[list[PublishedTable], Path]:
    """Write the serving copy beside the current one, then swap it in. Any failure before the
    swap leaves the current copy as it was."""
    new_database, published = write_serving_database(settings.duckdb_path, settings.serving_duckdb_path, run_id)
    try:
        version = write_parquet_version(new_database, settings.serving_parquet_dir, published, run_id)
    except BaseException:
        new_database.unlink(missing_ok=True)
        raise
    swap_in(new_database, settings.serving_duckdb_path, version, settings.serving_parquet_dir)
    prune_parquet_versions(settings.serving_parquet_dir)
    return published, version


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


# ---------------------------------------------------------------------------------------------
# The asset
# ---------------------------------------------------------------------------------------------


def published_model_keys(manifest: Mapping[str, Any]) -> list[dg.AssetKey]:
    translator = ArDbtTranslator()
    return sorted(
        (
            translator.get_asset_key(node)
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["schema"] in PUBLISHED_SCHEMAS
            and node["config"].get("materialized") != "ephemeral"
        ),
        key=lambda key: key.to_user_string(),
    )


def build_publication_asset(location: CodeLocation) -> dg.AssetsDefinition:
    @dg.asset(
        key=SERVING_ASSET_KEY,
        deps=published_model_keys(location.manifest),
        group_name=SERVING_GROUP,
        owners=[owner_of_group("marts")],
        kinds={"duckdb", "parquet"},
        pool=DUCKDB_POOL,
        retry_policy=TRANSIENT_RETRY,
        description="The read-only serving copy of the marts for BI tools and reports: "
        "AR_SERVING_DUCKDB_PATH and AR_SERVING_PARQUET_DIR/current/<mart>.parquet.",
    )
    def published_marts(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
        failing = failing_blocking_checks(context.instance, blocking_check_keys(location, context))
        if failing:
            raise dg.Failure(
                description="Not published: the latest result of these blocking checks is a failure; "
                "the previous serving copy stays in place.",
                metadata={"failing_checks": dg.MetadataValue.md("\n".join(f"- {k.to_user_string()}" for k in failing))},
                allow_retries=False,
            )
        started = dt.datetime.now()
        try:
            published, version = publish(settings, context.run.run_id)
        except dg.Failure:
            raise
        except Exception as error:
            raise step_failure(f"{type(error).__name__}: {error}") from error
        return dg.MaterializeResult(
            metadata={
                "serving_duckdb": dg.MetadataValue.path(str(settings.serving_duckdb_path)),
                "parquet_current": dg.MetadataValue.path(str(settings.serving_parquet_dir / "current")),
                "parquet_version": version.name,
                "tables": dg.MetadataValue.md(_tables_markdown(published)),
                "dagster/row_count": sum(table.row_count for table in published),
                "seconds": round((dt.datetime.now() - started).total_seconds(), 1),
            }
        )

    return published_marts


def _tables_markdown(published: Sequence[PublishedTable]) -> str:
    lines = ["| table | rows |", "|---|---|"]
    lines += [f"| {t.schema_name}.{t.table_name} | {t.row_count} |" for t in published]
    return "\n".join(lines)


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(assets=[build_publication_asset(location)])
