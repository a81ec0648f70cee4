"""Alerts reach people: a real HTTP receiver on 127.0.0.1 stands in for Slack and Microsoft Teams.

It checks what arrives (severity, subject, value, threshold, link), that 5xx and 429 are retried
and a lasting failure is recorded and retried on the next tick, that a restart sends nothing
twice, that failed runs and failed blocking checks are reported, and that the webhook URL appears
in no log, no output and no warehouse row."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
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

from orchestration import alerting, notifications  # noqa: E402
from orchestration.alerting import (  # noqa: E402
    AlertingSettings,
    DeliveryCursor,
    Publication,
    PreviousRun,
    alert_delivery,
    decide_delivery,
    deliver_new_alerts_now,
    evaluate_alert_sensor,
    report_failed_run,
)
from orchestration.notifications import Channel, RetryPolicy, configured_channels, post_json  # noqa: E402
from orchestration.publication import PUBLICATION_TABLE  # noqa: E402
from orchestration.resources import Settings  # noqa: E402

SLACK_SECRET = "T000SECRET/B000SECRET/slacktokenXYZ"
TEAMS_SECRET = "sig=teamsSignatureSECRET123"
LINK_TEMPLATE = "https://ar.example.com/exceptions/{exception_id}"
NO_WAIT = RetryPolicy(timeout_seconds=5, max_attempts=3, backoff_base_seconds=0, backoff_cap_seconds=0)


# ---------------------------------------------------------------------------------------------
# The receiver
# ---------------------------------------------------------------------------------------------


@dataclass
class Receiver:
    """Records every POST; answers with the statuses scripted per path prefix, then 200 (Slack's
    `ok`) or 202 (Teams)."""

    port: int = 0
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
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

ALERT_ROWS = [
    ("a1" * 16, "EXC-a1a1a1a1a1a1", "overdue_ratio", "延滞債権比率", "critical", 1, "overdue_ratio_pct", "company",
     "company", "全社", "month", dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 31),
     Decimal("28.9113"), Decimal("20"), None, None,
     "全社: 延滞債権比率 28.9% (延滞 155532577円 / 残高 538833700円)", True),
    ("b2" * 16, "EXC-b2b2b2b2b2b2", "dso_deterioration", "DSO悪化", "warning", 2, "dso_days", "team", "東日本",
     "東日本", "month", dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 31),
     Decimal("7.2"), Decimal("5"), None, None, "東日本: DSOが前月比 +7.2日 悪化 (62.1日)", True),
    ("c3" * 16, None, "target_met", "目標達成", "info", 3, "collection_efficiency_pct", "company", "company", "全社",
     "month", dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 10, 31), Decimal("127.0"), Decimal("100"),
     None, None, "全社: 回収効率率 目標達成: 実績 101.56 / 目標 80.00 (達成率 127.0%)", False),
    # Detected long before the newest alert: outside the lookback, never sent.
    ("d4" * 16, "EXC-d4d4d4d4d4d4", "overdue_ratio", "延滞債権比率", "critical", 1, "overdue_ratio_pct", "company",
     "company", "全社", "month", dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 1, 31),
     Decimal("45.9"), Decimal("20"), None, None, "全社: 延滞債権比率 45.9%", True),
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
        connection.execute(f"create schema if not exists publication; drop table if exists {PUBLICATION_TABLE}; "
                           f"create table {PUBLICATION_TABLE} (schema_name varchar, table_name varchar, "
                           "row_count bigint, published_at timestamp, run_id varchar)")
        connection.execute(f"insert into {PUBLICATION_TABLE} values ('marts', 'fct_kpi_alerts', 4, now(), ?)",
                           [run_id])


def deliveries(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as connection:
        return connection.execute("select alert_id, channel, status, error, exception_id from "
                                  "marts.exception_deliveries order by attempted_at, channel").fetchall()


def quick_settings() -> AlertingSettings:
    return AlertingSettings(send_interval_seconds=0, retry_seconds=60)


def slack_fields(body: dict[str, Any]) -> dict[str, str]:
    blocks = body["attachments"][0]["blocks"]
    fields = [f["text"] for block in blocks if block["type"] == "section" for f in block.get("fields", [])]
    return {text.split("\n")[0].strip("*"): text.split("\n", 1)[1] for text in fields}


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
    report = deliver_new_alerts_now(settings, quick_settings(), configured_channels())
    assert (report.sent, report.failed) == (6, 0), "three alerts in the lookback, two channels"

    slack = {body["text"]: body for body in webhooks.bodies("/slack")}
    critical = next(body for text, body in slack.items() if "全社: 延滞債権比率 28.9%" in text)
    assert critical["attachments"][0]["color"] == "#D32F2F"
    header = critical["attachments"][0]["blocks"][0]["text"]["text"]
    assert "重大" in header and "CRITICAL" in header and "延滞債権比率" in header
    assert slack_fields(critical) == {
        "対象 Subject": "全社", "実績値 Observed": "28.91%", "閾値 Threshold": "20%", "検知日 Detected": "2026-10-31",
        "期間 Period": "月次 2026-10-01 〜 2026-10-31", "例外ID Exception": "EXC-a1a1a1a1a1a1",
    }
    assert slack_button_url(critical) == "https://ar.example.com/exceptions/EXC-a1a1a1a1a1a1"
    warning = next(body for text, body in slack.items() if "東日本" in text)
    assert warning["attachments"][0]["color"] == "#F9A825"
    assert slack_fields(warning)["実績値 Observed"] == "7.2日" and slack_fields(warning)["対象 Subject"] == "東日本 (チーム)"
    info = next(body for text, body in slack.items() if "目標達成" in text)
    assert slack_button_url(info) is None, "an info alert opens no exception, so has no link"

    cards = [teams_card(body) for body in webhooks.bodies("/teams")]
    assert len(cards) == 3 and all(card["version"] == "1.4" and card["type"] == "AdaptiveCard" for card in cards)
    card = next(card for card in cards if teams_facts(card)["例外ID Exception"] == "EXC-a1a1a1a1a1a1")
    assert card["body"][0]["style"] == "attention" and "重大" in card["body"][0]["items"][0]["text"]
    assert teams_facts(card)["実績値 Observed"] == "28.91%" and teams_facts(card)["閾値 Threshold"] == "20%"
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "例外を開く / Open exception",
                                "url": "https://ar.example.com/exceptions/EXC-a1a1a1a1a1a1"}]

    recorded = deliveries(settings)
    assert len(recorded) == 6 and {row[2] for row in recorded} == {"sent"}
    assert ("a1" * 16, "slack", "sent", None, "EXC-a1a1a1a1a1a1") in recorded
    assert not any(row[0] == "d4" * 16 for row in recorded), "outside the lookback"


def test_a_server_error_then_success_is_retried_and_retry_after_is_honoured(receiver: Receiver) -> None:
    channel = Channel("slack", receiver.url("/slack/hook"))
    receiver.script("/slack/hook", 500, (429, {"Retry-After": "7"}), 200)
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=4, backoff_base_seconds=0.5, backoff_cap_seconds=30)
    result = post_json(channel, {"text": "x"}, policy, sleep=waits.append)
    assert (result.ok, result.attempts, result.status) == (True, 3, 200)
    assert waits == [0.5, 7.0], "exponential after a 500, the receiver's Retry-After after a 429"
    assert len(receiver.received) == 3

    receiver.script("/slack/hook", 400)
    refused = post_json(channel, {"text": "x"}, policy, sleep=waits.append)
    assert (refused.ok, refused.attempts, refused.status) == (False, 1, 400), "a 4xx is not retried"


def test_a_lasting_failure_is_recorded_and_retried_on_the_next_tick(webhooks: Receiver, settings: Settings) -> None:
    webhooks.script("/teams", 503)
    instance = dg.DagsterInstance.ephemeral()
    alerting_settings = quick_settings()

    first_tick = evaluate_alert_sensor(dg.build_sensor_context(instance=instance), settings, alerting_settings, now=1000)
    assert len(first_tick.run_requests) == 1
    assert DeliveryCursor.from_json(first_tick.cursor).publication_id.startswith("run00001@"), "the publication's run"
    run = alert_delivery.execute_in_process(resources={"settings": settings}, instance=instance,
                                           tags=first_tick.run_requests[0].tags)
    assert run.success
    failed = [row for row in deliveries(settings) if row[2] == "failed"]
    assert {row[1] for row in failed} == {"teams"} and len(failed) == 3
    assert all(row[3].startswith("HTTP 503") for row in failed)
    assert instance.get_run_by_id(run.run_id).tags["ar/alerts_failed"] == "3"

    cursor = first_tick.cursor
    too_soon = evaluate_alert_sensor(dg.build_sensor_context(instance=instance, cursor=cursor), settings,
                                     alerting_settings, now=dt.datetime.now().timestamp() + 10)
    assert not too_soon.run_requests and "Retrying failed deliveries in" in too_soon.skip_reason.skip_message

    webhooks.script("/teams", 202)
    next_tick = evaluate_alert_sensor(dg.build_sensor_context(instance=instance, cursor=cursor), settings,
                                      alerting_settings, now=dt.datetime.now().timestamp() + 61)
    assert len(next_tick.run_requests) == 1
    slack_before = len(webhooks.bodies("/slack"))
    assert alert_delivery.execute_in_process(resources={"settings": settings}, instance=instance,
                                             tags=next_tick.run_requests[0].tags).success
    assert len(webhooks.bodies("/slack")) == slack_before, "Slack had them all: nothing resent"
    statuses = [(row[1], row[2]) for row in deliveries(settings)]
    assert statuses.count(("teams", "sent")) == 3 and statuses.count(("slack", "sent")) == 3

    settled = evaluate_alert_sensor(dg.build_sensor_context(instance=instance, cursor=next_tick.cursor), settings,
                                    alerting_settings, now=dt.datetime.now().timestamp() + 3600)
    assert not settled.run_requests and "Delivered everything" in settled.skip_reason.skip_message


def test_a_restart_sends_nothing_twice(webhooks: Receiver, settings: Settings) -> None:
    assert deliver_new_alerts_now(settings, quick_settings(), configured_channels()).sent == 6
    count = len(webhooks.received)
    # A new process: nothing in memory, the same delivery record in the warehouse.
    script = ("from orchestration.alerting import AlertingSettings, deliver_new_alerts_now\n"
              "from orchestration.notifications import configured_channels\n"
              "from orchestration.resources import Settings\n"
              "report = deliver_new_alerts_now(Settings.from_env(), AlertingSettings.from_env(), configured_channels())\n"
              "print(report.sent, report.already_delivered)\n")
    restarted = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=dict(os.environ),
                               capture_output=True, text=True, timeout=120)
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    assert restarted.stdout.split() == ["0", "6"]
    assert len(webhooks.received) == count
    assert SLACK_SECRET not in restarted.stdout + restarted.stderr


def test_the_webhook_url_never_appears_in_logs_output_or_the_record(
        webhooks: Receiver, settings: Settings, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    webhooks.script("/slack", 500)
    # Teams points at a port nobody listens on: a network error, with the secret in the URL.
    monkeypatch.setenv("AR_TEAMS_WEBHOOK_URL", f"http://127.0.0.1:9/teams/{TEAMS_SECRET}")
    report = deliver_new_alerts_now(settings, quick_settings(), configured_channels(), log=print)
    assert report.failed == 6 and report.sent == 0
    channel = configured_channels()[0]
    assert "SECRET" not in repr(channel) and "SECRET" not in repr(configured_channels())
    output = capsys.readouterr()
    recorded = " ".join(str(row) for row in deliveries(settings))
    for text in (caplog.text, output.out, output.err, recorded):
        assert SLACK_SECRET not in text and TEAMS_SECRET not in text and "SECRET" not in text
        assert "127.0.0.1:9" not in text
    assert "Delivery to slack" in caplog.text, "the logs say what failed, by channel name"
    assert notifications.redact(f"boom at {channel.url} ok", [channel.url]) == "boom at <redacted-url> ok"


def test_a_channel_without_url_is_skipped(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AR_SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("AR_TEAMS_WEBHOOK_URL", "  ")
    assert configured_channels() == []
    assert deliver_new_alerts_now(settings, quick_settings(), configured_channels()).sent == 0
    decision = decide_delivery(Publication("p", 3), [], None, None, 0, quick_settings())
    assert decision.request_key is None and "No webhook configured" in decision.reason


def test_the_sensor_decides_by_publication_and_outcome() -> None:
    settings = AlertingSettings(retry_seconds=300)
    publication = Publication("run1@20261101T060000", 4)
    first = decide_delivery(publication, ["slack"], None, None, 0, settings)
    assert first.request_key and first.cursor.attempt == 1
    running = decide_delivery(publication, ["slack"], first.cursor, PreviousRun("in_progress"), 10, settings)
    assert running.request_key is None
    done = decide_delivery(publication, ["slack"], first.cursor, PreviousRun("success", ended_at=5), 10, settings)
    assert done.request_key is None
    deferred = decide_delivery(publication, ["slack"], first.cursor, PreviousRun("success", deferred=7, ended_at=5),
                               6, settings)
    assert deferred.request_key and deferred.cursor.attempt == 2, "alerts over the per-run cap go at once"
    failed = PreviousRun("success", failed=1, ended_at=100)
    assert decide_delivery(publication, ["slack"], first.cursor, failed, 399, settings).request_key is None
    assert decide_delivery(publication, ["slack"], first.cursor, failed, 400, settings).request_key
    later = DeliveryCursor(publication.publication_id, ("slack",), 3, "k-3")
    assert decide_delivery(publication, ["slack"], later, failed, 100 + 1199, settings).request_key is None, \
        "the wait doubles per retry"
    new_publication = decide_delivery(Publication("run2@20261102T060000", 1), ["slack"], later, failed, 101, settings)
    assert new_publication.request_key and new_publication.cursor.attempt == 1
    assert decide_delivery(Publication("run2", 0), ["slack"], None, None, 0, settings).request_key is None


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
    failure = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records[0]
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_hook", dagster_event=failure.event_log_entry.dagster_event,
        dagster_instance=instance, dagster_run=run).for_run_failure()


def test_failed_runs_and_failed_blocking_checks_are_reported(webhooks: Receiver,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AR_DAGSTER_URL", "http://dagster.internal:3000/")
    instance = dg.DagsterInstance.ephemeral()
    crashed = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not crashed.success
    report_failed_run(failure_context(instance, crashed.run_id))
    slack, teams = webhooks.bodies("/slack"), webhooks.bodies("/teams")
    assert len(slack) == 1 and len(teams) == 1
    assert "実行失敗" in slack[0]["text"] and "Database Error in model fct_kpi_monthly" in slack[0]["text"]
    assert slack_button_url(slack[0]) == f"http://dagster.internal:3000/runs/{crashed.run_id}"
    assert teams_facts(teams_card(teams[0]))["ジョブ Job"] == "failing_job"

    checked = dg.materialize([published_marts_stand_in, balances_tie_out], instance=instance, raise_on_error=False)
    assert not checked.success
    report_failed_run(failure_context(instance, checked.run_id))
    slack_check, teams_check = webhooks.bodies("/slack")[-1], webhooks.bodies("/teams")[-1]
    assert "ブロッキングチェック失敗" in slack_check["attachments"][0]["blocks"][0]["text"]["text"]
    assert slack_fields(slack_check)["published_marts_stand_in"] == "balances_tie_out: AR ≠ GL"
    assert teams_facts(teams_card(teams_check))["失敗件数 Failed checks"] == "1"
    assert alerting.RUN_FAILURE_HANDLERS == (report_failed_run,)


def test_a_delivery_is_given_up_after_the_maximum_failed_attempts_and_messages_are_paced() -> None:
    connection = duckdb.connect()
    connection.execute(ALERTS_DDL)
    record = alerting.WarehouseDeliveryRecord(connection)
    alert = notifications.AlertNotice(*[ALERT_ROWS[0][i] for i in (0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18)])
    channels = [Channel("slack", "http://127.0.0.1:9/never-called")]
    attempts: list[str] = []

    def refuse(channel: Channel, payload: dict) -> notifications.SendResult:
        attempts.append(channel.name)
        return notifications.SendResult(channel.name, False, 1, 404, "HTTP 404 Not Found: no_service")

    for _ in range(4):
        report = alerting.deliver_alerts([alert], channels, record, max_failed_attempts=3, send=refuse)
    assert len(attempts) == 3 and (report.failed, report.given_up) == (0, 1)
    assert connection.execute("select count(*), min(error) from marts.exception_deliveries "
                              "where status = 'failed'").fetchone() == (3, "HTTP 404 Not Found: no_service")

    waits: list[float] = []
    clock = iter([0.0, 0.0, 0.2, 1.0, 5.0, 5.0]).__next__
    pacer = alerting.Pacer(1.0, sleep=waits.append, clock=clock)
    for channel in ("slack", "teams", "slack", "slack"):
        pacer.wait_for(channel)
    assert waits == [pytest.approx(0.8)], "one message a second per channel; channels do not wait for each other"
