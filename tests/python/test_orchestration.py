"""The Dagster code location: it loads and validates from the repository root, builds the warehouse
with every dbt test and GX suite as an asset check, publishes the serving copy, refuses to publish
past a failed blocking check, and the landing sensor starts runs for changed files only. Its
settings are resources fed by environment variables, its lib/ imports no Dagster, and no module
reaches into Dagster's private API.

One real build (the daily job, in-process, on a copy of the sample landing data and a temporary
DuckDB file) serves every test that needs a warehouse.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import dagster as dg  # noqa: E402

from orchestration.definitions import build_definitions  # noqa: E402
from orchestration.defs.alerts.assets import ALERT_DELIVERIES_KEY  # noqa: E402
from orchestration.defs.serving.assets import SERVING_ASSET_KEY  # noqa: E402
from orchestration.lib.landing import CSV_OPTIONS  # noqa: E402
from orchestration.lib.serving import PUBLICATION_TABLE  # noqa: E402
from orchestration.resources import Settings  # noqa: E402

DAGSTER = Path(sys.executable).with_name("dagster")
DG = Path(sys.executable).with_name("dg")
SAMPLE_LANDING = REPO_ROOT / "sample" / "landing"
KPI_MONTHLY = dg.AssetKey(["marts", "fct_kpi_monthly"])
BANK_BALANCES = dg.AssetKey(["landing", "bank", "balances"])
BILLING_INVOICES = dg.AssetKey(["landing", "billing", "invoices"])
ORCHESTRATION = REPO_ROOT / "orchestration"


# ---------------------------------------------------------------------------------------------
# Fixtures: one environment, one code location, one instance, one green build
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Every AR_* path in a temporary folder, the landing data a copy of the sample."""
    work = tmp_path_factory.mktemp("orchestration")
    shutil.copytree(SAMPLE_LANDING, work / "landing")
    target = work / "target"
    target.mkdir()
    partial_parse = REPO_ROOT / "target" / "partial_parse.msgpack"
    if partial_parse.exists():  # lets dbt parse only what changed
        shutil.copy(partial_parse, target / partial_parse.name)
    values = {
        "AR_LANDING_DIR": str(work / "landing"),
        "AR_PREPARED_DIR": str(work / "prepared"),
        "AR_DUCKDB_PATH": str(work / "ar.duckdb"),
        "AR_DBT_TARGET_PATH": str(target),
        "AR_SERVING_DUCKDB_PATH": str(work / "serving" / "serving.duckdb"),
        "AR_SERVING_PARQUET_DIR": str(work / "serving" / "parquet"),
        "AR_SERVING_MASKED_DUCKDB_PATH": str(work / "serving" / "serving_masked.duckdb"),
        "AR_GX_DIR": str(work / "gx"),
        "AR_LANDING_SETTLE_SECONDS": "0",
        "GX_ANALYTICS_ENABLED": "False",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        patch.delenv("AR_AS_OF_DATE", raising=False)
        patch.delenv("AR_GX_DOCS_DIR", raising=False)
        patch.delenv("AR_PII_HMAC_KEY", raising=False)  # the masked copy is tested in test_serving.py
        yield values


@pytest.fixture(scope="module")
def settings(environment: dict[str, str]) -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="module")
def definitions(environment: dict[str, str]) -> dg.Definitions:
    return build_definitions()


@pytest.fixture(scope="module")
def instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.ephemeral()


@pytest.fixture(scope="module")
def green_build(definitions: dg.Definitions, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    """The daily job, in-process: landing suites, dbt build, mart suites, publication."""
    result = definitions.resolve_job_def("daily_build").execute_in_process(instance=instance, raise_on_error=False)
    assert result.success, _failures(result)
    return result


def _failures(result: dg.ExecuteInProcessResult) -> str:
    return "\n".join(
        f"{event.step_key}: {event.message}" for event in result.all_events if event.event_type_value == "STEP_FAILURE"
    )


def _check_evaluations(result: dg.ExecuteInProcessResult) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]:
    data = (event.event_specific_data for event in result.all_events)
    return {
        evaluation.asset_check_key: evaluation for evaluation in data if isinstance(evaluation, dg.AssetCheckEvaluation)
    }


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0]


def _fingerprint(path: Path) -> tuple[str, float]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


def _serving_state(settings: Settings) -> tuple[tuple[str, float], str]:
    """The serving DuckDB file's content and time, and the Parquet version that is current."""
    return _fingerprint(settings.serving_duckdb_path), os.readlink(settings.serving_parquet_dir / "current")


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def test_definitions_validate_from_the_repository_root(definitions: dg.Definitions) -> None:
    """`dg check defs` and `dagster definitions validate` with no arguments: pyproject.toml's
    [tool.dg] and [tool.dagster] name the module."""
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.dg]" in pyproject and "[tool.dagster]" in pyproject
    for command, success in (
        ([str(DG), "check", "defs"], "All definitions loaded successfully"),
        ([str(DAGSTER), "definitions", "validate"], "Validation successful"),
    ):
        result = subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env=os.environ.copy()
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert success in result.stdout + result.stderr


def test_dg_launches_assets_from_the_repository_root(definitions: dg.Definitions, tmp_path: Path) -> None:
    """`dg launch --assets …` (what `make materialize` runs with '*'), here one landing file."""
    result = subprocess.run(
        [str(DG), "launch", "--assets", "landing/billing/customers"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "RUN_SUCCESS" in result.stdout + result.stderr
    assert (Path(os.environ["AR_PREPARED_DIR"]) / "billing" / "customers.csv").exists()


def test_definitions_hold_dbt_assets_checks_schedule_and_sensors(definitions: dg.Definitions) -> None:
    repository = definitions.get_repository_def()
    graph = repository.asset_graph
    keys = graph.get_all_asset_keys()
    assert {KPI_MONTHLY, dg.AssetKey(["staging", "stg_billing__invoices"]), BANK_BALANCES, SERVING_ASSET_KEY} <= keys

    groups = {graph.get(key).group_name: graph.get(key).owners for key in keys}
    for group in ("landing_billing", "staging_billing", "intermediate_receivables", "marts_receivables", "serving"):
        assert groups[group], f"group {group} has an owner"
    owner_history = graph.get(dg.AssetKey(["snapshots", "snap_crm__account_owners"]))
    assert (owner_history.group_name, owner_history.owners) == ("snapshots", ["team:data-platform"])

    checks = {key.name: key for key in graph.asset_check_keys}
    assert "unique_fct_kpi_monthly_month_start" in checks  # a dbt test
    assert checks["unique_fct_kpi_monthly_month_start"].asset_key == KPI_MONTHLY
    assert graph.get(checks["gx_fct_kpi_monthly_integrity"]).blocking
    assert not graph.get(checks["gx_fct_kpi_monthly_ranges"]).blocking
    assert graph.get(checks["gx_billing_invoices_structure"]).blocking
    assert checks["gx_billing_invoices_structure"].asset_key == BILLING_INVOICES
    assert not [name for name in checks if name.endswith("_values")], "staging's quarantine judges landing values"
    assert "gx_fct_ar_monthly_integrity" not in checks, "dbt's tests and contract cover all it checked"
    assert graph.get(ALERT_DELIVERIES_KEY).group_name == "alerts"
    assert SERVING_ASSET_KEY in graph.get(ALERT_DELIVERIES_KEY).parent_keys, "alerts go out after publication"

    schedule = repository.get_schedule_def("daily_build_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "Asia/Tokyo")
    scopes = {}
    for day in range(22, 29):  # Sunday 22 November 2026 … Saturday 28th, 06:00 in Tokyo
        at = datetime.datetime(2026, 11, day, 6, tzinfo=ZoneInfo("Asia/Tokyo"))
        requests = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=at)).run_requests
        assert requests and len(requests) == 1
        scopes[at.strftime("%a")] = requests[0].tags["ar/test_scope"]
    assert scopes == {"Sun": "full"} | dict.fromkeys(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], "recent")
    for sensor in ("landing_files_sensor", "alert_retry_sensor", "failed_run_alerts"):
        assert repository.has_sensor_def(sensor), sensor
    assert definitions.resolve_job_def("daily_build").tags["ar/duckdb_writer"]

    dbt_op = graph.get(KPI_MONTHLY).assets_def.op
    assert dbt_op.pool == "ar_duckdb" and dbt_op.retry_policy is not None


# ---------------------------------------------------------------------------------------------
# The landing sensor
# ---------------------------------------------------------------------------------------------


def _evaluate_sensor(definitions: dg.Definitions, settings: Settings, cursor: str | None) -> dg.SensorResult:
    sensor = definitions.get_repository_def().get_sensor_def("landing_files_sensor")
    context = dg.build_sensor_context(cursor=cursor, resources={"settings": settings}, definitions=definitions)
    result = sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def test_landing_sensor_requests_what_depends_on_a_changed_file_only(
    definitions: dg.Definitions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    for name in ("billing/customers.csv", "billing/invoices.csv", "bank/balances.csv"):
        (landing / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_LANDING / name, landing / name)
    monkeypatch.setenv("AR_LANDING_DIR", str(landing))
    sensing = Settings.from_env()
    assert sensing.landing_dir == landing

    baseline = _evaluate_sensor(definitions, sensing, cursor=None)
    assert not baseline.run_requests and baseline.cursor

    unchanged = _evaluate_sensor(definitions, sensing, cursor=baseline.cursor)
    assert not unchanged.run_requests

    balances = landing / "bank" / "balances.csv"
    balances.write_text(
        balances.read_text(encoding="utf-8") + "BA-001,2026-11-21T18:00:00,1000.00,JPY\n", encoding="utf-8"
    )
    os.utime(balances, ns=(time.time_ns(), time.time_ns()))
    changed = _evaluate_sensor(definitions, sensing, cursor=unchanged.cursor)
    (request,) = changed.run_requests or []
    selected = set(request.asset_selection or ())
    assert {BANK_BALANCES, dg.AssetKey(["staging", "stg_bank__balances"]), SERVING_ASSET_KEY} <= selected
    assert any(key.path[0] == "marts" and "cash_balances" in key.path[-1] for key in selected)
    assert BILLING_INVOICES not in selected and dg.AssetKey(["marts", "fct_invoices"]) not in selected

    again = _evaluate_sensor(definitions, sensing, cursor=changed.cursor)
    assert not again.run_requests


# ---------------------------------------------------------------------------------------------
# A green build: dbt, checks, ledger, publication, Data Docs
# ---------------------------------------------------------------------------------------------


def test_daily_build_materialises_dbt_assets_and_evaluates_every_kind_of_check(
    green_build: dg.ExecuteInProcessResult,
) -> None:
    materialised = {event.asset_key for event in green_build.get_asset_materialization_events()}
    assert {KPI_MONTHLY, BILLING_INVOICES, SERVING_ASSET_KEY} <= materialised
    evaluations = _check_evaluations(green_build)
    names = {key.name for key in evaluations}
    assert "unique_fct_kpi_monthly_month_start" in names  # dbt
    assert {
        "gx_billing_invoices_structure",
        "gx_fct_kpi_monthly_integrity",
        "gx_fct_kpi_monthly_ranges",
        "gx_fct_ar_monthly_ranges",
        "gx_fct_invoices_integrity",
        "gx_fct_invoices_ranges",
    } <= names
    assert ALERT_DELIVERIES_KEY in materialised, "alert delivery runs after publication (no webhook: sends nothing)"
    blocking_failures = [
        key
        for key, evaluation in evaluations.items()
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert not blocking_failures


def test_every_check_result_is_in_the_quality_ledger(
    green_build: dg.ExecuteInProcessResult, settings: Settings, definitions: dg.Definitions
) -> None:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        rows = connection.execute(
            "select check_source, count(*), count(*) filter (where status not in ('pass', 'fail', 'error', 'skipped')) "
            "from ops.data_quality_results where run_id = ? group by 1",
            [green_build.run_id],
        ).fetchall()
        columns = [row[0] for row in connection.execute("describe ops.data_quality_results").fetchall()]
    counts = {source: (count, bad) for source, count, bad in rows}
    gx_checks = [
        key for key in definitions.get_repository_def().asset_graph.asset_check_keys if key.name.startswith("gx_")
    ]
    assert counts["dbt"][0] > 100 and counts["great_expectations"][0] == len(gx_checks) > 20
    assert counts["dbt"][1] == counts["great_expectations"][1] == 0
    assert columns[:5] == ["check_name", "checked_at", "severity", "status", "failed_rows"]


def test_green_build_publishes_the_marts_as_duckdb_and_parquet(
    green_build: dg.ExecuteInProcessResult, settings: Settings
) -> None:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as build:
        expected = dict(
            build.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        )
        kpi_rows = _one(build, "select count(*) from marts.fct_kpi_monthly")
    with duckdb.connect(str(settings.serving_duckdb_path), read_only=True) as serving:
        published = {
            row[0]
            for row in serving.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        }
        assert _one(serving, "select count(*) from marts.fct_kpi_monthly") == kpi_rows
        assert serving.execute(f"select distinct run_id from {PUBLICATION_TABLE}").fetchall() == [(green_build.run_id,)]
    assert published == set(expected) and {"customer_identity_map", "fct_ar_monthly", "fct_invoices"} <= published
    current = settings.serving_parquet_dir / "current"
    assert current.is_symlink()
    for table in ("fct_kpi_monthly", "customer_identity_map", "fct_invoices"):
        assert (current / f"{table}.parquet").exists()
    with duckdb.connect() as reader:
        parquet = current / "fct_kpi_monthly.parquet"
        parquet_rows = _one(reader, f"select count(*) from read_parquet('{parquet}')")
    assert parquet_rows == kpi_rows
    assert not list(settings.serving_duckdb_path.parent.glob(".*.new"))
    publication = green_build.asset_materializations_for_node("serving__published_marts")[0].metadata
    assert publication["masked_duckdb"].value == "not written", "no AR_PII_HMAC_KEY, no masked copy"
    assert not settings.serving_masked_duckdb_path.exists()


def test_gx_data_docs_open_offline(green_build: dg.ExecuteInProcessResult, settings: Settings) -> None:
    index_path = settings.gx_docs_dir / "index.html"
    index = index_path.read_text(encoding="utf-8")
    evaluations = _check_evaluations(green_build).values()
    pages = [Path(str(e.metadata["gx_data_docs"].value)) for e in evaluations if "gx_data_docs" in e.metadata]
    assert len(pages) > 20 and all(page.exists() for page in pages), "a page per validation that had data"
    for page in pages:
        assert f'href="{page.relative_to(settings.gx_docs_dir).as_posix()}"' in index, f"{page} is in the index"
    remote = re.compile(
        r"<link[^>]*href=[\"']?(https?:)?//|<script[^>]*src=[\"']?(https?:)?//|<img[^>]*src=[\"']?(https?:)?//"
        r"|url\(\s*[\"']?(https?:)?//|@import[^;]*//|<script",
        re.I,
    )
    for document in [index_path, *pages]:
        assert not remote.search(document.read_text(encoding="utf-8")), f"{document} loads from the network"
    assert "gx_fct_kpi_monthly_integrity" in index and "validations/" in index
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        ledger = connection.execute(
            "select count(*) from ops.data_quality_results where check_source = 'great_expectations'"
        ).fetchone()
    assert ledger and index.count("<tr class=") == ledger[0], "the index lists the ledger's GX rows"


# ---------------------------------------------------------------------------------------------
# Failures leave the last good serving copy in place
# ---------------------------------------------------------------------------------------------


def test_a_broken_landing_file_stops_the_sensor_run_before_dbt(
    green_build: dg.ExecuteInProcessResult,
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    settings: Settings,
) -> None:
    """A required column missing from billing/invoices.csv: the sensor's run stops in the landing
    preparation, with the missing column named, so dbt and the publication never start and the
    serving copy stays as it was."""
    before = _serving_state(settings)
    cursor = _evaluate_sensor(definitions, settings, cursor=None).cursor
    invoices = settings.landing_dir / "billing" / "invoices.csv"
    original = invoices.read_bytes()
    try:
        with duckdb.connect() as connection:
            connection.execute(
                f"copy (select * exclude (amount) from read_csv('{invoices}', all_varchar = true)) "
                f"to '{invoices}' (header, delimiter ',')"
            )
        (request,) = _evaluate_sensor(definitions, settings, cursor=cursor).run_requests or []
        job = definitions.resolve_job_def("landing_refresh")
        result = job.get_subset(asset_selection=set(request.asset_selection or ())).execute_in_process(
            instance=instance, raise_on_error=False
        )
    finally:
        invoices.write_bytes(original)
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    error = str(failure.step_failure_data.error)
    assert "amount" in error and "billing/invoices" in error
    assert not result.get_asset_materialization_events() or all(
        event.asset_key is not None and event.asset_key.path[0] == "landing"
        for event in result.get_asset_materialization_events()
    )
    assert _serving_state(settings) == before
    _rerun_landing_suite(definitions, instance)  # the file is whole again: its latest result passes


def _rerun_landing_suite(definitions: dg.Definitions, instance: dg.DagsterInstance) -> None:
    check = dg.AssetCheckKey(BILLING_INVOICES, "gx_billing_invoices_structure")
    job = definitions.resolve_job_def("daily_build").get_subset(asset_check_selection={check}, asset_selection=set())
    assert job.execute_in_process(instance=instance).success


def test_a_failed_blocking_mart_check_keeps_the_last_serving_copy(
    green_build: dg.ExecuteInProcessResult,
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    settings: Settings,
) -> None:
    """A broken roll-forward in fct_kpi_monthly: its error-severity suite fails, the publication in
    the same run does not happen, and a later run that publishes without re-checking is refused."""
    before = _serving_state(settings)
    with duckdb.connect(str(settings.duckdb_path)) as warehouse:
        warehouse.execute(
            "update marts.fct_kpi_monthly set ending_ar = ending_ar + 1 where month_start = "
            "(select max(month_start) from marts.fct_kpi_monthly)"
        )
    integrity = dg.AssetCheckKey(KPI_MONTHLY, "gx_fct_kpi_monthly_integrity")
    job = definitions.resolve_job_def("daily_build")

    checked = job.get_subset(asset_selection={SERVING_ASSET_KEY}, asset_check_selection={integrity}).execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert not checked.success
    assert not _check_evaluations(checked)[integrity].passed
    assert SERVING_ASSET_KEY not in {event.asset_key for event in checked.get_asset_materialization_events()}
    assert _serving_state(settings) == before

    unchecked = job.get_subset(asset_selection={SERVING_ASSET_KEY}, asset_check_selection=set()).execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert not unchecked.success
    assert "gx_fct_kpi_monthly_integrity" in _failures(unchecked) or any(
        "Not published" in str(event.event_specific_data)
        for event in unchecked.all_events
        if event.event_type_value == "STEP_FAILURE"
    )
    assert _serving_state(settings) == before


# ---------------------------------------------------------------------------------------------
# How the code is put together
# ---------------------------------------------------------------------------------------------


def test_the_run_tag_decides_the_test_scope_and_the_weekday_is_a_setting() -> None:
    from orchestration.defs.dbt.schedules import full_test_weekday, run_test_scope

    assert run_test_scope({}) == "full" and run_test_scope({"ar/test_scope": "recent"}) == "recent"
    with pytest.raises(ValueError, match="must be one of full, recent, got 'weekly'"):
        run_test_scope({"ar/test_scope": "weekly"})
    assert (full_test_weekday("Sunday"), full_test_weekday("mon"), full_test_weekday("")) == (6, 0, 6)
    with pytest.raises(ValueError, match="must name a weekday"):
        full_test_weekday("someday")


def test_settings_are_resources_fed_by_environment_variables(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A variable that is set becomes a dg.EnvVar (the UI names it, Dagster reads it at launch);
    one that is not leaves the documented default."""
    settings = Settings.from_env()
    assert isinstance(settings, dg.ConfigurableResource)
    assert isinstance(settings.ar_duckdb_path, dg.EnvVar) and settings.ar_duckdb_path.env_var_name == "AR_DUCKDB_PATH"
    assert settings.duckdb_path == Path(environment["AR_DUCKDB_PATH"])
    assert settings.gx_docs_dir == Path(environment["AR_DBT_TARGET_PATH"]) / "gx_docs"
    for variable in ("AR_DUCKDB_PATH", "AR_GX_MAX_ROWS", "AR_LANDING_DIR"):
        monkeypatch.delenv(variable, raising=False)
    defaults = Settings.from_env()
    assert defaults.ar_duckdb_path == "warehouse/ar.duckdb"
    assert defaults.duckdb_path == REPO_ROOT / "warehouse" / "ar.duckdb"
    assert (defaults.gx_max_rows, defaults.landing_dir) == (1_000_000, REPO_ROOT / "sample" / "landing")


def test_lib_imports_no_dagster_and_nothing_imports_dagster_private_api() -> None:
    for module in (ORCHESTRATION / "lib").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+dagster", module.read_text(encoding="utf-8"), re.M), module
    owned = [path for path in ORCHESTRATION.rglob("*.py") if path.name != "reports.py"]
    for module in owned:
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"dagster(_dbt)?\._|asset_utils", text), f"{module} uses a private Dagster API"


def test_the_landing_reader_reads_as_the_read_landing_macro(definitions: dg.Definitions) -> None:
    """One set of CSV options, dbt's: the macro in the manifest carries them verbatim."""
    manifest = json.loads((Path(os.environ["AR_DBT_TARGET_PATH"]) / "manifest.json").read_text(encoding="utf-8"))
    macro = manifest["macros"]["macro.ar_warehouse.duckdb__landing_reader"]["macro_sql"]
    assert CSV_OPTIONS.replace('"', '\\"') in macro
    assert "union_by_name = true" in macro  # a table's daily files are read together by column name
