"""Great Expectations suites on pandas DataFrames: landing structure before dbt, mart integrity and ranges
after (DECISIONS: Orchestration)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.landing import LandingFile, landing_reader
from orchestration.lib.warehouse import CheckOutcome, duckdb_connection

# GX takes seconds to import: only the check steps import it, not every process that loads the
# code location. It must never reach the network.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
ERROR, WARN = "error", "warn"
ExpectationBuilder = Callable[[Any], list[Any]]  # great_expectations.expectations -> expectations


@dataclass(frozen=True)
class Suite:
    """One GX expectation suite, run as one asset check of the same name. `sql` reads a mart
    (identities computed there as residual columns); landing suites read their file."""

    name: str
    asset_path: tuple[str, ...]
    severity: str
    description: str
    expectations: ExpectationBuilder = field(compare=False, repr=False)
    sql: str | None = None
    landing_file: LandingFile | None = None

    @property
    def is_blocking(self) -> bool:
        return self.severity == ERROR

    @property
    def asset_key(self) -> str:
        return "/".join(self.asset_path)


def structure_suite(landing_file: LandingFile) -> Suite:
    def build(gxe: Any) -> list[Any]:
        found = [gxe.ExpectColumnToExist(column=name) for name in landing_file.required_columns]
        if landing_file.is_required:
            found.append(gxe.ExpectTableRowCountToBeBetween(min_value=1))
        return found

    return Suite(
        name=f"gx_{landing_file.system}_{landing_file.table}_structure",
        asset_path=("landing", landing_file.system, landing_file.table),
        severity=ERROR,
        description=f"{landing_file.relative_stem}: the file is readable, "
        + ("has landed and has rows, " if landing_file.is_required else "")
        + "and every required column of the landing contract is in its header.",
        expectations=build,
        landing_file=landing_file,
    )


# A balance identity holds to the yen; amounts are decimal(38, 2), so anything beyond half a sen
# is a real difference.
TOLERANCE = 0.005


def _zero(gxe: Any, column: str) -> Any:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=-TOLERANCE, max_value=TOLERANCE)


def _between(gxe: Any, column: str, low: float | None = 0, high: float | None = None) -> Any:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)


def _mart_suite(model: str, kind: str, severity: str, description: str, sql: str, build: ExpectationBuilder) -> Suite:
    return Suite(
        name=f"gx_{model}_{kind}",
        asset_path=("marts", model),
        severity=severity,
        description=description,
        expectations=build,
        sql=f"{sql} from marts.{model}",
    )


SIGNED_AMOUNTS = ("invoiced_amount", "credited_amount", "fees_deducted_amount", "written_off_amount")
PERCENT_COLUMNS = (
    "cei_pct",
    "overdue_ratio_pct",
    "late_payment_ratio_pct",
    "delinquent_debtor_pct",
    "uncollected_rate_pct",
)
MART_SUITES: tuple[Suite, ...] = (
    # dbt: invoice_id unique (test) and not null, customer_key not null (contract).
    _mart_suite(
        "fct_invoices",
        "integrity",
        ERROR,
        "Invoices and credit notes only; open = invoiced − credited − collected − fees − written off.",
        "select document_type, open_amount - (invoiced_amount - credited_amount - collected_amount"
        " - fees_deducted_amount - written_off_amount) as open_amount_unexplained",
        lambda gxe: [
            gxe.ExpectColumnValuesToBeInSet(column="document_type", value_set=["invoice", "credit_note"]),
            _zero(gxe, "open_amount_unexplained"),
        ],
    ),
    _mart_suite(
        "fct_invoices",
        "ranges",
        WARN,
        "Amounts carry their sign; days past due are 0 to 10 years.",
        f"select {', '.join(SIGNED_AMOUNTS)}, days_past_due",
        lambda gxe: [
            *(_between(gxe, column) for column in SIGNED_AMOUNTS),
            _between(gxe, "days_past_due", 0, 3660),
        ],
    ),
    # dbt: (customer_key, month_start) unique, the roll-forward and the overdue split
    # (assert_ar_roll_forward_holds); no integrity suite is left to add.
    _mart_suite(
        "fct_ar_monthly",
        "ranges",
        WARN,
        "Debtor counts are 0 or 1 per customer; what was unpaid at due date never exceeds what fell due.",
        "select delinquent_debtor_count, debtors_in_scope_count, due_invoice_amount, unpaid_at_due_amount",
        lambda gxe: [
            gxe.ExpectColumnValuesToBeInSet(column="delinquent_debtor_count", value_set=[0, 1]),
            gxe.ExpectColumnValuesToBeInSet(column="debtors_in_scope_count", value_set=[0, 1]),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="due_invoice_amount", column_B="unpaid_at_due_amount", or_equal=True
            ),
        ],
    ),
    # dbt: month_start unique (test) and not null (contract); the company roll-forward is not tested there.
    _mart_suite(
        "fct_kpi_monthly",
        "integrity",
        ERROR,
        "The company AR roll-forward and the overdue split hold; a period has 1–31 days.",
        "select days_in_period,"
        " ending_ar - (beginning_ar + net_credit_sales - collections - fees_deducted - write_offs)"
        " as ending_ar_unexplained,"
        " ending_overdue_ar - (ending_ar - ending_current_ar) as overdue_ar_unexplained",
        lambda gxe: [
            _between(gxe, "days_in_period", 1, 31),
            _zero(gxe, "ending_ar_unexplained"),
            _zero(gxe, "overdue_ar_unexplained"),
        ],
    ),
    _mart_suite(
        "fct_kpi_monthly",
        "ranges",
        WARN,
        "Ratios within 0–100 % (collection efficiency up to 200 %), DSO and ADD within a year.",
        f"select {', '.join(PERCENT_COLUMNS)}, collection_efficiency_pct, dso_days, average_days_delinquent",
        lambda gxe: [
            *(_between(gxe, column, 0, 100) for column in PERCENT_COLUMNS),
            _between(gxe, "collection_efficiency_pct", 0, 200),
            _between(gxe, "dso_days", 0, 366),
            _between(gxe, "average_days_delinquent", -366, 366),
        ],
    ),
)


@dataclass(frozen=True)
class SuiteOutcome:
    suite: Suite
    passed: bool
    status: str  # as the quality ledger keeps it
    failed_rows: int | None
    metadata: Mapping[str, Any]
    # (expectation, column, held, unexpected rows) of every expectation evaluated
    expectations: tuple[tuple[str, str, bool, str], ...] = ()

    @property
    def failed_expectations(self) -> list[tuple[str, str, bool, str]]:
        return [expectation for expectation in self.expectations if not expectation[2]]

    docs_page: Path | None = None

    def ledger_row(self) -> CheckOutcome:
        return CheckOutcome(
            self.suite.name,
            self.suite.severity,
            self.status,
            self.failed_rows,
            self.suite.asset_key,
            "great_expectations",
        )


def outcome_without_data(suite: Suite, passed: bool, status: str, reason: str) -> SuiteOutcome:
    """A suite that had nothing to validate: an absent file, a mart that could not be read."""
    return SuiteOutcome(suite, passed, status, None, {"reason": reason})


def docs_page(docs_dir: Path, check_name: str, run_id: str) -> Path:
    """Where a validation's page is: the index finds it from a ledger row alone."""
    return docs_dir / "validations" / check_name / f"{run_id[:8]}.html"


class SuiteRunner:
    """Runs suites on DataFrames in one ephemeral GX context; keeps each result as JSON."""

    def __init__(self, gx_dir: Path, docs_dir: Path, run_id: str, max_rows: int) -> None:
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        )
        self.gx, self.gxe = gx, gxe
        self.datasource = gx.get_context(project_config=config, mode="ephemeral").data_sources.add_pandas("ar_frames")
        self.gx_dir, self.docs_dir, self.run_id, self.max_rows = gx_dir, docs_dir, run_id, max_rows

    def run(self, suite: Suite, frame: Any, metadata: Mapping[str, Any]) -> SuiteOutcome:
        batch = (
            self.datasource.add_dataframe_asset(suite.name)
            .add_batch_definition_whole_dataframe("all_rows")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        gx_suite = self.gx.ExpectationSuite(name=suite.name, expectations=suite.expectations(self.gxe))
        result = batch.validate(gx_suite, result_format="SUMMARY")
        stored = self.gx_dir / "validations" / suite.name / f"{self.run_id[:8]}.json"
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(
            json.dumps(result.to_json_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        failed = [r for r in result.results if not r.success]
        raised = [r for r in result.results if (r.exception_info or {}).get("raised_exception")]
        stats = result.statistics
        return SuiteOutcome(
            suite=suite,
            passed=bool(result.success),
            status="error" if raised else ("pass" if result.success else "fail"),
            failed_rows=sum(int((r.result or {}).get("unexpected_count", len(frame)) or 0) for r in failed),
            metadata={
                "evaluated_expectations": int(stats["evaluated_expectations"]),
                "successful_expectations": int(stats["successful_expectations"]),
                **metadata,
            },
            expectations=tuple(_expectation_row(r) for r in result.results),
            docs_page=docs_page(self.docs_dir, suite.name, self.run_id),
        )

    def run_landing(self, suite: Suite, prepared_dir: Path) -> SuiteOutcome:
        """The file as dbt reads it, header trimmed and lowercased as dbt matches it; its first row
        is enough to say it has rows."""
        landing_file = suite.landing_file
        assert landing_file is not None
        paths = landing_file.files(prepared_dir)
        if not paths:
            fails = landing_file.is_required
            missing = "required file missing" if fails else "optional file absent"
            return outcome_without_data(
                suite, not fails, "fail" if fails else "pass", f"{missing}: {landing_file.candidates(prepared_dir)[0]}"
            )
        try:
            with duckdb.connect() as connection:
                frame = connection.execute(f"select * from {landing_reader(paths)} limit 1").df()
        except duckdb.Error as error:  # not CSV, not Parquet, broken quoting …
            return outcome_without_data(suite, False, "error", f"unreadable file: {error}")
        frame.columns = [str(column).strip().lower() for column in frame.columns]
        return self.run(suite, frame, {"file": ", ".join(str(path) for path in paths)})

    def run_mart(self, suite: Suite, duckdb_path: Path) -> SuiteOutcome:
        """The suite's projection over a read-only connection. A warn suite on a mart larger than
        AR_GX_MAX_ROWS reads a reproducible sample; an error suite reads every row."""
        assert suite.sql is not None
        try:
            with duckdb_connection(duckdb_path, read_only=True) as connection:
                count = connection.execute(f"select count(*) from ({suite.sql})").fetchone()
                table_rows = int(count[0]) if count else 0
                sql = suite.sql
                if suite.severity == WARN and table_rows > self.max_rows:
                    sql = f"select * from ({sql}) using sample reservoir({self.max_rows} rows) repeatable (42)"
                frame = connection.execute(sql).df()
        except duckdb.Error as error:
            return outcome_without_data(suite, False, "error", f"could not read the mart: {error}")
        return self.run(
            suite, frame, {"rows_validated": len(frame), "table_rows": table_rows, "sampled": len(frame) < table_rows}
        )


def _expectation_row(result: Any) -> tuple[str, str, bool, str]:
    kwargs = result.expectation_config.kwargs
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or []) or "(table)"
    kwargs = {name: value for name, value in kwargs.items() if name not in ("column", "column_list", "batch_id")}
    described = f"{result.expectation_config.type} {kwargs}" if kwargs else result.expectation_config.type
    return described, column, bool(result.success), str((result.result or {}).get("unexpected_count", "—"))


def prune_history(folders: Iterable[Path], keep_days: int) -> None:
    """Results and their pages older than AR_GX_KEEP_DAYS go (ops.data_quality_results keeps
    every result regardless)."""
    oldest = time.time() - keep_days * 86_400
    for folder in folders:
        for result in folder.glob("validations/*/*"):  # <suite>/<run>
            if result.stat().st_mtime < oldest:
                if result.is_dir():
                    shutil.rmtree(result, ignore_errors=True)
                else:
                    result.unlink(missing_ok=True)
