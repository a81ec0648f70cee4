"""Data-quality checks: dbt tests and Great Expectations suites, each an asset check.

* dbt tests (source tests included) become asset checks through dagster-dbt; the translator's
  settings switch that on, and assets.py records their results.
* Great Expectations (GX Core 1.x) suites run here, each in an asset check with a severity:
  `error` suites are blocking (a failure stops what depends on the asset in the run, and the
  publication refuses to publish while one's latest result is a failure); `warn` suites
  report only.

  landing (before dbt)  gx_<system>_<table>_structure  error  the file is there if required,
                                                              its required columns exist,
                                                              a required file has rows
                        gx_<system>_<table>_values     warn   required values present, dates,
                                                              amounts and numbers parse, codes
                                                              in their lists, keys unique
  marts (after dbt)     gx_<mart>_integrity            error  keys present and unique, the
                                                              balance identities hold
                        gx_<mart>_ranges               warn   KPIs and amounts in plausible
                                                              ranges

  Landing suites are derived from the landing contract (the dbt source YAML), so the contract
  stays written once. Staging remains the authority for each row: a value the values suite
  flags is quarantined there with its reason, and the suite's failure is an early, per-file
  warning that also counts in the error rate.

GX has no working DuckDB SQL data source (through duckdb-engine every expectation fails with an
empty result), so suites validate pandas DataFrames: landing files read by DuckDB as dbt reads
them, marts read over a read-only DuckDB connection, both with only the columns the suite needs.
Every result, pass or fail, is appended to ops.data_quality_results and rendered into GX Data
Docs (AR_GX_DOCS_DIR) made readable offline.
"""

import html
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb

from orchestration.assets import DUCKDB_POOL, LandingFile, landing_files, landing_reader
from orchestration.resources import (
    CheckOutcome,
    CodeLocation,
    Settings,
    duckdb_connection,
    local_now,
    record_check_outcomes,
)

if TYPE_CHECKING:
    import great_expectations.expectations as gxe
    import pandas as pd

# GX takes seconds to import: only the check steps import it (gx(), gx_expectations()), not
# every process that loads the code location. It must never reach the network.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def gx() -> Any:
    import great_expectations

    return great_expectations


def gx_expectations() -> Any:
    """great_expectations.expectations, imported when a suite is built."""
    import great_expectations.expectations as module

    return module


ERROR = dg.AssetCheckSeverity.ERROR
WARN = dg.AssetCheckSeverity.WARN

ExpectationBuilder = Callable[["pd.DataFrame"], "list[gxe.Expectation]"]


@dataclass(frozen=True)
class Suite:
    """One GX expectation suite, run as one asset check of the same name."""

    name: str
    asset_key: dg.AssetKey
    severity: dg.AssetCheckSeverity
    description: str
    expectations: ExpectationBuilder = field(compare=False)

    @property
    def is_blocking(self) -> bool:
        return self.severity == ERROR

    def check_spec(self) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(
            name=self.name,
            asset=self.asset_key,
            description=f"[{self.severity.value.lower()}] {self.description}",
            blocking=self.is_blocking,
            metadata={"severity": self.severity.value, "engine": "great_expectations"},
        )


# ---------------------------------------------------------------------------------------------
# Landing suites, derived from the landing contract (dbt source YAML)
# ---------------------------------------------------------------------------------------------

# What "parses" means for each contract type, as staging's parse macros accept it.
PARSE_PATTERNS: Mapping[str, str] = {
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "timestamp": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$",
    "decimal": r"^[+-]?\d+(\.\d{1,2})?$",
    "integer": r"^[+-]?\d+$",
    "boolean": r"(?i)^(true|false|1|0|yes|no)$",
    "corporate_number": r"^\d{13}$",
    "currency": r"^[A-Z]{3}$",
}


@dataclass(frozen=True)
class ContractColumn:
    name: str
    data_type: str | None
    is_required: bool
    accepted_values: tuple[str, ...]


@dataclass(frozen=True)
class LandingContract:
    landing_file: LandingFile
    columns: tuple[ContractColumn, ...]
    unique_key: tuple[str, ...]

    @property
    def required_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.is_required]


def _meta(node: Mapping[str, Any]) -> Mapping[str, Any]:
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


def landing_contracts(manifest: Mapping[str, Any]) -> list[LandingContract]:
    sources = {(s["source_name"], s["name"]): s for s in manifest["sources"].values()}
    contracts = []
    for landing_file in landing_files(manifest):
        source = sources[(landing_file.system, landing_file.table)]
        columns = tuple(
            ContractColumn(
                name=name,
                data_type=column.get("data_type"),
                is_required=bool(_meta(column).get("required")),
                accepted_values=tuple(str(value) for value in _meta(column).get("accepted_values") or ()),
            )
            for name, column in source["columns"].items()
        )
        contracts.append(LandingContract(landing_file, columns, tuple(_meta(source).get("unique_key") or ())))
    return contracts


def structure_suite(contract: LandingContract) -> Suite:
    landing_file = contract.landing_file

    def build(frame: "pd.DataFrame") -> "list[gxe.Expectation]":
        gxe = gx_expectations()
        found: list[Any] = [gxe.ExpectColumnToExist(column=name) for name in contract.required_columns]
        if landing_file.is_required:
            found.append(gxe.ExpectTableRowCountToBeBetween(min_value=1))
        return found

    return Suite(
        name=f"gx_{landing_file.system}_{landing_file.table}_structure",
        asset_key=landing_file.asset_key,
        severity=ERROR,
        description=(
            f"{landing_file.relative_stem}: "
            + ("the file has landed and has rows; " if landing_file.is_required else "")
            + "every required column of the landing contract is in its header."
        ),
        expectations=build,
    )


def values_suite(contract: LandingContract) -> Suite:
    landing_file = contract.landing_file

    def build(frame: "pd.DataFrame") -> "list[gxe.Expectation]":
        gxe = gx_expectations()
        present = set(frame.columns)
        found: list[Any] = []
        for column in (c for c in contract.columns if c.name in present):
            if column.is_required:
                found.append(gxe.ExpectColumnValuesToNotBeNull(column=column.name))
            if column.accepted_values:
                found.append(gxe.ExpectColumnValuesToBeInSet(column=column.name, value_set=list(column.accepted_values)))
            elif column.data_type in PARSE_PATTERNS:
                found.append(gxe.ExpectColumnValuesToMatchRegex(column=column.name, regex=PARSE_PATTERNS[column.data_type]))
        key = [name for name in contract.unique_key if name in present]
        if key and len(key) == len(contract.unique_key):
            if len(key) == 1:
                found.append(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
            else:
                found.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=key))
        return found

    return Suite(
        name=f"gx_{landing_file.system}_{landing_file.table}_values",
        asset_key=landing_file.asset_key,
        severity=WARN,
        description=(
            f"{landing_file.relative_stem}: required values present, dates, amounts and numbers parse, "
            "codes in their accepted lists, the key unique. Staging quarantines each such row."
        ),
        expectations=build,
    )


def read_landing_frame(contract: LandingContract, landing_dir: Path) -> "pd.DataFrame | None":
    """The contract columns present in the file, as text trimmed the way staging trims it, or
    None when the file has not landed."""
    path = contract.landing_file.find(landing_dir)
    if path is None:
        return None
    reader = landing_reader(path)
    with duckdb.connect() as connection:
        header = {row[0].strip().lower(): row[0] for row in connection.execute(f"describe select * from {reader}").fetchall()}
        projections = ["row_number() over () as _row_number"]
        for column in contract.columns:
            if column.name not in header:
                continue
            value = f"nullif(trim(cast({_quote(header[column.name])} as varchar)), '')"
            if column.accepted_values:
                value = f"lower({value})"
            elif column.data_type == "currency":
                value = f"upper({value})"
            projections.append(f"{value} as {_quote(column.name)}")
        return connection.execute(f"select {', '.join(projections)} from {reader}").df()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# Mart suites
# ---------------------------------------------------------------------------------------------

# A balance identity holds to the yen; amounts are decimal(38, 2), so anything beyond half a
# sen is a real difference.
TOLERANCE = 0.005


def _zero(gxe: Any, column: str) -> "gxe.Expectation":
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=-TOLERANCE, max_value=TOLERANCE)


def _percent(gxe: Any, column: str, maximum: float = 100) -> "gxe.Expectation":
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=maximum)


@dataclass(frozen=True)
class MartSuite:
    """A suite on a mart: the columns it reads (a projection, identities computed there) and
    the expectations on them."""

    suite: Suite
    sql: str


def _mart_suite(model: str, kind: str, severity: dg.AssetCheckSeverity, description: str, sql: str,
                build: Callable[[Any], "list[gxe.Expectation]"]) -> MartSuite:
    return MartSuite(
        suite=Suite(
            name=f"gx_{model}_{kind}",
            asset_key=dg.AssetKey(["marts", model]),
            severity=severity,
            description=description,
            expectations=lambda frame: build(gx_expectations()),
        ),
        sql=sql,
    )


ROLL_FORWARD = "ending_ar - (beginning_ar + net_credit_sales - collections - fees_deducted - write_offs)"
OVERDUE_SPLIT = "ending_overdue_ar - (ending_ar - ending_current_ar)"

MART_SUITES: tuple[MartSuite, ...] = (
    _mart_suite(
        "fct_invoices", "integrity", ERROR,
        "Each invoice once, with its customer; open = invoiced − credited − collected − fees − written off.",
        """
        select
            invoice_id,
            customer_key,
            document_type,
            open_amount - (invoiced_amount - credited_amount - collected_amount
                - fees_deducted_amount - written_off_amount) as open_amount_unexplained
        from marts.fct_invoices
        """,
        lambda gxe: [
            gxe.ExpectColumnValuesToNotBeNull(column="invoice_id"),
            gxe.ExpectColumnValuesToBeUnique(column="invoice_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="customer_key"),
            gxe.ExpectColumnValuesToBeInSet(column="document_type", value_set=["invoice", "credit_note"]),
            _zero(gxe, "open_amount_unexplained"),
        ],
    ),
    _mart_suite(
        "fct_invoices", "ranges", WARN,
        "Amounts carry their sign; days past due are 0 to 10 years.",
        """
        select invoiced_amount, credited_amount, fees_deducted_amount, written_off_amount, days_past_due
        from marts.fct_invoices
        """,
        lambda gxe: [
            gxe.ExpectColumnValuesToBeBetween(column="invoiced_amount", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="credited_amount", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="fees_deducted_amount", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="written_off_amount", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="days_past_due", min_value=0, max_value=3660),
        ],
    ),
    _mart_suite(
        "fct_ar_monthly", "integrity", ERROR,
        "One row per customer and month; ending AR = beginning + net credit sales − collections − fees − "
        "write-offs; overdue = ending − current.",
        f"""
        select
            customer_key,
            month_start,
            {ROLL_FORWARD} as ending_ar_unexplained,
            {OVERDUE_SPLIT} as overdue_ar_unexplained
        from marts.fct_ar_monthly
        """,
        lambda gxe: [
            gxe.ExpectColumnValuesToNotBeNull(column="customer_key"),
            gxe.ExpectColumnValuesToNotBeNull(column="month_start"),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_key", "month_start"]),
            _zero(gxe, "ending_ar_unexplained"),
            _zero(gxe, "overdue_ar_unexplained"),
        ],
    ),
    _mart_suite(
        "fct_ar_monthly", "ranges", WARN,
        "Debtor counts are 0 or 1 per customer; what was unpaid at due date never exceeds what fell due.",
        """
        select delinquent_debtor_count, debtors_in_scope_count, due_invoice_amount, unpaid_at_due_amount
        from marts.fct_ar_monthly
        """,
        lambda gxe: [
            gxe.ExpectColumnValuesToBeInSet(column="delinquent_debtor_count", value_set=[0, 1]),
            gxe.ExpectColumnValuesToBeInSet(column="debtors_in_scope_count", value_set=[0, 1]),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="due_invoice_amount", column_B="unpaid_at_due_amount", or_equal=True
            ),
        ],
    ),
    _mart_suite(
        "fct_kpi_monthly", "integrity", ERROR,
        "One row per month; the company AR roll-forward and the overdue split hold; a period has 1–31 days.",
        f"""
        select
            month_start,
            days_in_period,
            {ROLL_FORWARD} as ending_ar_unexplained,
            {OVERDUE_SPLIT} as overdue_ar_unexplained
        from marts.fct_kpi_monthly
        """,
        lambda gxe: [
            gxe.ExpectColumnValuesToNotBeNull(column="month_start"),
            gxe.ExpectColumnValuesToBeUnique(column="month_start"),
            gxe.ExpectColumnValuesToBeBetween(column="days_in_period", min_value=1, max_value=31),
            _zero(gxe, "ending_ar_unexplained"),
            _zero(gxe, "overdue_ar_unexplained"),
        ],
    ),
    _mart_suite(
        "fct_kpi_monthly", "ranges", WARN,
        "Ratios within 0–100 % (collection efficiency up to 200 %), DSO and ADD within a year.",
        """
        select cei_pct, overdue_ratio_pct, late_payment_ratio_pct, delinquent_debtor_pct,
               uncollected_rate_pct, collection_efficiency_pct, dso_days, average_days_delinquent
        from marts.fct_kpi_monthly
        """,
        lambda gxe: [
            _percent(gxe, "cei_pct"),
            _percent(gxe, "overdue_ratio_pct"),
            _percent(gxe, "late_payment_ratio_pct"),
            _percent(gxe, "delinquent_debtor_pct"),
            _percent(gxe, "uncollected_rate_pct"),
            _percent(gxe, "collection_efficiency_pct", maximum=200),
            gxe.ExpectColumnValuesToBeBetween(column="dso_days", min_value=0, max_value=366),
            gxe.ExpectColumnValuesToBeBetween(column="average_days_delinquent", min_value=-366, max_value=366),
        ],
    ),
)


def read_mart_frame(mart_suite: MartSuite, settings: Settings) -> "tuple[pd.DataFrame, int]":
    """The suite's projection of the mart over a read-only connection, and the mart's row count.

    A warn suite on a mart larger than AR_GX_MAX_ROWS reads a reproducible sample; an error suite
    always reads every row (its identities must hold for all of them).
    """
    with duckdb_connection(settings.duckdb_path, read_only=True) as connection:
        table_rows = int(connection.execute(f"select count(*) from ({mart_suite.sql})").fetchone()[0])
        sql = mart_suite.sql
        if mart_suite.suite.severity == WARN and table_rows > settings.gx_max_rows:
            sql = f"select * from ({sql}) using sample reservoir({settings.gx_max_rows} rows) repeatable (42)"
        return connection.execute(sql).df(), table_rows


# ---------------------------------------------------------------------------------------------
# Running a suite with GX
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuiteOutcome:
    suite: Suite
    passed: bool
    status: str
    failed_rows: int | None
    metadata: Mapping[str, Any]
    docs_page: Path | None = None

    def ledger_row(self) -> CheckOutcome:
        return CheckOutcome(
            check_name=self.suite.name,
            severity=self.suite.severity.value.lower(),
            status=self.status,
            failed_rows=self.failed_rows,
            asset_key=self.suite.asset_key.to_user_string(),
            check_source="great_expectations",
        )

    def check_result(self) -> dg.AssetCheckResult:
        metadata = dict(self.metadata)
        if self.docs_page is not None:
            metadata["gx_data_docs"] = dg.MetadataValue.path(str(self.docs_page))
        if self.failed_rows is not None:
            metadata["failed_rows"] = self.failed_rows
        return dg.AssetCheckResult(
            asset_key=self.suite.asset_key,
            check_name=self.suite.name,
            passed=self.passed,
            severity=self.suite.severity,
            metadata=metadata,
        )


def gx_context(settings: Settings) -> Any:
    """An ephemeral GX context (suites live in this module) whose stores and Data Docs are files:
    results accumulate across runs for auditors. Nothing is fetched: no analytics, no updates."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        FilesystemStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=FilesystemStoreBackendDefaults(root_directory=str(settings.gx_dir)),
        data_docs_sites={
            "ar_data_docs": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(settings.gx_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx().get_context(project_config=config, mode="ephemeral")


class SuiteRunner:
    """Runs suites on DataFrames in one GX context and renders their results as Data Docs."""

    def __init__(self, settings: Settings, run_id: str) -> None:
        self.settings = settings
        self.run_id = run_id
        self.context = gx_context(settings)
        self.datasource = self.context.data_sources.add_pandas("ar_frames")
        self.rendered: list[Any] = []

    def run(self, suite: Suite, frame: "pd.DataFrame", metadata: Mapping[str, Any] | None = None) -> SuiteOutcome:
        batch_definition = self.datasource.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("all_rows")
        gx_suite = self.context.suites.add_or_update(
            gx().ExpectationSuite(name=suite.name, expectations=suite.expectations(frame),
                                meta={"severity": suite.severity.value, "asset": suite.asset_key.to_user_string()})
        )
        validation = self.context.validation_definitions.add_or_update(
            gx().ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        checkpoint = self.context.checkpoints.add_or_update(
            gx().Checkpoint(name=suite.name, validation_definitions=[validation], actions=[],
                          result_format={"result_format": "SUMMARY"})
        )
        run = checkpoint.run(batch_parameters={"dataframe": frame},
                             run_id=gx().RunIdentifier(run_name=f"dagster-{self.run_id[:8]}"))
        (identifier, result), = run.run_results.items()
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        self.rendered += [identifier, ExpectationSuiteIdentifier(name=suite.name)]
        outcome = outcome_of(suite, result, row_count=len(frame), metadata=metadata or {})
        return replace(outcome, docs_page=self._page_of(identifier))

    def _page_of(self, identifier: Any) -> Path:
        url = self.context.get_docs_sites_urls(resource_identifier=identifier, only_if_exists=False)[0]["site_url"]
        return Path(url.removeprefix("file://"))

    def render_docs(self, outcomes: Sequence[SuiteOutcome]) -> None:
        """Data Docs for this run's results, made readable offline, the offline index, and the
        history pruned to AR_GX_KEEP_DAYS."""
        if not self.rendered:
            return
        self.context.build_data_docs(resource_identifiers=self.rendered, build_index=False)
        docs = self.settings.gx_docs_dir
        for page in {self._page_of(identifier) for identifier in self.rendered}:
            if page.exists():
                page.write_text(offline_html(page.read_text(encoding="utf-8"), page, docs), encoding="utf-8")
        for stylesheet in (docs / "static").rglob("*.css"):
            stylesheet.write_text(strip_remote_urls(stylesheet.read_text(encoding="utf-8")), encoding="utf-8")
        prune_history(self.settings)
        append_docs_log(docs, outcomes, self.run_id)
        write_docs_index(docs)


def prune_history(settings: Settings) -> None:
    """Validation results and their pages older than AR_GX_KEEP_DAYS go: each run adds about
    2 MB. (ops.data_quality_results keeps every result regardless.)"""
    oldest = time.time() - settings.gx_keep_days * 86_400
    for validations in (settings.gx_docs_dir / "validations", settings.gx_dir / "uncommitted" / "validations"):
        for run_folder in validations.glob("*/*"):  # <suite>/<run name>
            if run_folder.is_dir() and run_folder.stat().st_mtime < oldest:
                shutil.rmtree(run_folder, ignore_errors=True)


def outcome_of(suite: Suite, result: Any, row_count: int, metadata: Mapping[str, Any]) -> SuiteOutcome:
    """Pass/fail, the failed expectations and the rows that broke them (for a table-level
    expectation such as a missing column, every row)."""
    failed = [r for r in result.results if not r.success]
    raised = [r for r in result.results if (r.exception_info or {}).get("raised_exception")]
    failed_rows = sum(int((r.result or {}).get("unexpected_count", row_count) or 0) for r in failed)
    stats = result.statistics
    summary = {
        "severity": suite.severity.value,
        "evaluated_expectations": int(stats["evaluated_expectations"]),
        "successful_expectations": int(stats["successful_expectations"]),
        "rows_validated": row_count,
        **metadata,
    }
    if failed:
        summary["failed_expectations"] = dg.MetadataValue.md(_failed_table(failed))
    return SuiteOutcome(
        suite=suite,
        passed=bool(result.success),
        status="error" if raised else ("pass" if result.success else "fail"),
        failed_rows=failed_rows,
        metadata=summary,
    )


def _failed_table(failed: Iterable[Any]) -> str:
    lines = ["| expectation | column | unexpected rows |", "|---|---|---|"]
    for r in failed:
        kwargs = r.expectation_config.kwargs
        column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or []) or "(table)"
        lines.append(f"| {r.expectation_config.type} | {column} | {(r.result or {}).get('unexpected_count', '—')} |")
    return "\n".join(lines)


def outcome_without_data(suite: Suite, passed: bool, status: str, reason: str) -> SuiteOutcome:
    """A suite that had nothing to validate: an absent file, a mart that could not be read."""
    return SuiteOutcome(suite=suite, passed=passed, status=status, failed_rows=None,
                        metadata={"severity": suite.severity.value, "reason": reason})


# ---------------------------------------------------------------------------------------------
# GX Data Docs, readable offline
# ---------------------------------------------------------------------------------------------
# GX pages load Bootstrap, jQuery, Font Awesome and Vega from CDNs and the logo from S3, which
# auditors' machines cannot reach (and which would be a request to the internet each time a page
# opens). Every remote stylesheet, script and image is removed; the pages are static HTML tables,
# readable with the small stylesheet below inlined into each page. The index GX builds is
# filled by JavaScript from a CDN, so an index of plain links replaces it.

_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(https?:)?//[^>]*>", re.I)
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(https?:)?//[^>]*>\s*</script>", re.I)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?(https?:)?//[^>]*>", re.I)
_REMOTE_URL = re.compile(r"url\(\s*[\"']?(https?:)?//[^)]*\)", re.I)
_REMOTE_IMPORT = re.compile(r"@import\s+[^;]*(https?:)?//[^;]*;", re.I)
_FOOTER = re.compile(r"<footer\b.*?</footer>", re.I | re.S)  # GX's newsletter link
_OFFLINE_MARK = "<!-- ar: offline -->"

OFFLINE_CSS = """
body { font-family: -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", Meiryo, sans-serif;
       font-size: 14px; color: #212529; margin: 0; }
a { color: #0b5cad; }
nav.navbar { padding: .5rem 1rem; border-bottom: 1px solid #dee2e6; }
.container-fluid { padding: 1rem 2rem; }
.row { display: flex; flex-wrap: wrap; }
.col-12 { flex: 0 0 100%; max-width: 100%; }
.col-6 { flex: 0 0 50%; max-width: 50%; }
.col-lg-2, .col-md-2 { flex: 0 0 18%; max-width: 18%; }
.col-lg-10, .col-md-10 { flex: 0 0 80%; max-width: 80%; }
.d-none { display: none; } .d-md-block { display: block; } .d-md-inline-flex { display: inline-flex; }
.collapse, .tab-pane, .fade { display: block !important; opacity: 1; }
table { border-collapse: collapse; margin: .5rem 0; }
td, th { border: 1px solid #dee2e6; padding: .25rem .5rem; vertical-align: top; text-align: left; }
thead[hidden] { display: none; }
.card { border: 1px solid #dee2e6; border-radius: 4px; margin-bottom: 1rem; }
.card-header { background: #f7f7f9; padding: .5rem; border-bottom: 1px solid #dee2e6; }
.card-body { padding: .75rem; }
.alert-secondary { background: #e2e3e5; padding: .75rem 1rem; border-radius: 4px; }
.badge { display: inline-block; padding: .1em .4em; border-radius: 3px; background: #e9ecef; }
.text-success { color: #1e7e34; } .text-danger { color: #c82333; } .text-warning { color: #b8860b; }
.fa-check-circle::before { content: "\\2714  "; } .fa-times::before, .fa-times-circle::before { content: "\\2718  "; }
.fa-exclamation-triangle::before { content: "\\26A0  "; } .fa-question-circle::before { content: "?"; }
.btn-group, .ge-walkthrough-modal, .modal { display: none; }
ul.nav, ol.breadcrumb { list-style: none; padding-left: 0; }
.breadcrumb-item { display: inline; margin-right: .5rem; }
pre, code { white-space: pre-wrap; }
tr.fail td.status { color: #c82333; font-weight: bold; } tr.pass td.status { color: #1e7e34; }
"""


def strip_remote_urls(css: str) -> str:
    return _REMOTE_IMPORT.sub("", _REMOTE_URL.sub("none", css))


def offline_html(text: str, page: Path, docs_root: Path) -> str:
    """A GX page with nothing to fetch from the network, styled by an inlined stylesheet."""
    if _OFFLINE_MARK in text:
        return text
    text = _REMOTE_LINK.sub("", text)
    text = _REMOTE_SCRIPT.sub("", text)
    text = _INLINE_SCRIPT.sub("", text)
    text = _FOOTER.sub("", text)
    logo = os.path.relpath(docs_root / "static" / "images" / "logo-long.png", page.parent)
    text = _REMOTE_IMG.sub(f'<img src="{logo}" alt="Great Expectations" style="height: 40px">', text)
    text = strip_remote_urls(text)
    style = f"{_OFFLINE_MARK}\n<style>{OFFLINE_CSS}</style>\n"
    if re.search(r"<head[^>]*>", text, re.I):
        return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n" + style, text, count=1, flags=re.I)
    return style + text


DOCS_LOG = "validations.jsonl"
INDEX_ENTRIES = 2000


def append_docs_log(docs_root: Path, outcomes: Sequence[SuiteOutcome], run_id: str) -> None:
    checked_at = local_now().isoformat(sep=" ")
    with (docs_root / DOCS_LOG).open("a", encoding="utf-8") as log:
        for outcome in outcomes:
            page = os.path.relpath(outcome.docs_page, docs_root) if outcome.docs_page else None
            log.write(json.dumps({
                "checked_at": checked_at, "check": outcome.suite.name, "asset": outcome.suite.asset_key.to_user_string(),
                "severity": outcome.suite.severity.value.lower(), "status": outcome.status,
                "failed_rows": outcome.failed_rows, "page": page, "run_id": run_id,
            }, ensure_ascii=False) + "\n")


def write_docs_index(docs_root: Path) -> None:
    """index.html: the latest results first, each linking to its GX page, then the suites."""
    log_path = docs_root / DOCS_LOG
    lines = [line for line in log_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(lines) > 2 * INDEX_ENTRIES:  # the log only feeds this index: keep what it shows
        lines = lines[-INDEX_ENTRIES:]
        log_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = []
    for entry in reversed([json.loads(line) for line in lines[-INDEX_ENTRIES:]]):
        name = html.escape(entry["check"])
        page = entry.get("page")
        link = f'<a href="{html.escape(page)}">{name}</a>' if page and (docs_root / page).exists() else name
        rows.append(
            f'<tr class="{"pass" if entry["status"] == "pass" else "fail"}"><td>{html.escape(entry["checked_at"])}</td>'
            f'<td>{link}</td><td>{html.escape(entry["asset"])}</td><td>{entry["severity"]}</td>'
            f'<td class="status">{entry["status"]}</td><td>{entry["failed_rows"] if entry["failed_rows"] is not None else ""}</td>'
            f'<td>{html.escape(entry["run_id"][:8])}</td></tr>'
        )
    suites = sorted((docs_root / "expectations").glob("*.html")) if (docs_root / "expectations").exists() else []
    suite_links = "".join(
        f'<li><a href="expectations/{html.escape(page.name)}">{html.escape(page.stem)}</a></li>' for page in suites
    )
    (docs_root / "index.html").write_text(
        f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{_OFFLINE_MARK}
<title>Data quality — Great Expectations results</title><style>{OFFLINE_CSS}</style></head>
<body><div class="container-fluid">
<h1>Data quality: Great Expectations results</h1>
<p>Suites on the landing files (before dbt) and on the key marts (after). Severity <b>error</b>
blocks publication of the serving copy; <b>warn</b> reports only. dbt's own tests are in the dbt
docs and, with these, in <code>ops.data_quality_results</code>. Latest first.</p>
<table><thead><tr><th>checked at (Asia/Tokyo)</th><th>suite</th><th>asset</th><th>severity</th><th>status</th>
<th>failed rows</th><th>Dagster run</th></tr></thead><tbody>
{"".join(rows)}
</tbody></table>
<h2>Expectation suites</h2><ul>{suite_links}</ul>
</div></body></html>
""",
        encoding="utf-8",
    )


# ---------------------------------------------------------------------------------------------
# The asset checks
# ---------------------------------------------------------------------------------------------


def run_landing_suites(
    suites: Sequence[Suite], contracts: Mapping[dg.AssetKey, LandingContract], settings: Settings, runner: SuiteRunner
) -> Iterator[SuiteOutcome]:
    frames: dict[dg.AssetKey, "pd.DataFrame | duckdb.Error | None"] = {}
    for suite in suites:
        contract = contracts[suite.asset_key]
        if suite.asset_key not in frames:
            try:
                frames[suite.asset_key] = read_landing_frame(contract, settings.prepared_landing_dir)
            except duckdb.Error as error:  # not CSV, not Parquet, broken quoting …
                frames[suite.asset_key] = error
        frame = frames[suite.asset_key]
        if isinstance(frame, duckdb.Error):
            yield outcome_without_data(suite, passed=False, status="error", reason=f"unreadable file: {frame}")
            continue
        if frame is None:  # the structure suite fails a missing required file; nothing else can
            expected = contract.landing_file.candidates(settings.prepared_landing_dir)[0]
            is_required = contract.landing_file.is_required
            fails = is_required and suite.is_blocking
            yield outcome_without_data(
                suite, passed=not fails, status="fail" if fails else "pass",
                reason=f"{'required file missing' if is_required else 'optional file absent'}: {expected}",
            )
            continue
        yield runner.run(suite, frame, {"file": str(contract.landing_file.find(settings.prepared_landing_dir))})


def run_mart_suites(mart_suites: Sequence[MartSuite], settings: Settings, runner: SuiteRunner) -> Iterator[SuiteOutcome]:
    for mart_suite in mart_suites:
        try:
            frame, table_rows = read_mart_frame(mart_suite, settings)
        except duckdb.Error as error:
            yield outcome_without_data(mart_suite.suite, passed=False, status="error", reason=f"could not read the mart: {error}")
            continue
        yield runner.run(mart_suite.suite, frame, {"table_rows": table_rows, "sampled": len(frame) < table_rows})


def finish(outcomes: list[SuiteOutcome], runner: SuiteRunner, settings: Settings, run_id: str) -> Iterator[dg.AssetCheckResult]:
    """Record every outcome in the ledger and the Data Docs, then report them to Dagster."""
    record_check_outcomes(settings, [outcome.ledger_row() for outcome in outcomes], run_id)
    runner.render_docs(outcomes)
    for outcome in outcomes:
        yield outcome.check_result()


def _selected(suites: Iterable[Suite], context: dg.AssetCheckExecutionContext) -> list[Suite]:
    selected = context.selected_asset_check_keys
    return [suite for suite in suites if dg.AssetCheckKey(suite.asset_key, suite.name) in selected]


def landing_suites_of(contracts: Iterable[LandingContract]) -> list[Suite]:
    return [suite for contract in contracts for suite in (structure_suite(contract), values_suite(contract))]


def blocking_gx_checks(location: CodeLocation) -> set[dg.AssetCheckKey]:
    """The error-severity suites, landing and marts, as check keys (the publication's audit)."""
    suites = [*landing_suites_of(landing_contracts(location.manifest)), *(m.suite for m in MART_SUITES)]
    return {dg.AssetCheckKey(suite.asset_key, suite.name) for suite in suites if suite.is_blocking}


def build_landing_checks(location: CodeLocation) -> dg.AssetChecksDefinition:
    contracts = {contract.landing_file.asset_key: contract for contract in landing_contracts(location.manifest)}
    suites = landing_suites_of(contracts.values())

    @dg.multi_asset_check(
        name="landing_suites",
        specs=[suite.check_spec() for suite in suites],
        can_subset=True,
        pool=DUCKDB_POOL,
        description="Great Expectations suites on the landing files, before dbt reads them.",
    )
    def landing_suites(context: dg.AssetCheckExecutionContext, settings: dg.ResourceParam[Settings]):
        runner = SuiteRunner(settings, context.run.run_id)
        outcomes = list(run_landing_suites(_selected(suites, context), contracts, settings, runner))
        yield from finish(outcomes, runner, settings, context.run.run_id)

    return landing_suites


def build_mart_checks() -> dg.AssetChecksDefinition:
    by_suite = {mart_suite.suite: mart_suite for mart_suite in MART_SUITES}

    @dg.multi_asset_check(
        name="mart_suites",
        specs=[mart_suite.suite.check_spec() for mart_suite in MART_SUITES],
        can_subset=True,
        pool=DUCKDB_POOL,
        description="Great Expectations suites on the key marts, after dbt built them.",
    )
    def mart_suites(context: dg.AssetCheckExecutionContext, settings: dg.ResourceParam[Settings]):
        runner = SuiteRunner(settings, context.run.run_id)
        selected = [by_suite[suite] for suite in _selected(by_suite, context)]
        outcomes = list(run_mart_suites(selected, settings, runner))
        yield from finish(outcomes, runner, settings, context.run.run_id)

    return mart_suites


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(asset_checks=[build_landing_checks(location), build_mart_checks()])
