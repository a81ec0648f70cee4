"""Alert delivery: each alert of fct_kpi_alerts once per channel, "new" read from marts.exception_deliveries."""

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
    """The delivery record in the warehouse table dbt created."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection
        connection.execute(DELIVERIES_DDL)

    def attempts(self) -> tuple[set[tuple[str, str]], dict[tuple[str, str], int]]:
        """(alert_id, channel) delivered, and the failed attempts of those never delivered."""
        rows = self.connection.execute(
            f"select alert_id, channel, count(*) filter (where status = ?), count(*) from {DELIVERIES_TABLE} "
            "group by alert_id, channel",
            [SENT],
        ).fetchall()
        delivered = {(alert_id, channel) for alert_id, channel, sent, _ in rows if sent}
        return delivered, {(alert_id, channel): count for alert_id, channel, sent, count in rows if not sent}

    def record(self, attempt: DeliveryAttempt) -> None:
        self.connection.execute(
            f"insert into {DELIVERIES_TABLE} (exception_id, alert_id, channel, attempted_at, status, error) "
            "values (?, ?, ?, ?, ?, ?)",
            list(dataclasses.astuple(attempt)),
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    already_delivered: int = 0
    given_up: int = 0
    deferred_alerts: int = 0

    @property
    def pending(self) -> int:
        """What the next delivery has left to do: failed pairs still tried and deferred alerts."""
        return self.failed + self.deferred_alerts


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


Sender = Callable[[Channel, Mapping[str, Any]], SendResult]


def deliver_alerts(
    alerts: Sequence[AlertNotice],
    channels: Sequence[Channel],
    record: WarehouseDeliveryRecord,
    send: Sender,
    rules: DeliveryRules,
    pacer: Pacer | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> DeliveryReport:
    """Send each alert to each channel that has not received it yet, recording every attempt.
    The record is read once, here: in the writer pool nobody else writes it meanwhile."""
    pacer = pacer or Pacer(rules.send_interval_seconds)
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
            pacer.wait_for(channel.name)
            result = send(channel, payload(channel.name, alert_message(alert, rules.link_template)))
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
            if result.ok:
                report.sent += 1
            else:
                report.failed += 1
                log(f"Alert {alert.alert_id} not delivered to {channel.name}: {result.error}")
    return report


def deliver_new_alerts(
    serving_path: Path,
    duckdb_path: Path,
    channels: Sequence[Channel],
    rules: DeliveryRules,
    client: WebhookClient,
    log: Callable[[str], None] = lambda message: None,
) -> DeliveryReport:
    """Alerts from the serving copy, the record in the warehouse, messages through the client."""
    if not channels or not serving_path.exists() or not duckdb_path.exists():
        return DeliveryReport()
    with duckdb_connection(serving_path, read_only=True) as serving:
        alerts = read_alerts_to_send(serving, rules)
    if not alerts:
        return DeliveryReport()
    with duckdb_connection(duckdb_path, read_only=False) as warehouse:
        return deliver_alerts(alerts, channels, WarehouseDeliveryRecord(warehouse), client.post, rules, log=log)
