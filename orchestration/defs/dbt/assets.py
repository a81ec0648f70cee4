"""The landing files (prepared for dbt) and the dbt models and seeds as assets; dbt tests as checks."""

import functools
import json
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

from landing.csv_text import LandingFileError
from landing.prepare import LandingPreparationError, prepare
from orchestration.defs.dbt.schedules import run_test_scope
from orchestration.defs.dbt.translator import ArDbtTranslator, landing_asset_key, landing_group, owner_of_group
from orchestration.lib.landing import LandingFile, count_rows, file_version, landing_files
from orchestration.lib.warehouse import CheckOutcome, record_check_outcomes
from orchestration.resources import DUCKDB_POOL, TRANSIENT_RETRY, CodeLocation, Settings, step_failure

DBT_RUN_FOLDERS_KEPT = 20
DBT_UNIQUE_ID = "dagster_dbt/unique_id"  # the metadata dagster-dbt gives each test's check spec
# dbt's test statuses in the ledger's terms: a `warn` is a failed rule of warn severity.
DBT_STATUS_TO_LEDGER = {"pass": "pass", "fail": "fail", "warn": "fail", "error": "error", "skipped": "skipped"}


def landing_metadata(landing_file: LandingFile, paths: Sequence[Path], landing_dir: Path) -> dict[str, Any]:
    """What landed, as prepared for dbt, or that nothing did."""
    if not paths:
        return {
            "present": False,
            "required_file": landing_file.is_required,
            "expected_path": str(landing_file.candidates(landing_dir)[0]),
        }
    stats = [path.stat() for path in paths]
    return {
        "present": True,
        "path": dg.MetadataValue.path(str(paths[0])) if len(paths) == 1 else ", ".join(map(str, paths)),
        "size_bytes": sum(stat.st_size for stat in stats),
        "modified_at": dg.MetadataValue.timestamp(max(stat.st_mtime for stat in stats)),
        "dagster/row_count": count_rows(paths),
    }


def build_landing_assets(location: CodeLocation) -> dg.AssetsDefinition:
    files = {landing_asset_key(f.system, f.table): f for f in landing_files(location.manifest)}
    specs = [
        dg.AssetSpec(
            key=key,
            description=(
                f"Landing file {landing_file.relative_stem}.csv (or .parquet) and its daily files "
                f"{landing_file.relative_stem}_YYYY-MM-DD.csv. {landing_file.description}"
            ),
            group_name=landing_group(landing_file.system),
            owners=[owner_of_group(landing_group(landing_file.system))],
            kinds={"csv", "parquet"},
            skippable=True,
            metadata={"required_file": landing_file.is_required},
        )
        for key, landing_file in files.items()
    ]

    @dg.multi_asset(name="landing_files", specs=specs, can_subset=True)
    def landing_files_taken_in(context: dg.AssetExecutionContext, settings: Settings) -> Iterator[dg.MaterializeResult]:
        """Prepare each selected landing file for dbt and record the version this run builds from."""
        selected = sorted(context.selected_asset_keys)
        try:
            report = prepare(
                settings.landing_dir,
                settings.prepared_landing_dir,
                settings.landing_encoding,
                only=[files[key].relative_stem for key in selected],
            )
        except (LandingPreparationError, LandingFileError) as error:
            raise dg.Failure(description=f"Landing preparation stopped: {error}", allow_retries=False) from error
        for line in report.summary_lines():
            context.log.info(line)
        landed = {table.table for table in report.tables if table.inputs}
        for key in selected:
            landing_file = files[key]
            paths = landing_file.files(settings.prepared_landing_dir) if landing_file.relative_stem in landed else []
            yield dg.MaterializeResult(
                asset_key=key,
                metadata=landing_metadata(landing_file, paths, settings.landing_dir),
                data_version=dg.DataVersion(file_version(paths)),
            )

    return landing_files_taken_in


@functools.cache  # one definition per location: serving reads its blocking checks
def build_dbt_assets(location: CodeLocation) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=location.project.manifest_path,
        project=location.project,
        dagster_dbt_translator=ArDbtTranslator(),
        name="ar_dbt_models",
        retry_policy=TRANSIENT_RETRY,
        pool=DUCKDB_POOL,
    )
    def ar_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: Settings) -> Iterator[Any]:
        """`dbt build` of the selected models, seeds and tests, into AR_DUCKDB_PATH."""
        dbt_vars = json.dumps(
            {"landing_dir": str(settings.prepared_landing_dir), "test_scope": run_test_scope(context.run.tags)}
        )
        invocation = dbt.cli(
            ["build", "--vars", dbt_vars],
            context=context,
            target_path=run_target_path(settings.dbt_target_path, context.run.run_id),
            raise_on_error=False,
        )
        try:
            yield from invocation.stream()
        except Exception as error:  # an error reading dbt's events is final unless it is a lock
            raise step_failure(f"{type(error).__name__}: {error}") from error
        finally:
            stop(invocation)
            try:  # a ledger that cannot be written never hides how the build went
                outcomes = dbt_test_outcomes(invocation, location.manifest, context.assets_def.check_specs)
                record_check_outcomes(settings.duckdb_path, outcomes, context.run.run_id)
            except Exception:
                context.log.exception("Could not record dbt test results in ops.data_quality_results")
            prune_run_target_paths(settings.dbt_target_path)
        if not invocation.is_successful():
            raise step_failure(str(invocation.get_error() or "dbt build failed"))

    return ar_dbt_models


def stop(invocation: DbtCliInvocation) -> None:
    """Make sure dbt has exited, and so released the DuckDB file, before anyone else opens it."""
    if invocation.process.poll() is None:
        invocation.process.terminate()
    invocation.process.wait()


def run_target_path(dbt_target_path: Path, run_id: str) -> Path:
    """A target folder per dbt invocation, seeded with the project's partial parse so dbt does
    not parse the whole project again."""
    path = dbt_target_path / "dagster" / f"{run_id[:8]}-{uuid.uuid4().hex[:6]}"
    path.mkdir(parents=True, exist_ok=True)
    partial_parse = dbt_target_path / "partial_parse.msgpack"
    if partial_parse.exists():
        shutil.copy(partial_parse, path / partial_parse.name)
    return path


def prune_run_target_paths(dbt_target_path: Path) -> None:
    folders = sorted((dbt_target_path / "dagster").glob("*"), key=lambda path: path.stat().st_mtime)
    for folder in folders[:-DBT_RUN_FOLDERS_KEPT]:
        shutil.rmtree(folder, ignore_errors=True)


def dbt_check_keys(check_specs: Sequence[dg.AssetCheckSpec] | Any) -> dict[str, dg.AssetCheckKey]:
    """The asset check of each dbt test, by the test's unique id (a singular test on several
    models without `meta: {dagster: {ref: …}}` is none)."""
    return {spec.metadata[DBT_UNIQUE_ID]: spec.key for spec in check_specs if DBT_UNIQUE_ID in (spec.metadata or {})}


def dbt_test_outcomes(
    invocation: DbtCliInvocation, manifest: Mapping[str, Any], check_specs: Sequence[dg.AssetCheckSpec] | Any
) -> list[CheckOutcome]:
    """The data tests dbt ran (unit tests are code tests, not data quality), as ledger rows."""
    try:
        run_results = invocation.get_artifact("run_results.json")
    except Exception:  # dbt stopped before writing it (e.g. a compile error): nothing ran
        return []
    checks = dbt_check_keys(check_specs)
    outcomes = []
    for result in run_results.get("results", []):
        node = manifest["nodes"].get(result["unique_id"])
        if node is None or node["resource_type"] != "test":
            continue
        check = checks.get(result["unique_id"])
        outcomes.append(
            CheckOutcome(
                check_name=node["name"],
                severity=(node["config"].get("severity") or "error").lower(),
                status=DBT_STATUS_TO_LEDGER.get(result["status"], result["status"]),
                failed_rows=result.get("failures"),
                asset_key=check.asset_key.to_user_string() if check else "",
                check_source="dbt",
            )
        )
    return outcomes
