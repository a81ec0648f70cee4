"""The landing files and the dbt models as assets.

Each landing file (`<AR_LANDING_DIR>/<system>/<table>.csv` or `.parquet`, one per dbt source) is
an asset: materialising it prepares the file for dbt (landing/prepare.py: encodings, 全銀協 bank
files, a company's column names, malformed lines) into AR_PREPARED_DIR, records which version the
build took in (size, time, rows) and gives the landing suites of checks.py a step to run in
before dbt, which reads the prepared copies. The dbt models
and seeds are one `@dbt_assets` op running `dbt build` on whatever part of the graph a run
selects; dbt tests come back as asset checks.
"""

import json
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets
from dagster_dbt.asset_utils import get_asset_check_key_for_test

from landing.csv_text import LandingFileError
from landing.prepare import LandingPreparationError, prepare

from orchestration.resources import (
    CheckOutcome,
    CodeLocation,
    Settings,
    record_check_outcomes,
    step_failure,
)
from orchestration.translator import ArDbtTranslator, landing_asset_key, landing_group, owner_of_group

# One writer at a time on the DuckDB file: every op that opens it joins this pool, whose limit
# is 1 (orchestration/dagster_home/dagster.yaml). Runs started by the schedule and the sensor
# also carry DUCKDB_WRITER_TAG, limited to one run at a time by the run queue.
DUCKDB_POOL = "ar_duckdb"
DUCKDB_WRITER_TAG = "ar/duckdb_writer"

# Transient failures (the file locked by a reader beyond the profile's own waits, a full disk
# freed by the next attempt) are retried; a failing test or a compile error is not
# (step_failure raises those with allow_retries=False).
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)

DBT_RUN_FOLDERS_KEPT = 20


@dataclass(frozen=True)
class LandingFile:
    """One landing file as the dbt source contract describes it."""

    system: str
    table: str
    description: str
    is_required: bool

    @property
    def asset_key(self) -> dg.AssetKey:
        return landing_asset_key(self.system, self.table)

    @property
    def relative_stem(self) -> str:
        return f"{self.system}/{self.table}"

    def candidates(self, landing_dir: Path) -> list[Path]:
        return [landing_dir / f"{self.relative_stem}.{extension}" for extension in ("csv", "parquet")]

    def find(self, landing_dir: Path) -> Path | None:
        """The file that landed, if any (dbt refuses a .csv and a .parquet together)."""
        return next((path for path in self.candidates(landing_dir) if path.is_file()), None)


def landing_files(manifest: Mapping[str, Any]) -> list[LandingFile]:
    """Every landing file the dbt sources declare, in a stable order."""
    files = [
        LandingFile(
            system=source["source_name"],
            table=source["name"],
            description=source.get("description") or "",
            is_required=bool((source.get("meta") or {}).get("required_file")),
        )
        for source in manifest["sources"].values()
    ]
    return sorted(files, key=lambda landing_file: landing_file.relative_stem)


# ---------------------------------------------------------------------------------------------
# Landing files
# ---------------------------------------------------------------------------------------------


def describe_landing_file(landing_file: LandingFile, prepared_dir: Path | None, landing_dir: Path) -> dict[str, Any]:
    """What landed, as prepared for dbt: path, size, modification time and row count, or that
    nothing did (prepared_dir None)."""
    path = landing_file.find(prepared_dir) if prepared_dir is not None else None
    if path is None:
        return {
            "present": False,
            "required_file": landing_file.is_required,
            "expected_path": str(landing_file.candidates(landing_dir)[0]),
        }
    stat = path.stat()
    return {
        "present": True,
        "path": dg.MetadataValue.path(str(path)),
        "size_bytes": stat.st_size,
        "modified_at": dg.MetadataValue.timestamp(stat.st_mtime),
        "dagster/row_count": count_rows(path),
    }


def landing_reader(path: Path) -> str:
    """The DuckDB table function reading a landing file as dbt's read_landing macro does: every
    column as text, so a bad value is one row's problem, not the file's."""
    quoted = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{quoted}')"
    return (
        f"read_csv('{quoted}', header = true, all_varchar = true, delim = ',', quote = '\"', "
        "escape = '\"', null_padding = true)"
    )


def count_rows(path: Path) -> int:
    with duckdb.connect() as connection:  # in memory: the file is read, the warehouse untouched
        return int(connection.execute(f"select count(*) from {landing_reader(path)}").fetchone()[0])


def file_version(landing_file: LandingFile, landing_dir: Path | None) -> str:
    path = landing_file.find(landing_dir) if landing_dir is not None else None
    if path is None:
        return "absent"
    stat = path.stat()
    return f"{path.suffix.lstrip('.')}-{stat.st_size}-{stat.st_mtime_ns}"


def build_landing_assets(location: CodeLocation) -> dg.AssetsDefinition:
    files = {landing_file.asset_key: landing_file for landing_file in landing_files(location.manifest)}
    specs = [
        dg.AssetSpec(
            key=landing_file.asset_key,
            description=f"Landing file {landing_file.relative_stem}.csv (or .parquet). {landing_file.description}",
            group_name=landing_group(landing_file.system),
            owners=[owner_of_group(landing_group(landing_file.system))],
            kinds={"csv", "parquet"},
            skippable=True,
            metadata={"required_file": landing_file.is_required},
        )
        for landing_file in files.values()
    ]

    @dg.multi_asset(name="landing_files", specs=specs, can_subset=True)
    def landing_files_taken_in(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Prepare each selected landing file for dbt and record the version this run builds from."""
        selected = sorted(context.selected_asset_keys)
        try:
            report = prepare(settings.landing_dir, settings.prepared_landing_dir, settings.landing_encoding,
                             only=[files[asset_key].relative_stem for asset_key in selected])
        except (LandingPreparationError, LandingFileError) as error:
            raise dg.Failure(description=f"Landing preparation stopped: {error}", allow_retries=False) from error
        for line in report.summary_lines():
            context.log.info(line)
        landed = {table.table for table in report.tables if table.inputs}
        for asset_key in selected:
            landing_file = files[asset_key]
            prepared_dir = settings.prepared_landing_dir if landing_file.relative_stem in landed else None
            yield dg.MaterializeResult(
                asset_key=asset_key,
                metadata=describe_landing_file(landing_file, prepared_dir, settings.landing_dir),
                data_version=dg.DataVersion(file_version(landing_file, prepared_dir)),
            )

    return landing_files_taken_in


# ---------------------------------------------------------------------------------------------
# dbt
# ---------------------------------------------------------------------------------------------


def build_dbt_assets(location: CodeLocation) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=location.project.manifest_path,
        project=location.project,
        dagster_dbt_translator=ArDbtTranslator(),
        name="ar_dbt_models",
        retry_policy=TRANSIENT_RETRY,
        pool=DUCKDB_POOL,
    )
    def ar_dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: dg.ResourceParam[Settings]
    ) -> Iterator[Any]:
        """`dbt build` of the selected models, seeds and tests, into AR_DUCKDB_PATH."""
        target_path = run_target_path(settings, context.run.run_id)
        dbt_vars = json.dumps({"landing_dir": str(settings.prepared_landing_dir)})
        invocation = dbt.cli(["build", "--vars", dbt_vars], context=context, target_path=target_path,
                             raise_on_error=False)
        try:
            yield from invocation.stream()
        except Exception as error:  # an error reading dbt's events is final unless it is a lock
            raise step_failure(f"{type(error).__name__}: {error}") from error
        finally:
            stop(invocation)
            record_dbt_tests(context, settings, invocation, location.manifest)
            prune_run_target_paths(settings)
        if not invocation.is_successful():
            raise step_failure(str(invocation.get_error() or "dbt build failed"))

    return ar_dbt_models


def stop(invocation: DbtCliInvocation) -> None:
    """Make sure dbt has exited, and so released the DuckDB file, before anyone else opens it."""
    if invocation.process.poll() is None:
        invocation.process.terminate()
    invocation.process.wait()


def record_dbt_tests(context: dg.AssetExecutionContext, settings: Settings, invocation: DbtCliInvocation,
                     manifest: Mapping[str, Any]) -> None:
    """dbt's test results into the quality ledger; a ledger that cannot be written is logged, so
    it never hides how the build itself went."""
    try:
        record_check_outcomes(settings, dbt_test_outcomes(invocation, manifest), context.run.run_id)
    except Exception:
        context.log.exception("Could not record dbt test results in ops.data_quality_results")


def run_target_path(settings: Settings, run_id: str) -> Path:
    """A target folder per dbt invocation, seeded with the project's partial parse so dbt does
    not parse the whole project again."""
    path = settings.dbt_target_path / "dagster" / f"{run_id[:8]}-{uuid.uuid4().hex[:6]}"
    path.mkdir(parents=True, exist_ok=True)
    partial_parse = settings.dbt_target_path / "partial_parse.msgpack"
    if partial_parse.exists():
        shutil.copy(partial_parse, path / partial_parse.name)
    return path


def prune_run_target_paths(settings: Settings) -> None:
    folders = sorted((settings.dbt_target_path / "dagster").glob("*"), key=lambda path: path.stat().st_mtime)
    for folder in folders[:-DBT_RUN_FOLDERS_KEPT]:
        shutil.rmtree(folder, ignore_errors=True)


# dbt's test statuses in the ledger's terms: a `warn` is a failed rule of warn severity.
DBT_STATUS_TO_LEDGER = {"pass": "pass", "fail": "fail", "warn": "fail", "error": "error", "skipped": "skipped"}


def dbt_test_outcomes(invocation: DbtCliInvocation, manifest: Mapping[str, Any]) -> list[CheckOutcome]:
    """The data tests dbt ran (unit tests are code tests, not data quality), as ledger rows."""
    try:
        run_results = invocation.get_artifact("run_results.json")
    except Exception:  # dbt stopped before writing it (e.g. a compile error): nothing ran
        return []
    translator = ArDbtTranslator()
    outcomes = []
    for result in run_results.get("results", []):
        node = manifest["nodes"].get(result["unique_id"])
        if node is None or node["resource_type"] != "test":
            continue
        outcomes.append(
            CheckOutcome(
                check_name=node["name"],
                severity=(node["config"].get("severity") or "error").lower(),
                status=DBT_STATUS_TO_LEDGER.get(result["status"], result["status"]),
                failed_rows=result.get("failures"),
                asset_key=_tested_asset(result["unique_id"], manifest, translator),
                check_source="dbt",
            )
        )
    return outcomes


def _tested_asset(unique_id: str, manifest: Mapping[str, Any], translator: ArDbtTranslator) -> str:
    """The asset the test is a check of, as Dagster shows it (a singular test on several models
    without `meta: {dagster: {ref: …}}` belongs to none)."""
    check_key = get_asset_check_key_for_test(manifest, translator, unique_id, None)
    return check_key.asset_key.to_user_string() if check_key else ""


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(assets=[build_landing_assets(location), build_dbt_assets(location)])

