"""Write, audit, publish: the read-only serving copy (DuckDB file and Parquet) BI tools and reports read."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.masking import MaskedServing, write_masked_database
from orchestration.lib.warehouse import copy_comments, identifier, literal, local_now, wait_for_lock

PUBLISHED_SCHEMAS: tuple[str, ...] = ("marts",)
PARQUET_VERSIONS_KEPT = 3
# The serving file is written in the oldest storage format DuckDB 2 writes, so BI drivers embedding
# DuckDB 1.x (1.0 onwards) open it: the marts use only types that format holds (AR_SERVING_STORAGE_VERSION).
DEFAULT_STORAGE_VERSION = "v1.0.0"
# Snappy: the codec Power BI, Tableau and every other Parquet reader read (AR_SERVING_PARQUET_CODEC).
DEFAULT_PARQUET_CODEC = "snappy"
PARQUET_CODECS = ("snappy", "zstd", "gzip", "uncompressed")
# What a serving copy holds and which run published it. Not `serving.<table>`: the default file
# is serving.duckdb, whose catalog is also called `serving`, and DuckDB refuses the ambiguity.
PUBLICATION_TABLE = "publication.published_tables"


class PublicationError(Exception):
    """Nothing to publish: no warehouse, or no mart in it. Retrying does not help."""


@dataclass(frozen=True)
class PublishedTable:
    schema_name: str
    table_name: str
    row_count: int


def write_serving_database(
    build_path: Path, serving_path: Path, run_id: str, storage_version: str = DEFAULT_STORAGE_VERSION
) -> tuple[Path, list[PublishedTable]]:
    """Copy the published schemas, with their table and column comments, into a new DuckDB file
    beside the serving copy, in the given storage format. Returns the new file (not yet swapped in)
    and what it holds."""
    if not build_path.exists():
        raise PublicationError(f"No warehouse at {build_path}: nothing to publish.")
    serving_path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in serving_path.parent.glob(f".{serving_path.name}.*.new*"):  # from a crashed run
        leftover.unlink(missing_ok=True)
    new_path = serving_path.with_name(f".{serving_path.name}.{run_id[:8]}.new")
    try:
        with duckdb.connect() as serving:
            serving.execute(f"attach {literal(new_path)} as published (storage_version {literal(storage_version)})")
            serving.execute("use published")
            wait_for_lock(lambda: serving.execute(f"attach {literal(build_path)} as build (read_only)"))
            tables = _tables_to_publish(serving)
            if not tables:
                raise PublicationError(f"{build_path} has no tables in {', '.join(PUBLISHED_SCHEMAS)}.")
            published = [_copy_table(serving, schema_name, table_name) for schema_name, table_name in tables]
            _record_publication(serving, published, run_id)
            serving.execute("detach build")
            serving.execute("checkpoint published")
            serving.execute("use memory")
            serving.execute("detach published")
    except BaseException:
        new_path.unlink(missing_ok=True)
        raise
    return new_path, published


def _tables_to_publish(serving: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    schemas = ", ".join(literal(schema) for schema in PUBLISHED_SCHEMAS)
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
    """One table (or view, as a table) with the descriptions dbt persisted, for BI users."""
    qualified = f"{identifier(schema_name)}.{identifier(table_name)}"
    serving.execute(f"create schema if not exists {identifier(schema_name)}")
    serving.execute(f"create table {qualified} as select * from build.{qualified}")
    copy_comments(serving, "build", schema_name, table_name)
    row = serving.execute(f"select count(*) from {qualified}").fetchone()
    return PublishedTable(schema_name, table_name, int(row[0]) if row else 0)


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


def write_parquet_version(
    serving_database: Path,
    parquet_dir: Path,
    published: Sequence[PublishedTable],
    run_id: str,
    codec: str = DEFAULT_PARQUET_CODEC,
) -> Path:
    """One Parquet file per mart in a new version folder, renamed into place only when complete."""
    versions = parquet_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = f"{local_now().strftime('%Y%m%dT%H%M%S')}-{run_id[:8]}"
    partial = versions / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    with duckdb.connect(os.fspath(serving_database), read_only=True) as serving:
        for table in published:
            serving.execute(
                f"copy (select * from {identifier(table.schema_name)}.{identifier(table.table_name)}) "
                f"to {literal(partial / f'{table.table_name}.parquet')} (format parquet, compression {codec})"
            )
    (partial / "_publication.json").write_text(
        json.dumps(
            {
                "run_id": run_id,
                "published_at": local_now().isoformat(),
                "tables": {t.table_name: t.row_count for t in published},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    version = versions / name
    partial.rename(version)
    return version


def swap_in(new_database: Path, serving_path: Path, parquet_version: Path, parquet_dir: Path) -> None:
    """Make the new copy current: two renames, each atomic."""
    os.replace(new_database, serving_path)
    staged_link = parquet_dir / ".current.new"
    staged_link.unlink(missing_ok=True)
    staged_link.symlink_to(parquet_version.relative_to(parquet_dir), target_is_directory=True)
    os.replace(staged_link, parquet_dir / "current")


def prune_parquet_versions(parquet_dir: Path) -> None:
    """Keep a few versions: a BI extract that started on the previous one can finish."""
    current = (parquet_dir / "current").resolve()
    versions = sorted(path for path in (parquet_dir / "versions").iterdir() if not path.name.startswith("."))
    for version in versions[:-PARQUET_VERSIONS_KEPT]:
        if version.resolve() != current:
            shutil.rmtree(version, ignore_errors=True)


@dataclass(frozen=True)
class ServingFormats:
    """How the serving copy is written (README: Publication for BI tools)."""

    storage_version: str = DEFAULT_STORAGE_VERSION
    parquet_codec: str = DEFAULT_PARQUET_CODEC

    def __post_init__(self) -> None:
        if not re.fullmatch(r"v\d+\.\d+\.\d+|latest", self.storage_version):
            raise ValueError(f"AR_SERVING_STORAGE_VERSION must look like v1.0.0, not {self.storage_version!r}")
        if self.parquet_codec not in PARQUET_CODECS:
            raise ValueError(f"AR_SERVING_PARQUET_CODEC must be one of {', '.join(PARQUET_CODECS)}")


@dataclass(frozen=True)
class Publication:
    tables: list[PublishedTable]
    parquet_version: Path
    masked_columns: int | None = None  # None: no masked copy written


def publish(
    build_path: Path,
    serving_path: Path,
    parquet_dir: Path,
    run_id: str,
    formats: ServingFormats | None = None,
    masked: MaskedServing | None = None,
) -> Publication:
    """Write the serving copy (and its masked variant) beside the current ones, then swap them in.
    Any failure before the swap leaves the current copies as they were."""
    formats = formats or ServingFormats()
    new_database, published = write_serving_database(build_path, serving_path, run_id, formats.storage_version)
    new_masked: Path | None = None
    masked_columns: int | None = None
    try:
        version = write_parquet_version(new_database, parquet_dir, published, run_id, formats.parquet_codec)
        if masked is not None:
            new_masked, masked_columns = write_masked_database(
                new_database, masked.path, masked.plan, run_id, formats.storage_version
            )
    except BaseException:
        new_database.unlink(missing_ok=True)
        if new_masked is not None:
            new_masked.unlink(missing_ok=True)
        raise
    swap_in(new_database, serving_path, version, parquet_dir)
    if masked is not None and new_masked is not None:
        os.replace(new_masked, masked.path)
    prune_parquet_versions(parquet_dir)
    return Publication(published, version, masked_columns)
