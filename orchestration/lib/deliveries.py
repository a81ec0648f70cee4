"""Alert delivery: each alert of fct_kpi_alerts once per channel, "new" read from marts.exception_deliveries.

No connection to the build file is open while a message is sent: the record is read, the file
closed, and each attempt written in a connection of its own, so a receiver that never answers
cannot hold the warehouse's write lock. A channel that keeps failing is left alone for the rest of
the run (its circuit breaker opens), and the run stops sending at its time bound; what is left is
pending for the retry sensor."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from orchestration.lib.messages import DEFAULT_EXCEPTION_LINK_TEMPLATE, AlertNotice, alert_message, payload
from orchestration.lib.warehouse import duckdb_connection, local_now, table_exists
from orchestration.lib.webhooks import Channel, SendResult, WebhookClient

ALERTS_TABLE = "marts.fct_kpi_alerts"
DELIVERIES_TABLE = "marts.exception_deliveries"
SENT, FAILED = "sent", "failed"
SEVERITY_RANKS: Mapping[str, int] = {"critical": 1, "warning": 2, "info": 3}
ALERT_COLUMNS = tuple(column.name for column in dataclasses.fields(AlertNotice))  # of marts.fct_kpi_alerts
# The table dbt creates (models/alerting/exception_deliveries.sql); created here only when the
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


@dataclass(frozen=True)
class DeliveryRules:
    lookback_days: int = 7
    min_severity: str = "info"
    max_per_run: int = 100
    max_failed_attempts: int = 24
    send_interval_seconds: float = 1.0
    link_template: str = DEFAULT_EXCEPTION_LINK_TEMPLATE
    breaker_failures: int = 3  # consecutive failed messages that open a channel's circuit breaker
    max_run_seconds: float = 300.0  # a delivery sends nothing after this

    def __post_init__(self) -> None:
        if self.min_severity not in SEVERITY_RANKS:
            raise ValueError(
                f"AR_ALERT_MIN_SEVERITY must be one of {', '.join(SEVERITY_RANKS)}, not {self.min_severity!r}"
            )


def read_alerts_to_send(connection: duckdb.DuckDBPyConnection, rules: DeliveryRules) -> list[AlertNotice]:
    """Alerts within the lookback and at least the minimum severity, most severe and newest first."""
    if not table_exists(connection, ALERTS_TABLE):
        return []
    severities = [severity for severity, rank in SEVERITY_RANKS.items() if rank <= SEVERITY_RANKS[rules.min_severity]]
    rows = connection.execute(
        f"""
        select {", ".join(ALERT_COLUMNS)}
        from {ALERTS_TABLE}
        where detected_date >= (select max(detected_date) from {ALERTS_TABLE}) - cast(? as integer)
            and severity in ({", ".join("?" for _ in severities)})
        order by case severity when 'critical' then 1 when 'warning' then 2 else 3 end, detected_date desc, alert_id
        """,
        [rules.lookback_days, *severities],
    ).fetchall()
    return [AlertNotice(**dict(zip(ALERT_COLUMNS, row, strict=True))) for row in rows]


@dataclass(frozen=True)
class DeliveryAttempt:
    """One row of marts.exception_deliveries."""

    exception_id: str | None
    alert_id: str
    channel: str
    attempted_at: dt.datetime
    status: str
    error: str | None


class WarehouseDeliveryRecord:
    """The delivery record in the warehouse table dbt created, each read and write in a connection
    of its own, closed at once: between them the build file is free for anyone to open."""

    def __init__(self, duckdb_path: Path) -> None:
        self.duckdb_path = duckdb_path

    def attempts(self) -> tuple[set[tuple[str, str]], dict[tuple[str, str], int]]:
        """(alert_id, channel) delivered, and the failed attempts of those never delivered."""
        with duckdb_connection(self.duckdb_path, read_only=False) as connection:
            connection.execute(DELIVERIES_DDL)
            rows = connection.execute(
                f"select alert_id, channel, count(*) filter (where status = ?), count(*) from {DELIVERIES_TABLE} "
                "group by alert_id, channel",
                [SENT],
            ).fetchall()
        delivered = {(alert_id, channel) for alert_id, channel, sent, _ in rows if sent}
        return delivered, {(alert_id, channel): count for alert_id, channel, sent, count in rows if not sent}

    def record(self, attempt: DeliveryAttempt) -> None:
        with duckdb_connection(self.duckdb_path, read_only=False) as connection:
            connection.execute(
                f"insert into {DELIVERIES_TABLE} (exception_id, alert_id, channel, attempted_at, status, error) "
                "values (?, ?, ?, ?, ?, ?)",
                list(dataclasses.astuple(attempt)),
            )


class CircuitBreakers:
    """One breaker per channel: it opens after `failures` consecutive failed messages and stays open
    for the rest of the run; a delivered message closes the count again."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.consecutive: dict[str, int] = {}

    def is_open(self, channel: str) -> bool:
        return self.consecutive.get(channel, 0) >= self.failures

    def observe(self, channel: str, ok: bool) -> None:
        self.consecutive[channel] = 0 if ok else self.consecutive.get(channel, 0) + 1

    def opened(self) -> list[str]:
        return sorted(channel for channel in self.consecutive if self.is_open(channel))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    already_delivered: int = 0
    given_up: int = 0
    deferred_alerts: int = 0  # beyond max_per_run
    deferred_by_breaker: int = 0  # (alert, channel) pairs of a channel whose breaker opened
    deferred_by_time_bound: int = 0  # (alert, channel) pairs left when the run reached max_run_seconds
    open_breakers: str = ""  # the channels whose breaker opened, comma-separated

    @property
    def pending(self) -> int:
        """What the next delivery has left to do: failed pairs still tried and deferred ones."""
        return self.failed + self.deferred_alerts + self.deferred_by_breaker + self.deferred_by_time_bound


class Pacer:
    """At most one message per interval to each channel (Slack accepts about one a second)."""

    def __init__(
        self,
        interval_seconds: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_seconds, self.sleep, self.clock = interval_seconds, sleep, clock
        self.last_sent: dict[str, float] = {}

    def wait_for(self, channel: str) -> None:
        previous = self.last_sent.get(channel)
        if previous is not None and (remaining := self.interval_seconds - (self.clock() - previous)) > 0:
            self.sleep(remaining)
        self.last_sent[channel] = self.clock()


Sender = Callable[[Channel, Mapping[str, Any], float], SendResult]  # the last argument: the deadline


def deliver_alerts(
    alerts: Sequence[AlertNotice],
    channels: Sequence[Channel],
    record: WarehouseDeliveryRecord,
    send: Sender,
    rules: DeliveryRules,
    pacer: Pacer | None = None,
    log: Callable[[str], None] = lambda message: None,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryReport:
    """Send each alert to each channel that has not received it yet, recording every attempt as it
    is made. The record is read once, here: in the writer pool nobody else writes it meanwhile."""
    pacer = pacer or Pacer(rules.send_interval_seconds)
    deadline = clock() + rules.max_run_seconds
    breakers = CircuitBreakers(rules.breaker_failures)
    delivered, failed_attempts = record.attempts()
    report = DeliveryReport()
    handled = 0
    for alert in alerts:
        missing = [channel for channel in channels if (alert.alert_id, channel.name) not in delivered]
        report.already_delivered += len(channels) - len(missing)
        pending = [c for c in missing if failed_attempts.get((alert.alert_id, c.name), 0) < rules.max_failed_attempts]
        report.given_up += len(missing) - len(pending)
        if not pending:
            continue
        if handled >= rules.max_per_run:
            report.deferred_alerts += 1
            continue
        handled += 1
        for channel in pending:
            if breakers.is_open(channel.name):
                report.deferred_by_breaker += 1
                continue
            pacer.wait_for(channel.name)
            if clock() >= deadline:
                report.deferred_by_time_bound += 1
                continue
            result = send(channel, payload(channel.name, alert_message(alert, rules.link_template)), deadline)
            record.record(
                DeliveryAttempt(
                    alert.exception_id,
                    alert.alert_id,
                    channel.name,
                    local_now(precise=True),
                    SENT if result.ok else FAILED,
                    None if result.ok else result.error,
                )
            )
            breakers.observe(channel.name, result.ok)
            if result.ok:
                report.sent += 1
                continue
            report.failed += 1
            log(f"Alert {alert.alert_id} not delivered to {channel.name}: {result.error}")
            if breakers.is_open(channel.name):
                log(
                    f"{channel.name}: {rules.breaker_failures} messages in a row failed; nothing more is sent "
                    "to it in this run, its other alerts wait for the retry."
                )
    report.open_breakers = ", ".join(breakers.opened())
    if report.deferred_by_time_bound:
        log(
            f"Stopped at the run's time bound ({rules.max_run_seconds:g}s): "
            f"{report.deferred_by_time_bound} deliveries wait for the retry."
        )
    return report


def deliver_new_alerts(
    serving_path: Path,
    duckdb_path: Path,
    channels: Sequence[Channel],
    rules: DeliveryRules,
    client: WebhookClient,
    log: Callable[[str], None] = lambda message: None,
) -> DeliveryReport:
    """Alerts from the serving copy, the record in the warehouse, messages through the client;
    no connection to either file is open while a message is on its way."""
    if not channels or not serving_path.exists() or not duckdb_path.exists():
        return DeliveryReport()
    with duckdb_connection(serving_path, read_only=True) as serving:
        alerts = read_alerts_to_send(serving, rules)
    if not alerts:
        return DeliveryReport()
    return deliver_alerts(alerts, channels, WarehouseDeliveryRecord(duckdb_path), client.post, rules, log=log)
