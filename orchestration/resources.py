"""Settings and the connections every asset shares: dbt, the DuckDB warehouse, the quality ledger.

Every setting is an environment variable with a documented default, the same names `make`
and plain `dbt` read. Relative paths are taken from the repository root, as dbt does (Dagster
runs dbt there).

| variable                   | meaning                                              | default                    |
|----------------------------|------------------------------------------------------|----------------------------|
| AR_LANDING_DIR             | landing folder, `<dir>/<system>/<table>.csv|parquet`  | sample/landing             |
| AR_PREPARED_DIR            | its prepared UTF-8 copies, which dbt reads            | warehouse/landing          |
| AR_LANDING_ENCODING        | forces one encoding for every landing CSV             | detected per file          |
| AR_DUCKDB_PATH             | the warehouse file dbt builds                        | warehouse/ar.duckdb        |
| AR_AS_OF_DATE              | the day KPIs report on (dbt var as_of_date)          | latest date in the data    |
| AR_DBT_TARGET_PATH         | dbt target folder: manifest.json and run artifacts   | target                     |
| AR_SERVING_DUCKDB_PATH     | the published read-only copy for BI tools            | warehouse/serving.duckdb   |
| AR_SERVING_PARQUET_DIR     | published Parquet, `<dir>/current/<mart>.parquet`    | warehouse/parquet          |
| AR_GX_DIR                  | Great Expectations stores (suites, results history)  | warehouse/gx               |
| AR_GX_DOCS_DIR             | GX Data Docs, beside the dbt docs                    | <AR_DBT_TARGET_PATH>/gx_docs |
| AR_GX_MAX_ROWS             | rows above which a warn-severity suite samples       | 1000000                    |
| AR_GX_KEEP_DAYS            | days of GX results and Data Docs pages kept          | 90                         |
| AR_LANDING_SETTLE_SECONDS  | a landing file must be unchanged this long to count  | 30                         |
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import duckdb
import yaml
from dagster._utils import run_with_concurrent_update_guard  # dagster-dbt guards its own parse so too
from dagster_dbt import DbtCliResource, DbtProject

REPO_ROOT = Path(__file__).resolve().parents[1]
logger = logging.getLogger(__name__)
T = TypeVar("T")
# The warehouse stores local timestamps in the source timezone (dbt var source_timezone).
LOCAL_TIMEZONE = ZoneInfo("Asia/Tokyo")

# DuckDB allows one writer or many readers per file, never both: wait for the lock like the
# dbt profile does (1, 2, 4, 8 s) before giving up.
LOCK_WAIT_SECONDS: tuple[float, ...] = (1, 2, 4, 8)


def _path_from_env(name: str, default: str | Path) -> Path:
    value = Path(os.environ.get(name) or default)
    return value if value.is_absolute() else REPO_ROOT / value


@dataclass(frozen=True)
class Settings:
    """Where things are. Built from the environment once, when the code location loads."""

    landing_dir: Path
    prepared_landing_dir: Path
    landing_encoding: str | None
    duckdb_path: Path
    as_of_date: str | None
    dbt_target_path: Path
    serving_duckdb_path: Path
    serving_parquet_dir: Path
    gx_dir: Path
    gx_docs_dir: Path
    gx_max_rows: int
    gx_keep_days: int
    landing_settle_seconds: float

    @classmethod
    def from_env(cls) -> Settings:
        dbt_target_path = _path_from_env("AR_DBT_TARGET_PATH", "target")
        return cls(
            landing_dir=_path_from_env("AR_LANDING_DIR", "sample/landing"),
            prepared_landing_dir=_path_from_env("AR_PREPARED_DIR", "warehouse/landing"),
            landing_encoding=os.environ.get("AR_LANDING_ENCODING") or None,
            duckdb_path=_path_from_env("AR_DUCKDB_PATH", "warehouse/ar.duckdb"),
            as_of_date=os.environ.get("AR_AS_OF_DATE") or None,
            dbt_target_path=dbt_target_path,
            serving_duckdb_path=_path_from_env("AR_SERVING_DUCKDB_PATH", "warehouse/serving.duckdb"),
            serving_parquet_dir=_path_from_env("AR_SERVING_PARQUET_DIR", "warehouse/parquet"),
            gx_dir=_path_from_env("AR_GX_DIR", "warehouse/gx"),
            gx_docs_dir=_path_from_env("AR_GX_DOCS_DIR", dbt_target_path / "gx_docs"),
            gx_max_rows=int(os.environ.get("AR_GX_MAX_ROWS") or 1_000_000),
            gx_keep_days=int(os.environ.get("AR_GX_KEEP_DAYS") or 90),
            landing_settle_seconds=float(os.environ.get("AR_LANDING_SETTLE_SECONDS") or 30),
        )


# The dbt beside this Python: found whether or not the venv is activated (`.venv/bin/dagster`).
DBT_EXECUTABLE = (
    os.fspath(Path(sys.executable).with_name("dbt")) if Path(sys.executable).with_name("dbt").exists()
    else shutil.which("dbt") or "dbt"
)


def dbt_project(settings: Settings) -> DbtProject:
    """The dbt project at the repository root, with its profile there too (profiles.yml)."""
    return DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT, target_path=settings.dbt_target_path)


def dbt_source_paths(project: DbtProject) -> list[Path]:
    """What dbt parses: dbt_project.yml's model, macro, seed, snapshot, test and analysis paths."""
    config = yaml.safe_load((project.project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    folders = [
        folder
        for key, default in (("model-paths", ["models"]), ("macro-paths", ["macros"]), ("seed-paths", ["seeds"]),
                             ("snapshot-paths", ["snapshots"]), ("test-paths", ["tests"]),
                             ("analysis-paths", ["analyses"]))
        for folder in config.get(key, default)
    ]
    files = ["dbt_project.yml", "packages.yml", "dependencies.yml", "profiles.yml"]
    return [project.project_dir / name for name in (*files, *folders)]


def manifest_is_stale(project: DbtProject) -> bool:
    written = project.manifest_path.stat().st_mtime
    for path in dbt_source_paths(project):
        files = path.rglob("*") if path.is_dir() else [path]
        if any(file.is_file() and file.stat().st_mtime > written for file in files):
            return True
    return False


def prepare_manifest(project: DbtProject) -> Path:
    """dagster-dbt reads dbt's manifest when the code location loads; make sure it is there and
    describes the project as it is.

    `make build` leaves one in the target folder. When it is missing or older than a model,
    macro, seed, test or dbt_project.yml, `dbt parse` (partial, seconds) rewrites it first: a run
    must never meet a model its manifest does not know. This stands in for dagster-dbt's
    prepare_if_dev, which re-parses on every load under `dagster dev` (every step process) and
    needs dbt on PATH; here the venv's dbt is used, activated or not. When the project does not
    parse (someone's file half-edited), the previous manifest is kept.
    """
    if project.manifest_path.exists() and not manifest_is_stale(project):
        return project.manifest_path
    logger.warning("Writing %s with `dbt parse`", project.manifest_path)
    try:
        run_with_concurrent_update_guard(project.manifest_path, parse_project, project=project)
    except Exception:
        if not project.manifest_path.exists():
            raise
        logger.exception("dbt parse failed; loading the previous manifest %s", project.manifest_path)
    return project.manifest_path


def parse_project(project: DbtProject) -> None:
    dbt_resource(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()


def dbt_resource(project: DbtProject) -> DbtCliResource:
    return DbtCliResource(project_dir=project, profiles_dir=os.fspath(REPO_ROOT), dbt_executable=DBT_EXECUTABLE)


@dataclass(frozen=True)
class CodeLocation:
    """What every module of the code location is built from."""

    settings: Settings
    project: DbtProject
    manifest: Mapping[str, Any]
    # Called with the RunFailureSensorContext of every failed run (sensors.run_failure_hook).
    run_failure_handlers: tuple[Callable[[Any], None], ...] = ()


def load_code_location(settings: Settings, run_failure_handlers: Sequence[Callable[[Any], None]] = ()) -> CodeLocation:
    project = dbt_project(settings)
    manifest_path = prepare_manifest(project)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return CodeLocation(settings=settings, project=project, manifest=manifest,
                        run_failure_handlers=tuple(run_failure_handlers))


def local_now() -> dt.datetime:
    """Now in the warehouse's timezone, without offset, as the warehouse stores timestamps."""
    return dt.datetime.now(LOCAL_TIMEZONE).replace(tzinfo=None, microsecond=0)


def is_lock_conflict(error: BaseException) -> bool:
    """True when another process holds the DuckDB file: worth waiting for, not a real failure."""
    message = str(error).lower()
    return "lock" in message and ("conflicting" in message or "could not set" in message)


def wait_for_lock(action: Callable[[], T]) -> T:
    """Run an action that opens a DuckDB file, waiting out a lock held by another process."""
    for wait_seconds in (*LOCK_WAIT_SECONDS, None):
        try:
            return action()
        except duckdb.IOException as error:
            if wait_seconds is None or not is_lock_conflict(error):
                raise
            time.sleep(wait_seconds)
    raise AssertionError("unreachable")


@contextmanager
def duckdb_connection(path: Path, *, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a DuckDB file, waiting out a lock held by another process."""
    connection = wait_for_lock(lambda: duckdb.connect(os.fspath(path), read_only=read_only))
    try:
        yield connection
    finally:
        connection.close()


def step_failure(message: str) -> Exception:
    """The exception that fails a step: a plain error, which the step's RetryPolicy retries, when
    the cause is transient (the DuckDB file locked beyond the waits above); a final dagster
    Failure otherwise (a failing test, a compile error, a bug), since retrying cannot fix it."""
    import dagster as dg

    if is_lock_conflict(Exception(message)):
        return RuntimeError(f"The DuckDB file is locked by another process; retrying. {message}")
    return dg.Failure(description=message, allow_retries=False)


# ---------------------------------------------------------------------------------------------
# The quality ledger: every check result, dbt and GX, for the processing error rate.
# ---------------------------------------------------------------------------------------------

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


def record_check_outcomes(settings: Settings, outcomes: Sequence[CheckOutcome], run_id: str) -> None:
    """Append check results to ops.data_quality_results (created when missing)."""
    if not outcomes:
        return
    checked_at = local_now()
    rows = [
        (o.check_name, checked_at, o.severity, o.status, o.failed_rows, o.asset_key, o.check_source, run_id)
        for o in outcomes
    ]
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb_connection(settings.duckdb_path, read_only=False) as connection:
        connection.execute(QUALITY_LEDGER_DDL)
        connection.executemany(f"insert into {QUALITY_LEDGER_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
