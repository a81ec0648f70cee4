"""Failed deliveries are retried with backoff; failed runs and failed blocking checks are posted."""

import os
import time
from collections.abc import Sequence

import dagster as dg

from orchestration.defs.alerts.assets import ALERT_DELIVERIES_KEY
from orchestration.lib.messages import (
    FailedCheck,
    Message,
    blocking_check_incident,
    payload,
    run_failure_incident,
)
from orchestration.lib.webhooks import WebhookClient, configured_channels
from orchestration.resources import DUCKDB_WRITER_TAG, AlertSettings

RETRY_TAG = "ar/alert_retry"
SENSOR_INTERVAL_SECONDS = int(os.environ.get("AR_ALERT_SENSOR_INTERVAL_SECONDS") or 60)


def _metadata_int(entry: dg.EventLogEntry, name: str) -> int:
    materialization = entry.asset_materialization
    value = materialization.metadata.get(name) if materialization else None
    return int(value.value) if value is not None and isinstance(value.value, int) else 0


def evaluate_retry(context: dg.SensorEvaluationContext, alerting: AlertSettings, now: float) -> dg.SensorResult:
    entry = context.instance.get_latest_materialization_event(ALERT_DELIVERIES_KEY)
    if entry is None:
        return dg.SensorResult(skip_reason="No alert delivery yet.")
    if _metadata_int(entry, "pending") == 0:
        return dg.SensorResult(skip_reason="Delivered everything: nothing pending.")
    run = context.instance.get_run_by_id(entry.run_id)
    attempt = int(run.tags.get(RETRY_TAG, "0")) + 1 if run else 1
    wait = alerting.retry_wait_seconds(attempt) if _metadata_int(entry, "failed") else 0.0
    if now - entry.timestamp < wait:
        return dg.SensorResult(skip_reason=f"Retrying failed deliveries in {wait - (now - entry.timestamp):.0f}s.")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"{entry.run_id}-retry",
                asset_selection=[ALERT_DELIVERIES_KEY],
                tags={RETRY_TAG: str(attempt), DUCKDB_WRITER_TAG: "alerts"},
            )
        ]
    )


@dg.sensor(
    name="alert_retry_sensor",
    asset_selection=[ALERT_DELIVERIES_KEY],
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Materialises alerts/alert_deliveries again, with backoff, while deliveries are pending.",
)
def alert_retry_sensor(context: dg.SensorEvaluationContext, alerting: AlertSettings) -> dg.SensorResult:
    return evaluate_retry(context, alerting, time.time())


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    """Checks of the run that failed with error severity: blocking ones (Dagster stopped what
    depends on them) and dbt tests of error severity (dbt skipped what depends on them)."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    failed = []
    for record in records:
        event = record.event_log_entry.dagster_event
        evaluation = event.event_specific_data if event else None
        if (
            isinstance(evaluation, dg.AssetCheckEvaluation)
            and not evaluation.passed
            and evaluation.severity == dg.AssetCheckSeverity.ERROR
        ):
            failed.append(
                FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name, evaluation.description)
            )
    return failed


def step_failures(context: dg.RunFailureSensorContext) -> list[tuple[str, str]]:
    """(step, error) of each failed step, the error being the root cause, not Dagster's wrapper."""
    failures = []
    for event in context.get_step_failure_events():
        error = getattr(event.event_specific_data, "error", None)
        while getattr(error, "cause", None) is not None:
            error = error.cause  # type: ignore[union-attr]
        failures.append((event.step_key or "?", (error.message or "").strip() if error else event.message or ""))
    return failures


def failed_run_incident(context: dg.RunFailureSensorContext, dagster_url: str) -> Message:
    run = context.dagster_run
    checks: Sequence[FailedCheck] = failed_blocking_checks(context.instance, run.run_id)
    if checks:
        return blocking_check_incident(run.job_name, run.run_id, checks, dagster_url)
    return run_failure_incident(
        run.job_name, run.run_id, context.failure_event.message or "", step_failures(context), dagster_url
    )


def report_failed_run(context: dg.RunFailureSensorContext, alerting: AlertSettings | None = None) -> None:
    """Post a failed run (or the blocking checks that failed it) to every configured channel."""
    channels = configured_channels()
    if not channels:
        return
    alerting = alerting or AlertSettings.from_env()
    incident = failed_run_incident(context, alerting.text("ar_dagster_url"))
    run_id = context.dagster_run.run_id[:8]
    with WebhookClient(alerting.webhook_policy()) as client:
        for channel in channels:
            result = client.post(channel, payload(channel.name, incident))
            if result.ok:
                context.log.info(f"Reported the failure of run {run_id} to {channel.name}.")
            else:
                context.log.warning(f"Could not report run {run_id} to {channel.name}: {result.error}")


@dg.run_failure_sensor(
    name="failed_run_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts each failed run, or the blocking checks that failed it, to Slack / Teams.",
)
def failed_run_alerts(context: dg.RunFailureSensorContext, alerting: AlertSettings) -> None:
    context.log.error(
        f"Run {context.dagster_run.run_id} of {context.dagster_run.job_name} failed: {context.failure_event.message}"
    )
    report_failed_run(context, alerting)
