"""Settings as Dagster resources (fields named after their environment variables), and what features share."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from pydantic import Field

from orchestration.lib.dbt_project import DBT_EXECUTABLE, load_manifest
from orchestration.lib.deliveries import DeliveryRules
from orchestration.lib.messages import DEFAULT_DAGSTER_URL, DEFAULT_EXCEPTION_LINK_TEMPLATE
from orchestration.lib.serving import DEFAULT_PARQUET_CODEC, DEFAULT_STORAGE_VERSION, ServingFormats
from orchestration.lib.warehouse import REPO_ROOT, duckdb_connection, is_lock_conflict
from orchestration.lib.webhooks import WebhookPolicy

__all__ = ["REPO_ROOT", "AlertSettings", "CodeLocation", "Settings", "duckdb_connection", "load_code_location"]

# One writer at a time on the DuckDB file: every op that opens it joins this pool, whose limit is 1
# (orchestration/dagster_home/dagster.yaml). Runs started by the schedule and the sensors also
# carry DUCKDB_WRITER_TAG, limited to one run at a time by the run queue.
DUCKDB_POOL = "ar_duckdb"
DUCKDB_WRITER_TAG = "ar/duckdb_writer"
# Transient failures (the file locked by a reader beyond the profile's own waits) are retried; a
# failing test or a compile error is not (step_failure raises those with allow_retries=False).
TRANSIENT_RETRY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)


def step_failure(message: str) -> Exception:
    """A plain error, which the step's RetryPolicy retries, when the DuckDB file is locked beyond
    the waits; a final dagster Failure otherwise, since retrying cannot fix it."""
    if is_lock_conflict(Exception(message)):
        return RuntimeError(f"The DuckDB file is locked by another process; retrying. {message}")
    return dg.Failure(description=message, allow_retries=False)


class _EnvSettings(dg.ConfigurableResource):
    """Each field is the variable of its name upper-cased (`ar_duckdb_path`: AR_DUCKDB_PATH)."""

    @classmethod
    def from_env(cls) -> Self:
        """Each field from its variable (the field's name upper-cased) when set, else its default."""
        return cls(**{name: dg.EnvVar(name.upper()) for name in cls.model_fields if os.environ.get(name.upper())})

    def text(self, name: str) -> str:
        """A field's text, an unresolved EnvVar read (outside a run, e.g. at load), blank = default."""
        value = getattr(self, name)
        if isinstance(value, dg.EnvVar):
            value = value.get_value()
        return str(value or "") or str(type(self).model_fields[name].default or "")

    def path(self, name: str) -> Path:
        path = Path(self.text(name))
        return path if path.is_absolute() else REPO_ROOT / path


class Settings(_EnvSettings):
    """Where things are: the landing folder, the warehouse, the serving copy, dbt and GX (README: Settings)."""

    ar_landing_dir: str = Field("sample/landing", description="landing folder, <dir>/<system>/<table>.csv|parquet")
    ar_prepared_dir: str = Field("warehouse/landing", description="its prepared UTF-8 copies, which dbt reads")
    ar_landing_encoding: str = Field("", description="one encoding for every landing CSV (unset: detected)")
    ar_duckdb_path: str = Field("warehouse/ar.duckdb", description="the warehouse file dbt builds")
    ar_dbt_target_path: str = Field("target", description="dbt manifest and run artifacts")
    ar_serving_duckdb_path: str = Field("warehouse/serving.duckdb", description="published copy for BI tools")
    ar_serving_parquet_dir: str = Field("warehouse/parquet", description="published Parquet, <dir>/current/<mart>")
    ar_serving_storage_version: str = Field(
        DEFAULT_STORAGE_VERSION, description="DuckDB storage format of the serving file (v1.0.0: DuckDB 1.x reads it)"
    )
    ar_serving_parquet_codec: str = Field(DEFAULT_PARQUET_CODEC, description="Parquet compression of the serving copy")
    ar_serving_masked_duckdb_path: str = Field(
        "warehouse/serving_masked.duckdb", description="the PII-masked copy, written when AR_PII_HMAC_KEY is set"
    )
    ar_serving_mask_people: str = Field("true", description="masked copy: pseudonymise collectors' names too")
    ar_gx_dir: str = Field("warehouse/gx", description="Great Expectations results history")
    ar_gx_docs_dir: str = Field("", description="GX Data Docs (unset: <AR_DBT_TARGET_PATH>/gx_docs)")
    ar_gx_max_rows: str = Field("1000000", description="rows above which a warn suite samples")
    ar_gx_keep_days: str = Field("90", description="days of GX results and pages kept")
    ar_landing_settle_seconds: str = Field("30", description="a landing file must be unchanged this long to count")

    @property
    def landing_dir(self) -> Path:
        return self.path("ar_landing_dir")

    @property
    def prepared_landing_dir(self) -> Path:
        return self.path("ar_prepared_dir")

    @property
    def landing_encoding(self) -> str | None:
        return self.text("ar_landing_encoding") or None

    @property
    def duckdb_path(self) -> Path:
        return self.path("ar_duckdb_path")

    @property
    def dbt_target_path(self) -> Path:
        return self.path("ar_dbt_target_path")

    @property
    def serving_duckdb_path(self) -> Path:
        return self.path("ar_serving_duckdb_path")

    @property
    def serving_parquet_dir(self) -> Path:
        return self.path("ar_serving_parquet_dir")

    @property
    def serving_masked_duckdb_path(self) -> Path:
        return self.path("ar_serving_masked_duckdb_path")

    @property
    def serving_mask_people(self) -> bool:
        return self.text("ar_serving_mask_people").strip().lower() not in ("false", "0", "no", "off")

    @property
    def serving_formats(self) -> ServingFormats:
        return ServingFormats(
            self.text("ar_serving_storage_version").strip(), self.text("ar_serving_parquet_codec").strip().lower()
        )

    @property
    def gx_dir(self) -> Path:
        return self.path("ar_gx_dir")

    @property
    def gx_docs_dir(self) -> Path:
        return self.path("ar_gx_docs_dir") if self.text("ar_gx_docs_dir") else self.dbt_target_path / "gx_docs"

    @property
    def gx_max_rows(self) -> int:
        return int(self.text("ar_gx_max_rows"))

    @property
    def gx_keep_days(self) -> int:
        return int(self.text("ar_gx_keep_days"))

    @property
    def landing_settle_seconds(self) -> float:
        return float(self.text("ar_landing_settle_seconds"))


class AlertSettings(_EnvSettings):
    """How alerts reach people (README: Alerts and reports). The webhook URLs are no field: they are
    secrets, read from the environment when a message is sent (lib/webhooks.py)."""

    ar_alert_lookback_days: str = Field("7", description="send alerts detected this many days before the newest")
    ar_alert_min_severity: str = Field("info", description="info (all), warning or critical")
    ar_alert_max_per_run: str = Field("100", description="alerts per delivery; the rest go in the next, at once")
    ar_alert_send_interval_seconds: str = Field("1", description="pause between two messages to one channel")
    ar_alert_retry_seconds: str = Field("300", description="wait before retrying failed deliveries; doubles, ≤ 1 h")
    ar_alert_max_failed_attempts: str = Field(
        "24", description="failed attempts before an (alert, channel) is given up"
    )
    ar_alert_delivery_max_seconds: str = Field("300", description="time bound of one delivery run; the rest waits")
    ar_webhook_breaker_failures: str = Field(
        "3", description="failed messages in a row after which a channel is left alone for the run"
    )
    ar_webhook_connect_timeout_seconds: str = Field("5", description="connect timeout of one HTTP request")
    ar_webhook_timeout_seconds: str = Field("10", description="read timeout of one HTTP request (not retried)")
    ar_webhook_max_attempts: str = Field("4", description="tries per message on 429, 5xx and network errors")
    ar_webhook_backoff_seconds: str = Field("1", description="urllib3's backoff factor (a Retry-After wins)")
    ar_exception_link_template: str = Field(DEFAULT_EXCEPTION_LINK_TEMPLATE, description="link to an exception")
    ar_dagster_url: str = Field(DEFAULT_DAGSTER_URL, description="the Dagster UI, for links to failed runs")

    def delivery_rules(self) -> DeliveryRules:
        return DeliveryRules(
            lookback_days=int(self.text("ar_alert_lookback_days")),
            min_severity=self.text("ar_alert_min_severity").strip().lower(),
            max_per_run=max(1, int(self.text("ar_alert_max_per_run"))),
            max_failed_attempts=max(1, int(self.text("ar_alert_max_failed_attempts"))),
            send_interval_seconds=float(self.text("ar_alert_send_interval_seconds")),
            link_template=self.text("ar_exception_link_template"),
            breaker_failures=max(1, int(self.text("ar_webhook_breaker_failures"))),
            max_run_seconds=float(self.text("ar_alert_delivery_max_seconds")),
        )

    def webhook_policy(self) -> WebhookPolicy:
        return WebhookPolicy(
            connect_timeout_seconds=float(self.text("ar_webhook_connect_timeout_seconds")),
            timeout_seconds=float(self.text("ar_webhook_timeout_seconds")),
            max_attempts=max(1, int(self.text("ar_webhook_max_attempts"))),
            backoff_seconds=float(self.text("ar_webhook_backoff_seconds")),
        )

    def retry_wait_seconds(self, attempt: int) -> float:
        """Wait after the attempt-th delivery that left failures: doubling, at most an hour."""
        return min(float(self.text("ar_alert_retry_seconds")) * 2 ** max(0, attempt - 1), 3600.0)


@dataclass(frozen=True, eq=False)  # by identity: features cache what they build from one location
class CodeLocation:
    """What every feature of the code location is built from, at load."""

    settings: Settings
    project: DbtProject
    manifest: dict[str, Any]


def load_code_location(settings: Settings) -> CodeLocation:
    project = DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT, target_path=settings.dbt_target_path)
    return CodeLocation(settings, project, load_manifest(REPO_ROOT, settings.dbt_target_path))


def dbt_resource(project: DbtProject) -> DbtCliResource:
    return DbtCliResource(project_dir=project, profiles_dir=os.fspath(REPO_ROOT), dbt_executable=DBT_EXECUTABLE)
