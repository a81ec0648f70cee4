"""Alerts reach people: a real HTTP receiver on 127.0.0.1 stands in for Slack and Microsoft Teams.

It checks what arrives (severity, subject, value, threshold, link), that 5xx and 429 are retried
(Retry-After honoured) and a lasting failure is recorded and retried by the next delivery, that a
second materialisation and a restart send nothing twice, that failed runs and failed blocking
checks are reported, and that the webhook URL appears in no log, no output and no warehouse row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(REPO_ROOT))

import dagster as dg  # noqa: E402
import duckdb  # noqa: E402

from orchestration.defs.alerts.assets import ALERT_DELIVERIES_KEY, alert_deliveries  # noqa: E402
from orchestration.defs.alerts.sensors import RETRY_TAG, evaluate_retry, failed_run_alerts, report_failed_run  # noqa: E402
from orchestration.lib import deliveries as deliveries_module  # noqa: E402
from orchestration.lib import messages  # noqa: E402
from orchestration.lib.deliveries import DeliveryReport, DeliveryRules, deliver_new_alerts  # noqa: E402
from orchestration.lib.serving import PUBLICATION_TABLE  # noqa: E402
from orchestration.lib.webhooks import Channel, SendResult, WebhookClient, WebhookPolicy, configured_channels  # noqa: E402
from orchestration.resources import AlertSettings, Settings  # noqa: E402

SLACK_SECRET = "T000SECRET/B000SECRET/slacktokenXYZ"
TEAMS_SECRET = "sig=teamsSignatureSECRET123"
LINK_TEMPLATE = "https://ar.example.com/exceptions/{exception_id}"


# ---------------------------------------------------------------------------------------------
# The receiver
# ---------------------------------------------------------------------------------------------


@dataclass
class Receiver:
    """Records every POST; answers with the statuses scripted per path prefix, then 200 (Slack's
    `ok`) or 202 (Teams)."""

    port: int = 0
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    arrived_at: list[float] = field(default_factory=list)
    scripts: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, prefix: str, *responses: int | tuple[int, dict[str, str]]) -> None:
        self.scripts[prefix] = [r if isinstance(r, tuple) else (r, {}) for r in responses]

    def respond_to(self, path: str) -> tuple[int, dict[str, str]]:
        with self.lock:
            for prefix, responses in self.scripts.items():
                if path.startswith(prefix) and responses:
                    return responses.pop(0) if len(responses) > 1 else responses[0]
        return (202 if path.startswith("/teams") else 200), {}

    def bodies(self, prefix: str) -> list[dict[str, Any]]:
        return [body for path, body in self.received if path.startswith(prefix)]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
            with state.lock:
                state.received.append((self.path, body))
                state.arrived_at.append(time.monotonic())
            status, headers = state.respond_to(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"server_error")

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def webhooks(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Receiver:
    monkeypatch.setenv("AR_SLACK_WEBHOOK_URL", receiver.url(f"/slack/services/{SLACK_SECRET}"))
    monkeypatch.setenv("AR_TEAMS_WEBHOOK_URL", receiver.url(f"/teams/workflows/invoke?api-version=1&{TEAMS_SECRET}"))
    monkeypatch.setenv("AR_EXCEPTION_LINK_TEMPLATE", LINK_TEMPLATE)
    monkeypatch.setenv("AR_WEBHOOK_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("AR_ALERT_SEND_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("AR_WEBHOOK_BACKOFF_SECONDS", "0")  # the waits themselves are tested with a fake sleep
    return receiver


# ---------------------------------------------------------------------------------------------
# A small warehouse and its serving copy, with the columns the marts have
# ---------------------------------------------------------------------------------------------

ALERTS_DDL = """
create schema if not exists marts;
create table marts.fct_kpi_alerts (
    alert_id varchar, exception_id varchar, rule_id varchar, rule_name_ja varchar, severity varchar,
    severity_rank integer, kpi_name varchar, subject_type varchar, subject_id varchar, subject_name varchar,
    period_grain varchar, period_start date, period_end_date date, detected_date date,
    observed_value decimal(18,4), threshold_value decimal(18,4), measured_value decimal(18,4),
    baseline_value decimal(18,4), message_ja varchar, opens_exception boolean
);
create table marts.exception_deliveries (
    exception_id varchar, alert_id varchar, channel varchar, attempted_at timestamp, status varchar, error varchar
);
"""

ALERT_ROWS: list[tuple[Any, ...]] = [
    (
        "a1" * 16,
        "EXC-a1a1a1a1a1a1",
        "overdue_ratio",
        "延滞債権比率",
        "critical",
        1,
        "overdue_ratio_pct",
        "company",
        "company",
        "全社",
        "month",
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        dt.date(2026, 10, 31),
        Decimal("28.9113"),
        Decimal("20"),
        None,
        None,
        "全社: 延滞債権比率 28.9% (延滞 155532577円 / 残高 538833700円)",
        True,
    ),
    (
        "b2" * 16,
        "EXC-b2b2b2b2b2b2",
        "dso_deterioration",
        "DSO悪化",
        "warning",
        2,
        "dso_days",
        "team",
        "東日本",
        "東日本",
        "month",
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        dt.date(2026, 10, 31),
        Decimal("7.2"),
        Decimal("5"),
        None,
        None,
        "東日本: DSOが前月比 +7.2日 悪化 (62.1日)",
        True,
    ),
    (
        "c3" * 16,
        None,
        "target_met",
        "目標達成",
        "info",
        3,
        "collection_efficiency_pct",
        "company",
        "company",
        "全社",
        "month",
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        dt.date(2026, 10, 31),
        Decimal("127.0"),
        Decimal("100"),
        None,
        None,
        "全社: 回収効率率 目標達成: 実績 101.56 / 目標 80.00 (達成率 127.0%)",
        False,
    ),
    # Detected long before the newest alert: outside the lookback, never sent.
    (
        "d4" * 16,
        "EXC-d4d4d4d4d4d4",
        "overdue_ratio",
        "延滞債権比率",
        "critical",
        1,
        "overdue_ratio_pct",
        "company",
        "company",
        "全社",
        "month",
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        dt.date(2026, 1, 31),
        Decimal("45.9"),
        Decimal("20"),
        None,
        None,
        "全社: 延滞債権比率 45.9%",
        True,
    ),
]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    warehouse, serving = tmp_path / "ar.duckdb", tmp_path / "serving.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(ALERTS_DDL)
        connection.executemany(f"insert into marts.fct_kpi_alerts values ({', '.join('?' * 20)})", ALERT_ROWS)
    publish(warehouse, serving, "run00001")
    monkeypatch.setenv("AR_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("AR_SERVING_DUCKDB_PATH", str(serving))
    return Settings.from_env()


def publish(warehouse: Path, serving: Path, run_id: str) -> None:
    """What publication.py does, in short: a copy of the marts with a record of the publication."""
    shutil.copy(warehouse, serving)
    with duckdb.connect(str(serving)) as connection:
        connection.execute(
            f"create schema if not exists publication; drop table if exists {PUBLICATION_TABLE}; "
            f"create table {PUBLICATION_TABLE} (schema_name varchar, table_name varchar, "
            "row_count bigint, published_at timestamp, run_id varchar)"
        )
        connection.execute(f"insert into {PUBLICATION_TABLE} values ('marts', 'fct_kpi_alerts', 4, now(), ?)", [run_id])


def deliveries(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        return connection.execute(
            "select alert_id, channel, status, error, exception_id from "
            "marts.exception_deliveries order by attempted_at, channel"
        ).fetchall()


def quick_rules() -> DeliveryRules:
    return DeliveryRules(send_interval_seconds=0)


def deliver(settings: Settings, log: Any = lambda message: None) -> DeliveryReport:
    """One delivery, as the asset makes it, on the policy of the environment."""
    with WebhookClient(AlertSettings.from_env().webhook_policy()) as client:
        return deliver_new_alerts(
            settings.serving_duckdb_path, settings.duckdb_path, configured_channels(), quick_rules(), client, log=log
        )


def materialise(
    settings: Settings, instance: dg.DagsterInstance, tags: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    """The alert delivery asset, as the daily batch or the retry sensor materialises it."""
    return dg.materialize(
        [alert_deliveries],
        resources={"settings": settings, "alerting": AlertSettings.from_env()},
        instance=instance,
        tags=tags,
    )


def slack_fields(body: dict[str, Any]) -> dict[str, str]:
    """Label (our mrkdwn, in bold) -> value (plain_text: the data, shown as typed)."""
    blocks = body["attachments"][0]["blocks"]
    fields = [f for block in blocks if block["type"] == "section" for f in block.get("fields", [])]
    labels, values = fields[::2], fields[1::2]
    assert {f["type"] for f in labels} == {"mrkdwn"} and {f["type"] for f in values} == {"plain_text"}
    return {label["text"].strip("*"): value["text"] for label, value in zip(labels, values, strict=True)}


def slack_button_url(body: dict[str, Any]) -> str | None:
    actions = [b for b in body["attachments"][0]["blocks"] if b["type"] == "actions"]
    return actions[0]["elements"][0]["url"] if actions else None


def teams_card(body: dict[str, Any]) -> dict[str, Any]:
    assert body["type"] == "message"
    attachment = body["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def teams_facts(card: dict[str, Any]) -> dict[str, str]:
    fact_set = next(item for item in card["body"] if item["type"] == "FactSet")
    return {fact["title"]: fact["value"] for fact in fact_set["facts"]}


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_each_alert_arrives_in_slack_and_teams_with_its_facts(webhooks: Receiver, settings: Settings) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = materialise(settings, instance)
    assert result.success
    metadata = result.asset_materializations_for_node("alerts__alert_deliveries")[0].metadata
    assert (metadata["sent"].value, metadata["failed"].value) == (6, 0), "three alerts in the lookback, two channels"

    slack = {body["text"]: body for body in webhooks.bodies("/slack")}
    critical = next(body for text, body in slack.items() if "全社: 延滞債権比率 28.9%" in text)
    assert critical["attachments"][0]["color"] == "#D32F2F"
    header = critical["attachments"][0]["blocks"][0]["text"]["text"]
    assert "重大" in header and "CRITICAL" in header and "延滞債権比率" in header
    assert slack_fields(critical) == {
        "対象 Subject": "全社",
        "実績値 Observed": "28.91%",
        "閾値 Threshold": "20%",
        "検知日 Detected": "2026-10-31",
        "期間 Period": "月次 2026-10-01 〜 2026-10-31",
        "例外ID Exception": "EXC-a1a1a1a1a1a1",
    }
    assert slack_button_url(critical) == "https://ar.example.com/exceptions/EXC-a1a1a1a1a1a1"
    warning = next(body for text, body in slack.items() if "東日本" in text)
    assert warning["attachments"][0]["color"] == "#F9A825"
    assert slack_fields(warning)["実績値 Observed"] == "7.2日"
    assert slack_fields(warning)["対象 Subject"] == "東日本 (チーム)"
    info = next(body for text, body in slack.items() if "目標達成" in text)
    assert slack_button_url(info) is None, "an info alert opens no exception, so has no link"

    cards = [teams_card(body) for body in webhooks.bodies("/teams")]
    assert len(cards) == 3 and all(card["version"] == "1.4" and card["type"] == "AdaptiveCard" for card in cards)
    card = next(card for card in cards if teams_facts(card)["例外ID Exception"] == "EXC-a1a1a1a1a1a1")
    assert card["body"][0]["style"] == "attention" and "重大" in card["body"][0]["items"][0]["text"]
    assert teams_facts(card)["実績値 Observed"] == "28.91%" and teams_facts(card)["閾値 Threshold"] == "20%"
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "例外を開く / Open exception",
            "url": "https://ar.example.com/exceptions/EXC-a1a1a1a1a1a1",
        }
    ]

    recorded = deliveries(settings)
    assert len(recorded) == 6 and {row[2] for row in recorded} == {"sent"}
    assert ("a1" * 16, "slack", "sent", None, "EXC-a1a1a1a1a1a1") in recorded
    assert not any(row[0] == "d4" * 16 for row in recorded), "outside the lookback"

    count = len(webhooks.received)
    again = materialise(settings, instance)
    assert again.success and len(webhooks.received) == count, "a second materialisation sends nothing new"
    assert again.asset_materializations_for_node("alerts__alert_deliveries")[0].metadata["already_delivered"].value == 6
    assert len(deliveries(settings)) == 6


def test_a_server_error_then_success_is_retried_and_retry_after_is_honoured(receiver: Receiver) -> None:
    channel = Channel("slack", receiver.url("/slack/hook"))
    receiver.script("/slack/hook", 500, (429, {"Retry-After": "1"}), 200)
    with WebhookClient(WebhookPolicy(max_attempts=4, backoff_seconds=0.05)) as client:
        result = client.post(channel, {"text": "x"})
        assert (result.ok, result.attempts, result.status) == (True, 3, 200)
        assert len(receiver.received) == 3
        first_wait, second_wait = (b - a for a, b in zip(receiver.arrived_at, receiver.arrived_at[1:], strict=False))
        assert first_wait < 0.9, "after a 500: urllib3's backoff (none before the first retry)"
        assert 1.0 <= second_wait < 2.5, "after a 429: the receiver's Retry-After"

        receiver.script("/slack/hook", 400)
        refused = client.post(channel, {"text": "x"})
        assert (refused.ok, refused.attempts, refused.status) == (False, 1, 400), "a 4xx is not retried"
        assert refused.error and refused.error.startswith("HTTP 400")

        receiver.script("/slack/hook", 503)
        exhausted = client.post(channel, {"text": "x"})
        assert (exhausted.ok, exhausted.attempts, exhausted.status) == (False, 4, 503), "AR_WEBHOOK_MAX_ATTEMPTS tries"


def test_a_lasting_failure_is_recorded_and_retried_with_backoff(
    webhooks: Receiver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AR_ALERT_RETRY_SECONDS", "60")
    webhooks.script("/teams", 503)
    instance = dg.DagsterInstance.ephemeral()
    alerting = AlertSettings.from_env()
    assert not evaluate_retry(dg.build_sensor_context(instance=instance), alerting, time.time()).run_requests

    assert materialise(settings, instance).success
    failed = [row for row in deliveries(settings) if row[2] == "failed"]
    assert {row[1] for row in failed} == {"teams"} and len(failed) == 3
    assert all(row[3].startswith("HTTP 503") for row in failed)

    too_soon = evaluate_retry(dg.build_sensor_context(instance=instance), alerting, time.time() + 10)
    assert not too_soon.run_requests and too_soon.skip_reason
    assert "Retrying failed deliveries in" in (too_soon.skip_reason.skip_message or "")

    webhooks.script("/teams", 202)
    retry = evaluate_retry(dg.build_sensor_context(instance=instance), alerting, time.time() + 61)
    (request,) = retry.run_requests or []
    assert request.asset_selection == [ALERT_DELIVERIES_KEY] and request.tags[RETRY_TAG] == "1"
    assert request.tags["ar/duckdb_writer"], "a retry writes the delivery record: one writer at a time"
    slack_before = len(webhooks.bodies("/slack"))
    assert materialise(settings, instance, tags=dict(request.tags)).success
    assert len(webhooks.bodies("/slack")) == slack_before, "Slack had them all: nothing resent"
    statuses = [(row[1], row[2]) for row in deliveries(settings)]
    assert statuses.count(("teams", "sent")) == 3 and statuses.count(("slack", "sent")) == 3

    settled = evaluate_retry(dg.build_sensor_context(instance=instance), alerting, time.time() + 3600)
    assert not settled.run_requests and settled.skip_reason
    assert "Delivered everything" in (settled.skip_reason.skip_message or "")
    assert [alerting.retry_wait_seconds(attempt) for attempt in (1, 2, 3, 8)] == [60, 120, 240, 3600], (
        "the wait doubles per retry, at most an hour"
    )


def test_a_restart_sends_nothing_twice(webhooks: Receiver, settings: Settings) -> None:
    assert deliver(settings).sent == 6
    count = len(webhooks.received)
    # A new process: nothing in memory, the same delivery record in the warehouse.
    script = (
        "from orchestration.lib.deliveries import DeliveryRules, deliver_new_alerts\n"
        "from orchestration.lib.webhooks import WebhookClient, configured_channels\n"
        "from orchestration.resources import AlertSettings, Settings\n"
        "settings, alerting = Settings.from_env(), AlertSettings.from_env()\n"
        "with WebhookClient(alerting.webhook_policy()) as client:\n"
        "    report = deliver_new_alerts(settings.serving_duckdb_path, settings.duckdb_path,\n"
        "                                configured_channels(), alerting.delivery_rules(), client)\n"
        "print(report.sent, report.already_delivered)\n"
    )
    restarted = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120
    )
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    assert restarted.stdout.split() == ["0", "6"]
    assert len(webhooks.received) == count
    assert SLACK_SECRET not in restarted.stdout + restarted.stderr


def test_the_webhook_url_never_appears_in_logs_output_or_the_record(
    webhooks: Receiver,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    webhooks.script("/slack", 500)
    # Teams points at a port nobody listens on: a network error, with the secret in the URL.
    monkeypatch.setenv("AR_TEAMS_WEBHOOK_URL", f"http://127.0.0.1:9/teams/{TEAMS_SECRET}")
    report = deliver(settings, log=print)
    assert report.failed == 6 and report.sent == 0
    channel = configured_channels()[0]
    assert "SECRET" not in repr(channel) and "SECRET" not in repr(configured_channels())
    output = capsys.readouterr()
    recorded = " ".join(str(row) for row in deliveries(settings))
    for text in (caplog.text, output.out, output.err, recorded):
        assert SLACK_SECRET not in text and TEAMS_SECRET not in text and "SECRET" not in text
        assert "127.0.0.1:9" not in text
    assert "Delivery to slack" in caplog.text, "the logs say what failed, by channel name"
    assert "urllib3" in caplog.text, "urllib3's own retry records were there, and redacted"
    assert messages.redact(f"boom at {channel.url} ok", [channel.url]) == "boom at <redacted-url> ok"


def test_a_channel_without_url_is_skipped(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AR_SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("AR_TEAMS_WEBHOOK_URL", "  ")
    assert configured_channels() == []
    instance = dg.DagsterInstance.ephemeral()
    result = materialise(settings, instance)
    metadata = result.asset_materializations_for_node("alerts__alert_deliveries")[0].metadata
    assert (metadata["sent"].value, metadata["pending"].value, metadata["channels"].value) == (0, 0, "none")
    assert not evaluate_retry(
        dg.build_sensor_context(instance=instance), AlertSettings.from_env(), time.time()
    ).run_requests
    assert deliveries(settings) == []


@dg.asset
def published_marts_stand_in() -> None:
    """Stands in for an asset whose blocking check fails."""


@dg.asset_check(asset=published_marts_stand_in, blocking=True)
def balances_tie_out() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR, description="AR ≠ GL")


@dg.op
def explode() -> None:
    raise RuntimeError("dbt build failed: Database Error in model fct_kpi_monthly")


@dg.job
def failing_job() -> None:
    explode()


def failure_context(instance: dg.DagsterInstance, run_id: str) -> dg.RunFailureSensorContext:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    failure = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records[0]
    event = failure.event_log_entry.dagster_event
    assert event is not None
    return dg.build_run_status_sensor_context(
        sensor_name="failed_run_alerts", dagster_event=event, dagster_instance=instance, dagster_run=run
    ).for_run_failure()


def test_failed_runs_and_failed_blocking_checks_are_reported(
    webhooks: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AR_DAGSTER_URL", "http://dagster.internal:3000/")
    instance = dg.DagsterInstance.ephemeral()
    crashed = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not crashed.success
    report_failed_run(failure_context(instance, crashed.run_id))
    slack, teams = webhooks.bodies("/slack"), webhooks.bodies("/teams")
    assert len(slack) == 1 and len(teams) == 1
    assert "実行失敗" in slack[0]["text"] and "Database Error in model fct_kpi_monthly" in slack[0]["text"]
    assert slack_button_url(slack[0]) == f"http://dagster.internal:3000/runs/{crashed.run_id}"
    assert teams_facts(teams_card(teams[0]))["ジョブ Job"] == "failing\\_job", "Teams reads markdown: `_` escaped"

    checked = dg.materialize([published_marts_stand_in, balances_tie_out], instance=instance, raise_on_error=False)
    assert not checked.success
    report_failed_run(failure_context(instance, checked.run_id))
    slack_check, teams_check = webhooks.bodies("/slack")[-1], webhooks.bodies("/teams")[-1]
    assert "ブロッキングチェック失敗" in slack_check["attachments"][0]["blocks"][0]["text"]["text"]
    assert slack_fields(slack_check)["published_marts_stand_in"] == "balances_tie_out: AR ≠ GL"
    assert teams_facts(teams_card(teams_check))["失敗件数 Failed checks"] == "1"
    assert isinstance(failed_run_alerts, dg.RunStatusSensorDefinition), "the run failure sensor posts them"


def test_a_delivery_is_given_up_after_the_maximum_failed_attempts_and_messages_are_paced(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "ar.duckdb")) as connection:
        connection.execute(ALERTS_DDL)
    record = deliveries_module.WarehouseDeliveryRecord(tmp_path / "ar.duckdb")
    fields = [ALERT_ROWS[0][i] for i in (0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18)]
    alert = messages.AlertNotice(*fields)
    channels = [Channel("slack", "http://127.0.0.1:9/never-called")]
    attempts: list[str] = []

    def refuse(channel: Channel, payload: Any, deadline: float) -> SendResult:
        attempts.append(channel.name)
        return SendResult(channel.name, False, 1, 404, "HTTP 404 Not Found: no_service")

    rules = DeliveryRules(max_failed_attempts=3, send_interval_seconds=0)
    for _ in range(4):
        report = deliveries_module.deliver_alerts([alert], channels, record, refuse, rules)
    assert len(attempts) == 3 and (report.failed, report.given_up) == (0, 1)
    with duckdb.connect(str(tmp_path / "ar.duckdb"), read_only=True) as connection:
        assert connection.execute(
            "select count(*), min(error) from marts.exception_deliveries where status = 'failed'"
        ).fetchone() == (3, "HTTP 404 Not Found: no_service")

    waits: list[float] = []
    clock = iter([0.0, 0.0, 0.2, 1.0, 5.0, 5.0]).__next__
    pacer = deliveries_module.Pacer(1.0, sleep=waits.append, clock=clock)
    for channel in ("slack", "teams", "slack", "slack"):
        pacer.wait_for(channel)
    assert waits == [pytest.approx(0.8)], "one message a second per channel; channels do not wait for each other"


HOSTILE_NAME = "<!channel> <@U123> <http://x|y> & *bold* _it_ ~del~ `code` [link](http://evil.example) {{DATE(x)}}"


def test_names_are_shown_as_typed_in_slack_and_teams(receiver: Receiver) -> None:
    """A customer name with Slack's control syntax and markdown neither pings, links nor formats."""
    fields = [ALERT_ROWS[0][i] for i in (0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18)]
    notice = dataclasses.replace(
        messages.AlertNotice(*fields),
        subject_type="customer",
        subject_id="C-1",
        subject_name=HOSTILE_NAME,
        message_ja=f"{HOSTILE_NAME}: 延滞債権比率 28.9%",
    )
    message = messages.alert_message(notice, LINK_TEMPLATE)
    with WebhookClient(WebhookPolicy(max_attempts=1)) as client:
        for name in (messages.SLACK, messages.TEAMS):
            assert client.post(Channel(name, receiver.url(f"/{name}/hook")), messages.payload(name, message)).ok
    slack, teams = webhooks_bodies(receiver)

    # Slack: the notification text is mrkdwn, so Slack's three escapes apply (worked by hand).
    assert slack["text"].startswith(
        "[重大 critical] 延滞債権比率: &lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt; &amp; *bold*"
    )
    assert "<!channel>" not in slack["text"] and "<@U123>" not in slack["text"]
    texts = list(text_objects(slack["attachments"][0]["blocks"]))
    for text in (t for t in texts if t["type"] == "mrkdwn"):
        assert not {"<", ">"} & set(text["text"]), text
        assert HOSTILE_NAME not in text["text"] and "*bold*" not in text["text"], "no data in mrkdwn"
    literal = [t for t in texts if t["type"] == "plain_text" and HOSTILE_NAME in t["text"]]
    assert len(literal) == 2 and all(t["emoji"] is False for t in literal), "body and subject, shown as typed"
    assert slack_fields(slack)["対象 Subject"] == f"{HOSTILE_NAME} (顧客)"

    # Teams: every TextBlock and Fact is markdown; CommonMark backslash escapes (worked by hand).
    escaped = (
        r"\<!channel\> \<@U123\> \<http://x\|y\> & \*bold\* \_it\_ \~del\~ \`code\` "
        r"\[link\](http://evil.example) \{\{DATE(x)\}\}"
    )
    card = teams_card(teams)
    assert teams_facts(card)["対象 Subject"] == f"{escaped} (顧客)"
    assert card["body"][1]["text"] == f"{escaped}: 延滞債権比率 28.9%"
    assert messages.teams_escape("- 一\n2. 二\n  + 三") == "\\- 一\n2\\. 二\n  \\+ 三", "list markers"
    assert messages.teams_escape("東日本 (チーム) 2026-10-31") == "東日本 (チーム) 2026-10-31", "plain text untouched"


def webhooks_bodies(receiver: Receiver) -> tuple[dict[str, Any], dict[str, Any]]:
    (slack,), (teams,) = receiver.bodies("/slack"), receiver.bodies("/teams")
    return slack, teams


def text_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every Block Kit text object (a dict with `type` plain_text or mrkdwn) under a node."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item)


# ---------------------------------------------------------------------------------------------
# Under faults: a receiver that accepts the connection and never answers
# ---------------------------------------------------------------------------------------------


@dataclass
class HangingReceiver:
    """Accepts every connection on 127.0.0.1 and never reads or answers (a webhook that hangs)."""

    port: int = 0
    accepted_at: list[float] = field(default_factory=list)
    first_accepted: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def hanging_receiver() -> Iterator[HangingReceiver]:
    state, stop, held = HangingReceiver(), threading.Event(), []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    state.port = server.getsockname()[1]

    def accept_and_sleep() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            held.append(connection)  # kept open, never read, never answered
            state.accepted_at.append(time.monotonic())
            state.first_accepted.set()

    thread = threading.Thread(target=accept_and_sleep, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        server.close()


OPEN_FOR_WRITING = """
import sys, duckdb
with duckdb.connect(sys.argv[1]) as connection:  # read-write: fails while another process holds the file
    connection.execute("create table if not exists main.lock_probe (n integer)")
    connection.execute("insert into main.lock_probe values (1)")
print("opened for writing")
"""


def test_a_webhook_that_never_answers_holds_no_lock_and_its_breaker_opens(
    webhooks: Receiver, hanging_receiver: HangingReceiver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack hangs, Teams answers. Each Slack message waits out its read timeout (not retried); after
    two in a row the breaker opens and the third alert waits for the retry sensor. While Slack hangs,
    another process opens the build file read-write."""
    monkeypatch.setenv("AR_SLACK_WEBHOOK_URL", hanging_receiver.url(f"/slack/services/{SLACK_SECRET}"))
    monkeypatch.setenv("AR_WEBHOOK_CONNECT_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("AR_WEBHOOK_TIMEOUT_SECONDS", "6")
    monkeypatch.setenv("AR_WEBHOOK_BREAKER_FAILURES", "2")
    monkeypatch.setenv("AR_ALERT_DELIVERY_MAX_SECONDS", "60")
    instance = dg.DagsterInstance.ephemeral()
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        outcome["result"] = materialise(settings, instance)
        outcome["seconds"] = time.monotonic() - started

    delivery = threading.Thread(target=run)
    delivery.start()
    assert hanging_receiver.first_accepted.wait(30), "Slack's first message reached the hanging receiver"
    probe = subprocess.run(
        [sys.executable, "-c", OPEN_FOR_WRITING, str(settings.duckdb_path)], capture_output=True, text=True, timeout=30
    )
    probed_at = time.monotonic()
    delivery.join(timeout=120)
    assert not delivery.is_alive()
    assert probe.returncode == 0 and "opened for writing" in probe.stdout, probe.stderr[-2000:]
    assert probed_at - hanging_receiver.accepted_at[0] < 6, "the probe ran while the first message hung"

    result = outcome["result"]
    assert result.success
    metadata = result.asset_materializations_for_node("alerts__alert_deliveries")[0].metadata
    assert len(hanging_receiver.accepted_at) == 2, "two messages, each tried once, then the breaker opened"
    assert (metadata["sent"].value, metadata["failed"].value, metadata["deferred_by_breaker"].value) == (3, 2, 1)
    assert (metadata["pending"].value, metadata["open_breakers"].value) == (3, "slack")
    assert 12 <= outcome["seconds"] < 25, "two read timeouts of 6 s, nothing more"
    slack_rows = [row for row in deliveries(settings) if row[1] == "slack"]
    assert [row[2] for row in slack_rows] == ["failed", "failed"]
    assert all("Read timed out" in row[3] and SLACK_SECRET not in row[3] for row in slack_rows)
    assert len(webhooks.bodies("/teams")) == 3, "Teams is not held back by Slack"

    # The retry sensor sees what is pending and asks again; Slack answers again and gets all three.
    monkeypatch.setenv("AR_ALERT_RETRY_SECONDS", "1")
    retry = evaluate_retry(dg.build_sensor_context(instance=instance), AlertSettings.from_env(), time.time() + 2)
    (request,) = retry.run_requests or []
    monkeypatch.setenv("AR_SLACK_WEBHOOK_URL", webhooks.url(f"/slack/services/{SLACK_SECRET}"))
    assert materialise(settings, instance, tags=dict(request.tags)).success
    assert len(webhooks.bodies("/slack")) == 3 and len(webhooks.bodies("/teams")) == 3
    statuses = [(row[1], row[2]) for row in deliveries(settings)]
    assert statuses.count(("slack", "sent")) == 3 and statuses.count(("teams", "sent")) == 3


def test_a_delivery_run_ends_within_its_time_bound(
    hanging_receiver: HangingReceiver, receiver: Receiver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bound 5 s, read timeout 3 s, breaker out of reach: the first message waits 3 s, the second only
    the 2 s left, the third is not sent. A 503 whose Retry-After would end past the bound is not waited for."""
    monkeypatch.delenv("AR_TEAMS_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("AR_SLACK_WEBHOOK_URL", hanging_receiver.url("/slack/hook"))
    rules = DeliveryRules(send_interval_seconds=0, breaker_failures=10, max_run_seconds=5)
    policy = WebhookPolicy(connect_timeout_seconds=1, timeout_seconds=3, max_attempts=3, backoff_seconds=0)
    started = time.monotonic()
    with WebhookClient(policy) as client:
        report = deliver_new_alerts(
            settings.serving_duckdb_path, settings.duckdb_path, configured_channels(), rules, client
        )
    seconds = time.monotonic() - started
    assert 4.5 <= seconds < 6.5, "ended at the bound, not after three read timeouts (9 s)"
    assert (report.failed, report.deferred_by_time_bound, report.pending) == (2, 1, 3)
    assert len(hanging_receiver.accepted_at) == 2
    second_wait = seconds - (hanging_receiver.accepted_at[1] - started)
    assert second_wait < 2.5, "the second message waited only for what was left of the bound"

    receiver.script("/slack/hook", (503, {"Retry-After": "10"}), 200)
    with WebhookClient(policy) as client:
        posted = time.monotonic()
        result = client.post(Channel("slack", receiver.url("/slack/hook")), {"text": "x"}, deadline=posted + 5)
    assert not result.ok and time.monotonic() - posted < 1.5, "a 10 s wait does not fit in 5 s: given up at once"
    assert len(receiver.received) == 1 and result.error and "time bound" in result.error
