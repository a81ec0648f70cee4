"""Great Expectations suites as asset checks with their severity; results go to the ledger and the GX pages."""

from collections.abc import Callable, Iterable, Iterator, Sequence

import dagster as dg

from orchestration.lib.landing import landing_files
from orchestration.lib.quality import MART_SUITES, Suite, SuiteOutcome, SuiteRunner, prune_history, structure_suite
from orchestration.lib.quality_docs import write_index, write_validation_pages
from orchestration.lib.warehouse import local_now, record_check_outcomes
from orchestration.resources import DUCKDB_POOL, CodeLocation, Settings

SEVERITIES = {"error": dg.AssetCheckSeverity.ERROR, "warn": dg.AssetCheckSeverity.WARN}


def check_key(suite: Suite) -> dg.AssetCheckKey:
    return dg.AssetCheckKey(dg.AssetKey(list(suite.asset_path)), suite.name)


def check_spec(suite: Suite) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=suite.name,
        asset=dg.AssetKey(list(suite.asset_path)),
        description=f"[{suite.severity}] {suite.description}",
        blocking=suite.is_blocking,
        metadata={"severity": SEVERITIES[suite.severity].value, "engine": "great_expectations"},
    )


def check_result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    metadata = {name: value for name, value in outcome.metadata.items()}
    metadata["severity"] = SEVERITIES[outcome.suite.severity].value
    if outcome.docs_page is not None:
        metadata["gx_data_docs"] = dg.MetadataValue.path(str(outcome.docs_page))
    if outcome.failed_rows is not None:
        metadata["failed_rows"] = outcome.failed_rows
    if outcome.failed_expectations:
        lines = ["| expectation | column | unexpected rows |", "|---|---|---|"]
        lines += [
            f"| {expectation} | {column} | {rows} |" for expectation, column, _, rows in outcome.failed_expectations
        ]
        metadata["failed_expectations"] = dg.MetadataValue.md("\n".join(lines))
    return dg.AssetCheckResult(
        asset_key=check_key(outcome.suite).asset_key,
        check_name=outcome.suite.name,
        passed=outcome.passed,
        severity=SEVERITIES[outcome.suite.severity],
        metadata=metadata,
    )


def landing_suites(location: CodeLocation) -> list[Suite]:
    return [structure_suite(landing_file) for landing_file in landing_files(location.manifest)]


def blocking_gx_checks(location: CodeLocation) -> set[dg.AssetCheckKey]:
    """The error-severity suites, landing and marts (the publication's audit)."""
    return {check_key(suite) for suite in (*landing_suites(location), *MART_SUITES) if suite.is_blocking}


def _selected(suites: Iterable[Suite], context: dg.AssetCheckExecutionContext) -> list[Suite]:
    return [suite for suite in suites if check_key(suite) in context.selected_asset_check_keys]


def _finish(outcomes: Sequence[SuiteOutcome], settings: Settings, run_id: str) -> Iterator[dg.AssetCheckResult]:
    """The ledger first, then the pages written from it, then the results to Dagster."""
    record_check_outcomes(settings.duckdb_path, [outcome.ledger_row() for outcome in outcomes], run_id)
    write_validation_pages(outcomes, run_id, local_now())
    prune_history((settings.gx_dir, settings.gx_docs_dir), settings.gx_keep_days)
    write_index(settings.gx_docs_dir, settings.duckdb_path)
    for outcome in outcomes:
        yield check_result(outcome)


SuiteRun = Callable[[SuiteRunner, Suite, Settings], SuiteOutcome]


def _suite_checks(name: str, suites: Sequence[Suite], description: str, run: SuiteRun) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=name,
        specs=[check_spec(suite) for suite in suites],
        can_subset=True,
        pool=DUCKDB_POOL,
        description=description,
    )
    def suite_checks(context: dg.AssetCheckExecutionContext, settings: Settings) -> Iterator[dg.AssetCheckResult]:
        runner = SuiteRunner(settings.gx_dir, settings.gx_docs_dir, context.run.run_id, settings.gx_max_rows)
        outcomes = [run(runner, suite, settings) for suite in _selected(suites, context)]
        yield from _finish(outcomes, settings, context.run.run_id)

    return suite_checks


def build_landing_checks(location: CodeLocation) -> dg.AssetChecksDefinition:
    return _suite_checks(
        "landing_suites",
        landing_suites(location),
        "Great Expectations suites on the landing files, before dbt.",
        lambda runner, suite, settings: runner.run_landing(suite, settings.prepared_landing_dir),
    )


def build_mart_checks() -> dg.AssetChecksDefinition:
    return _suite_checks(
        "mart_suites",
        MART_SUITES,
        "Great Expectations suites on the key marts, after dbt.",
        lambda runner, suite, settings: runner.run_mart(suite, settings.duckdb_path),
    )
