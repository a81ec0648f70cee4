"""Alerts to people: each new alert of fct_kpi_alerts, once per channel; failed runs and failed
blocking checks, to the same channels.

Who does what

* `alert_delivery_sensor` (every AR_ALERT_SENSOR_INTERVAL_SECONDS) reads only the serving copy,
  never the build file (a reader there makes a starting `dbt build` fail). It requests a run of
  `alert_delivery` when a publication holds alerts not yet delivered, and again, with backoff,
  while the previous run left deliveries failed or deferred.
* `alert_delivery` (job) runs one op, `deliver_new_alerts`, in the DuckDB writer pool and with the
  writer run tag, like the dbt build: it reads the alerts from the serving copy (what passed the
  blocking checks) and the deliveries from the warehouse table `marts.exception_deliveries`, the
  record of truth, then posts what is missing and appends one row per attempt, `sent` or `failed`,
  right after each attempt.
* "New" = no `sent` row for (alert_id, channel). The record lives in the warehouse, so a restart,
  a new process or a second run reads it again and sends nothing twice; a `failed` row leaves the
  pair pending, so the next run retries it. dbt created the table (incremental, full_refresh
  false: it survives `--full-refresh`), and exception_ledger counts the attempts and failures of
  each exception at the next build.
* `report_failed_run` is registered in RUN_FAILURE_HANDLERS: the code location's run-failure
  sensor passes every failed run to it, and it posts a run failure, or the failed blocking checks
  when those are what stopped the run.

| variable                         | meaning                                                     | default |
|----------------------------------|-------------------------------------------------------------|---------|
| AR_ALERT_LOOKBACK_DAYS           | only alerts detected within this many days of the newest detection are sent (older ones stay in the ledger, unsent) | 7 |
| AR_ALERT_MIN_SEVERITY            | `info` (all), `warning` or `critical`                       | info    |
| AR_ALERT_MAX_PER_RUN             | alerts per run; the rest go in the next run, at once        | 100     |
| AR_ALERT_SEND_INTERVAL_SECONDS   | pause between two messages to one channel (Slack accepts about one a second) | 1 |
| AR_ALERT_RETRY_SECONDS           | wait before retrying failed deliveries; doubles per retry, at most 1 hour | 300 |
| AR_ALERT_MAX_FAILED_ATTEMPTS     | failed attempts after which an (alert, channel) is given up (it stays in the record and the ledger) | 24 |
| AR_ALERT_SENSOR_INTERVAL_SECONDS | how often the sensor looks                                  | 60      |

Webhook URLs and links: orchestration/notifications.py.
"""
import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import dagster as dg
import duckdb

from orchestration.assets import DUCKDB_POOL, DUCKDB_WRITER_TAG
from orchestration.notifications import (
    AlertNotice,
    Channel,
    FailedCheck,
    RetryPolicy,
    SendResult,
    alert_payload,
    blocking_check_incident,
    configured_channels,
    post_json,
    run_failure_incident,
    send_incident,
)
from orchestration.publication import PUBLICATION_TABLE
from orchestration.resources import LOCAL_TIMEZONE, CodeLocation, Settings, duckdb_connection

logger = logging.getLogger(__name__)

ALERT_DELIVERY_JOB = "alert_delivery"
ALERTS_TABLE = "marts.fct_kpi_alerts"
DELIVERIES_TABLE = "marts.exception_deliveries"
REQUEST_TAG = "ar/alert_request"
SENT = "sent"
FAILED = "failed"
SEVERITY_RANKS: Mapping[str, int] = {"critical": 1, "warning": 2, "info": 3}
RETRY_CAP_SECONDS = 3600.0

# The table dbt creates (models/marts/alerts/exception_deliveries.sql); created here only when the
# delivery runs before the first build has, with the same columns, so dbt then finds it and keeps it.
DELIVERIES_DDL = f"""
create schema if not exists marts;
create table if not exists {DELIVERIES_TABLE} (
    exception_id varchar,
    alert_id varchar not null,
    channel varchar not null,
    attempted_at timestamp not null,
    status varchar not null,
    error varchar
);
"""


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertingSettings:
    lookback_days: int = 7
    min_severity: str = "info"
    max_per_run: int = 100
    send_interval_seconds: float = 1.0
    retry_seconds: float = 300.0
    sensor_interval_seconds: int = 60
    max_failed_attempts: int = 24

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "AlertingSettings":
        environ = os.environ if environ is None else environ
        min_severity = (environ.get("AR_ALERT_MIN_SEVERITY") or "info").strip().lower()
        if min_severity not in SEVERITY_RANKS:
            raise ValueError(f"AR_ALERT_MIN_SEVERITY must be one of {', '.join(SEVERITY_RANKS)}, not {min_severity!r}")
        return cls(
            lookback_days=int(environ.get("AR_ALERT_LOOKBACK_DAYS") or 7),
            min_severity=min_severity,
            max_per_run=max(1, int(environ.get("AR_ALERT_MAX_PER_RUN") or 100)),
            send_interval_seconds=float(environ.get("AR_ALERT_SEND_INTERVAL_SECONDS") or 1.0),
            retry_seconds=float(environ.get("AR_ALERT_RETRY_SECONDS") or 300.0),
            sensor_interval_seconds=int(environ.get("AR_ALERT_SENSOR_INTERVAL_SECONDS") or 60),
            max_failed_attempts=max(1, int(environ.get("AR_ALERT_MAX_FAILED_ATTEMPTS") or 24)),
        )

    def retry_wait_seconds(self, attempt: int) -> float:
        """Wait after the attempt-th run that left failures: retry_seconds, doubling, at most an hour."""
        return min(self.retry_seconds * 2 ** max(0, attempt - 1), RETRY_CAP_SECONDS)


# ---------------------------------------------------------------------------------------------
# Reading alerts (serving copy) and the delivery record (warehouse)
# ---------------------------------------------------------------------------------------------


ALERT_COLUMNS = (
    "alert_id", "exception_id", "rule_id", "rule_name_ja", "severity", "kpi_name", "subject_type", "subject_id",
    "subject_name", "period_grain", "period_start", "period_end_date", "detected_date", "observed_value",
    "threshold_value", "message_ja",
)


def table_exists(connection: duckdb.DuckDBPyConnection, qualified_name: str) -> bool:
    schema_name, table_name = qualified_name.split(".")
    return bool(connection.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?", [schema_name, table_name]).fetchone()[0])


def read_alerts_to_send(connection: duckdb.DuckDBPyConnection, settings: AlertingSettings) -> list[AlertNotice]:
    """Alerts within the lookback and at least the minimum severity, most severe and newest first."""
    if not table_exists(connection, ALERTS_TABLE):
        return []
    severities = [severity for severity, rank in SEVERITY_RANKS.items() if rank <= SEVERITY_RANKS[settings.min_severity]]
    rows = connection.execute(
        f"""
        select {", ".join(ALERT_COLUMNS)}
        from {ALERTS_TABLE}
        where detected_date >= (select max(detected_date) from {ALERTS_TABLE}) - cast(? as integer)
            and severity in ({", ".join("?" for _ in severities)})
        order by case severity when 'critical' then 1 when 'warning' then 2 else 3 end, detected_date desc, alert_id
        """,
        [settings.lookback_days, *severities],
    ).fetchall()
    return [AlertNotice(**dict(zip(ALERT_COLUMNS, row))) for row in rows]


def read_delivered_pairs(connection: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(alert_id, channel) of every successful delivery."""
    if not table_exists(connection, DELIVERIES_TABLE):
        return set()
    rows = connection.execute(f"select distinct alert_id, channel from {DELIVERIES_TABLE} where status = ?", [SENT])
    return {(alert_id, channel) for alert_id, channel in rows.fetchall()}


def read_failed_attempts(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """Failed attempts per (alert_id, channel) never delivered."""
    if not table_exists(connection, DELIVERIES_TABLE):
        return {}
    rows = connection.execute(
        f"select alert_id, channel, count(*) from {DELIVERIES_TABLE} group by alert_id, channel "
        "having count(*) filter (where status = ?) = 0", [SENT])
    return {(alert_id, channel): count for alert_id, channel, count in rows.fetchall()}


@dataclass(frozen=True)
class DeliveryAttempt:
    """One row of marts.exception_deliveries."""

    exception_id: str | None
    alert_id: str
    channel: str
    attempted_at: dt.datetime
    status: str
    error: str | None


class DeliveryRecord(Protocol):
    def delivered(self) -> set[tuple[str, str]]: ...

    def failed_attempts(self) -> dict[tuple[str, str], int]: ...

    def record(self, attempt: DeliveryAttempt) -> None: ...


class WarehouseDeliveryRecord:
    """The delivery record in the warehouse table dbt created. Each attempt is written (and
    committed) as soon as it is made, so a crash loses at most the attempt in flight."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        connection.execute(DELIVERIES_DDL)

    def delivered(self) -> set[tuple[str, str]]:
        return read_delivered_pairs(self.connection)

    def failed_attempts(self) -> dict[tuple[str, str], int]:
        return read_failed_attempts(self.connection)

    def record(self, attempt: DeliveryAttempt) -> None:
        self.connection.execute(
            f"insert into {DELIVERIES_TABLE} (exception_id, alert_id, channel, attempted_at, status, error) "
            "values (?, ?, ?, ?, ?, ?)",
            [attempt.exception_id, attempt.alert_id, attempt.channel, attempt.attempted_at, attempt.status,
             attempt.error],
        )


def local_now_precise() -> dt.datetime:
    """Now in the warehouse's timezone without offset, to the microsecond: (alert_id, channel,
    attempted_at) is unique in the record."""
    return dt.datetime.now(LOCAL_TIMEZONE).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------
# Delivering
# ---------------------------------------------------------------------------------------------


Sender = Callable[[Channel, Mapping[str, Any]], SendResult]


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    already_delivered: int = 0
    given_up: int = 0
    deferred_alerts: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (alert_id, channel, error)

    def as_tags(self) -> dict[str, str]:
        return {"ar/alerts_sent": str(self.sent), "ar/alerts_failed": str(self.failed),
                "ar/alerts_deferred": str(self.deferred_alerts), "ar/alerts_given_up": str(self.given_up)}


class Pacer:
    """At most one message per interval to each channel."""

    def __init__(self, interval_seconds: float, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_seconds = interval_seconds
        self.sleep = sleep
        self.clock = clock
        self.last_sent: dict[str, float] = {}

    def wait_for(self, channel: str) -> None:
        previous = self.last_sent.get(channel)
        if previous is not None:
            remaining = self.interval_seconds - (self.clock() - previous)
            if remaining > 0:
                self.sleep(remaining)
        self.last_sent[channel] = self.clock()


def pending_channels(alert: AlertNotice, channels: Sequence[Channel], delivered: set[tuple[str, str]]) -> list[Channel]:
    return [channel for channel in channels if (alert.alert_id, channel.name) not in delivered]


def is_given_up(alert: AlertNotice, channel: Channel, failed_attempts: Mapping[tuple[str, str], int],
                max_failed_attempts: int) -> bool:
    return failed_attempts.get((alert.alert_id, channel.name), 0) >= max_failed_attempts


def deliver_alerts(
    alerts: Sequence[AlertNotice],
    channels: Sequence[Channel],
    record: DeliveryRecord,
    *,
    max_alerts: int = 100,
    max_failed_attempts: int = 24,
    send: Sender | None = None,
    pacer: Pacer | None = None,
    now: Callable[[], dt.datetime] = local_now_precise,
    log: Callable[[str], None] = lambda message: None,
) -> DeliveryReport:
    """Send each alert to each channel that has not received it yet, recording every attempt.

    The record is read once, here: in the writer pool nobody else writes it meanwhile.
    """
    send = send or (lambda channel, payload: post_json(channel, payload, RetryPolicy.from_env()))
    pacer = pacer or Pacer(0)
    delivered, failed_attempts = record.delivered(), record.failed_attempts()
    report = DeliveryReport()
    handled_alerts = 0
    for alert in alerts:
        missing = pending_channels(alert, channels, delivered)
        report.already_delivered += len(channels) - len(missing)
        given_up = [c for c in missing if is_given_up(alert, c, failed_attempts, max_failed_attempts)]
        report.given_up += len(given_up)
        missing = [c for c in missing if c not in given_up]
        if not missing:
            continue
        if handled_alerts >= max_alerts:
            report.deferred_alerts += 1
            continue
        handled_alerts += 1
        for channel in missing:
            pacer.wait_for(channel.name)
            result = send(channel, alert_payload(channel.name, alert))
            status = SENT if result.ok else FAILED
            record.record(DeliveryAttempt(alert.exception_id, alert.alert_id, channel.name, now(), status,
                                          None if result.ok else result.error))
            if result.ok:
                delivered.add((alert.alert_id, channel.name))
                report.sent += 1
            else:
                report.failed += 1
                report.failures.append((alert.alert_id, channel.name, result.error or ""))
                log(f"Alert {alert.alert_id} not delivered to {channel.name}: {result.error}")
    return report


def deliver_new_alerts_now(settings: Settings, alerting: AlertingSettings, channels: Sequence[Channel],
                           log: Callable[[str], None] = logger.warning, send: Sender | None = None,
                           sleep: Callable[[float], None] = time.sleep) -> DeliveryReport:
    """What the delivery op does: alerts from the serving copy, the record in the warehouse."""
    if not channels or not settings.serving_duckdb_path.exists() or not settings.duckdb_path.exists():
        return DeliveryReport()
    with duckdb_connection(settings.serving_duckdb_path, read_only=True) as serving:
        alerts = read_alerts_to_send(serving, alerting)
    if not alerts:
        return DeliveryReport()
    with duckdb_connection(settings.duckdb_path, read_only=False) as warehouse:
        return deliver_alerts(alerts, channels, WarehouseDeliveryRecord(warehouse), max_alerts=alerting.max_per_run,
                              max_failed_attempts=alerting.max_failed_attempts, send=send, pacer=Pacer(alerting.send_interval_seconds, sleep), log=log)


# ---------------------------------------------------------------------------------------------
# The sensor's decision (pure) and what it reads
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """The serving copy as the sensor sees it: which publication, and how many (alert, channel)
    pairs it shows undelivered. Its deliveries are as of the publication, so this over-counts,
    never under-counts: zero means nothing to do."""

    publication_id: str
    undelivered_pairs: int


@dataclass(frozen=True)
class DeliveryCursor:
    publication_id: str
    channels: tuple[str, ...]
    attempt: int
    request_key: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "DeliveryCursor | None":
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(data["publication_id"], tuple(data["channels"]), int(data["attempt"]), data["request_key"])
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class PreviousRun:
    """The outcome of the delivery run last requested: `in_progress`, `success` or `failure`."""

    state: str
    failed: int = 0
    deferred: int = 0
    ended_at: float | None = None


@dataclass(frozen=True)
class Decision:
    request_key: str | None
    reason: str
    cursor: DeliveryCursor | None


def request_key_of(publication_id: str, channels: Sequence[str], attempt: int) -> str:
    digest = hashlib.sha1(f"{publication_id}|{','.join(channels)}".encode()).hexdigest()[:16]
    return f"{digest}-{attempt}"


def decide_delivery(publication: Publication | None, channels: Sequence[str], cursor: DeliveryCursor | None,
                    previous: PreviousRun | None, now: float, settings: AlertingSettings) -> Decision:
    """Whether to request a delivery run now.

    A new publication (or a new set of channels) with undelivered alerts: request. The same one:
    nothing while the last run is going or when it delivered everything; at once when it deferred
    alerts past AR_ALERT_MAX_PER_RUN; after the retry wait when deliveries failed or the run did.
    """
    if not channels:
        return Decision(None, "No webhook configured (AR_SLACK_WEBHOOK_URL, AR_TEAMS_WEBHOOK_URL).", cursor)
    if publication is None:
        return Decision(None, "No serving copy yet: alerts are read from the published marts.", cursor)
    if previous is not None and previous.state == "in_progress":
        return Decision(None, "A delivery run is queued or in progress.", cursor)
    if publication.undelivered_pairs == 0:
        return Decision(None, f"Every alert of publication {publication.publication_id} is delivered.", cursor)

    def request(attempt: int, why: str) -> Decision:
        key = request_key_of(publication.publication_id, channels, attempt)
        return Decision(key, why, DeliveryCursor(publication.publication_id, tuple(channels), attempt, key))

    if cursor is None or (cursor.publication_id, cursor.channels) != (publication.publication_id, tuple(channels)):
        return request(1, f"Publication {publication.publication_id}: {publication.undelivered_pairs} undelivered.")
    if previous is None:
        return request(cursor.attempt + 1, "The last requested delivery run is not found; requesting again.")
    if previous.state == "success" and previous.failed == 0 and previous.deferred == 0:
        return Decision(None, f"Delivered everything of publication {publication.publication_id}.", cursor)
    if previous.state == "success" and previous.failed == 0:
        return request(cursor.attempt + 1, f"{previous.deferred} alerts deferred by AR_ALERT_MAX_PER_RUN.")
    wait = settings.retry_wait_seconds(cursor.attempt)
    waited = now - (previous.ended_at or now)
    if waited < wait:
        return Decision(None, f"Retrying failed deliveries in {wait - waited:.0f}s.", cursor)
    return request(cursor.attempt + 1, f"Retrying {previous.failed or 'the'} failed deliveries.")


def read_publication(serving_path: Path, channels: Sequence[str], settings: AlertingSettings) -> Publication | None:
    """What the serving copy says; None when there is none yet."""
    if not serving_path.exists():
        return None
    with duckdb_connection(serving_path, read_only=True) as serving:
        publication_id = _publication_id(serving, serving_path)
        alerts = read_alerts_to_send(serving, settings)
        delivered = read_delivered_pairs(serving)
    undelivered = sum(1 for alert in alerts for channel in channels if (alert.alert_id, channel) not in delivered)
    return Publication(publication_id, undelivered)


def _publication_id(serving: duckdb.DuckDBPyConnection, serving_path: Path) -> str:
    if table_exists(serving, PUBLICATION_TABLE):
        row = serving.execute(f"select max(run_id), max(published_at) from {PUBLICATION_TABLE}").fetchone()
        if row and row[0]:
            return f"{row[0][:8]}@{row[1]:%Y%m%dT%H%M%S}"
    stat = serving_path.stat()
    return f"file@{stat.st_mtime_ns}-{stat.st_size}"


def previous_run(instance: dg.DagsterInstance, request_key: str) -> PreviousRun | None:
    records = instance.get_run_records(dg.RunsFilter(tags={REQUEST_TAG: request_key}), limit=1)
    if not records:
        return None
    record = records[0]
    run = record.dagster_run
    if not run.is_finished:
        return PreviousRun("in_progress")
    state = "success" if run.status == dg.DagsterRunStatus.SUCCESS else "failure"
    return PreviousRun(state, int(run.tags.get("ar/alerts_failed", "0")), int(run.tags.get("ar/alerts_deferred", "0")),
                       record.end_time)


# ---------------------------------------------------------------------------------------------
# Dagster: the job, the sensor, the failure handler
# ---------------------------------------------------------------------------------------------


@dg.op(name="deliver_new_alerts", pool=DUCKDB_POOL,
       description="Posts each alert of the serving copy not yet delivered to Slack / Teams and records every "
                   "attempt in marts.exception_deliveries.")
def deliver_new_alerts(context: dg.OpExecutionContext, settings: dg.ResourceParam[Settings]) -> dg.Output[dict]:
    alerting = AlertingSettings.from_env()
    channels = configured_channels()
    report = deliver_new_alerts_now(settings, alerting, channels, log=context.log.warning)
    context.instance.add_run_tags(context.run_id, report.as_tags())
    context.log.info(f"Sent {report.sent}, failed {report.failed}, already delivered {report.already_delivered}, "
                     f"deferred alerts {report.deferred_alerts} (channels: {', '.join(c.name for c in channels) or 'none'})")
    if report.given_up:
        context.log.error(f"{report.given_up} deliveries given up after {alerting.max_failed_attempts} failed attempts "
                          "each: see marts.exception_deliveries (status failed) for the errors.")
    summary = {"sent": report.sent, "failed": report.failed, "already_delivered": report.already_delivered,
               "deferred_alerts": report.deferred_alerts, "given_up": report.given_up}
    return dg.Output(summary, metadata={**summary, "channels": ", ".join(c.name for c in channels)})


@dg.job(name=ALERT_DELIVERY_JOB, tags={DUCKDB_WRITER_TAG: "alerts"},
        description="Delivers new alerts to Slack and Teams; writes marts.exception_deliveries, so it is a "
                    "DuckDB writer like the build (one at a time).")
def alert_delivery() -> None:
    deliver_new_alerts()


def build_alert_sensor(alerting: AlertingSettings) -> dg.SensorDefinition:
    @dg.sensor(
        name="alert_delivery_sensor",
        job=alert_delivery,
        minimum_interval_seconds=alerting.sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests a delivery run when the serving copy holds alerts not yet sent to a configured "
                    "channel, and retries failed deliveries with backoff.",
    )
    def alert_delivery_sensor(context: dg.SensorEvaluationContext, settings: dg.ResourceParam[Settings]):
        return evaluate_alert_sensor(context, settings, AlertingSettings.from_env(), time.time())

    return alert_delivery_sensor


def evaluate_alert_sensor(context: dg.SensorEvaluationContext, settings: Settings, alerting: AlertingSettings,
                          now: float) -> dg.SensorResult:
    channels = [channel.name for channel in configured_channels()]
    cursor = DeliveryCursor.from_json(context.cursor)
    publication = read_publication(settings.serving_duckdb_path, channels, alerting) if channels else None
    previous = previous_run(context.instance, cursor.request_key) if cursor else None
    decision = decide_delivery(publication, channels, cursor, previous, now, alerting)
    new_cursor = decision.cursor.to_json() if decision.cursor else context.cursor
    if decision.request_key is None:
        return dg.SensorResult(skip_reason=decision.reason, cursor=new_cursor)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=decision.request_key, tags={REQUEST_TAG: decision.request_key})],
        cursor=new_cursor,
    )


def failed_blocking_checks(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    """Checks of the run that failed with error severity: blocking ones (Dagster stopped what depends on
    them) and dbt tests of error severity (dbt skipped what depends on them)."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.ERROR:
            continue
        failed.append(FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name, evaluation.description))
    return failed


def step_failures(context: dg.RunFailureSensorContext) -> list[tuple[str, str]]:
    """(step, error) of each failed step, the error being the root cause, not Dagster's wrapper."""
    failures = []
    for event in context.get_step_failure_events():
        error = getattr(event.event_specific_data, "error", None)
        failures.append((event.step_key or "?", root_cause(error) if error else event.message or ""))
    return failures


def root_cause(error: Any) -> str:
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return (error.message or "").strip()


def incident_of_failed_run(job_name: str, run_id: str, message: str, steps: Sequence[tuple[str, str]],
                           checks: Sequence[FailedCheck]):
    if checks:
        return blocking_check_incident(job_name, run_id, checks)
    return run_failure_incident(job_name, run_id, message, steps)


def report_failed_run(context: dg.RunFailureSensorContext) -> None:
    """Post a failed run (or the blocking checks that failed it) to every configured channel."""
    channels = configured_channels()
    if not channels:
        return
    run = context.dagster_run
    incident = incident_of_failed_run(run.job_name, run.run_id, context.failure_event.message or "",
                                      step_failures(context), failed_blocking_checks(context.instance, run.run_id))
    for result in send_incident(incident, channels):
        if result.ok:
            context.log.info(f"Reported the failure of run {run.run_id[:8]} to {result.channel}.")
        else:
            context.log.warning(f"Could not report run {run.run_id[:8]} to {result.channel}: {result.error}")


RUN_FAILURE_HANDLERS: tuple[Callable[[dg.RunFailureSensorContext], None], ...] = (report_failed_run,)


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(jobs=[alert_delivery], sensors=[build_alert_sensor(AlertingSettings.from_env())])


__all__: Iterable[str] = (
    "ALERT_DELIVERY_JOB", "AlertingSettings", "RUN_FAILURE_HANDLERS", "build_definitions", "deliver_alerts",
    "decide_delivery", "evaluate_alert_sensor", "report_failed_run",
)
