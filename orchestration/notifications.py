"""Messages to people: Slack and Microsoft Teams payloads, and posting them to webhooks.

Pure and testable: nothing here reads the warehouse or knows Dagster. alerting.py decides what to
send and records it; this module says how an alert, a failed run or a failed blocking check looks
in each channel, and posts it.

| variable                     | meaning                                                        | default                                           |
|------------------------------|----------------------------------------------------------------|---------------------------------------------------|
| AR_SLACK_WEBHOOK_URL         | Slack incoming webhook (a secret: never logged, never stored)  | unset: Slack is skipped                           |
| AR_TEAMS_WEBHOOK_URL         | Teams Workflows webhook ("When a Teams webhook request is received"; a secret) | unset: Teams is skipped           |
| AR_EXCEPTION_LINK_TEMPLATE   | link to an exception; `{exception_id}`, `{alert_id}`, `{rule_id}`, `{subject_id}` | http://127.0.0.1:3000/exceptions/{exception_id} |
| AR_DAGSTER_URL               | the Dagster UI, for links to failed runs                       | http://127.0.0.1:3000                             |
| AR_WEBHOOK_TIMEOUT_SECONDS   | timeout of one HTTP request                                    | 10                                                |
| AR_WEBHOOK_MAX_ATTEMPTS      | tries per message on 429, 5xx and network errors              | 4                                                 |
| AR_WEBHOOK_BACKOFF_SECONDS   | first wait between tries, doubling (a Retry-After wins); at most 30 s | 1                                          |

The exception link should point where people answer exceptions: a BI page of the exception ledger
filtered on the id, or the CRM's search for `external_ref`. A channel whose URL is unset is skipped,
not an error. Webhook URLs carry their credential in the path or query, so they are read from the
environment when a message is sent (never kept in Dagster config, which the UI shows), never
logged, and removed from every error text (`redact`).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

logger = logging.getLogger(__name__)

SLACK = "slack"
TEAMS = "teams"
CHANNEL_URL_VARIABLES: Mapping[str, str] = {SLACK: "AR_SLACK_WEBHOOK_URL", TEAMS: "AR_TEAMS_WEBHOOK_URL"}

DEFAULT_EXCEPTION_LINK_TEMPLATE = "http://127.0.0.1:3000/exceptions/{exception_id}"
DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ATTEMPTS = 4
# Backoff between tries: 1, 2, 4 … seconds, never more than this; a Retry-After above it is
# capped too, so one unhealthy channel cannot hold the delivery step (and the DuckDB writer) for long.
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
ERROR_TEXT_LIMIT = 300
REDACTED = "<redacted-url>"
URL_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")


# ---------------------------------------------------------------------------------------------
# What is sent
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Severity:
    """How a severity looks (seed document 001: Critical 赤, Warning 黄, Info 青)."""

    key: str
    label_ja: str
    emoji: str
    colour: str
    teams_style: str  # Adaptive Card container style
    teams_colour: str  # Adaptive Card TextBlock colour


SEVERITIES: Mapping[str, Severity] = {
    "critical": Severity("critical", "重大", ":red_circle:", "#D32F2F", "attention", "attention"),
    "warning": Severity("warning", "警告", ":large_yellow_circle:", "#F9A825", "warning", "warning"),
    "info": Severity("info", "情報", ":large_blue_circle:", "#1E88E5", "accent", "accent"),
}


def severity_of(key: str) -> Severity:
    return SEVERITIES.get(key, SEVERITIES["warning"])


# The unit of observed_value and threshold_value per rule (fct_kpi_alerts docs: alert_observed_value).
RULE_VALUE_UNITS: Mapping[str, str] = {
    "dso_deterioration": "日",
    "ar_growth_beyond_sales_growth": "pt",
}
DEFAULT_VALUE_UNIT = "%"


@dataclass(frozen=True)
class AlertNotice:
    """One row of marts.fct_kpi_alerts, as much of it as a message needs."""

    alert_id: str
    exception_id: str | None
    rule_id: str
    rule_name_ja: str
    severity: str
    kpi_name: str
    subject_type: str
    subject_id: str
    subject_name: str
    period_grain: str | None
    period_start: dt.date
    period_end_date: dt.date | None
    detected_date: dt.date
    observed_value: Decimal | float
    threshold_value: Decimal | float
    message_ja: str


@dataclass(frozen=True)
class Incident:
    """Something that went wrong in the pipeline itself: a failed run or a failed blocking check."""

    kind: str  # run_failure or blocking_check_failure
    title_ja: str
    title_en: str
    summary: str
    facts: tuple[tuple[str, str], ...]
    link: str | None
    link_title: str = "Dagster で開く / Open in Dagster"
    severity: str = "critical"


SUBJECT_TYPES_JA: Mapping[str, str] = {
    "company": "全社", "team": "チーム", "collector": "担当者", "customer": "顧客",
}
PERIOD_GRAINS_JA: Mapping[str, str] = {"month": "月次", "week": "週次", "day": "日次"}


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def format_number(value: Decimal | float | int | None) -> str:
    """1234.5 -> '1,234.5'; 20.0000 -> '20'; at most two decimals."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: Decimal | float | None, rule_id: str) -> str:
    unit = RULE_VALUE_UNITS.get(rule_id, DEFAULT_VALUE_UNIT)
    return f"{format_number(value)}{unit}" if value is not None else "—"


def period_text(notice: AlertNotice) -> str:
    grain = PERIOD_GRAINS_JA.get(notice.period_grain or "", notice.period_grain or "")
    end = f" 〜 {notice.period_end_date.isoformat()}" if notice.period_end_date else ""
    return f"{grain} {notice.period_start.isoformat()}{end}".strip()


def subject_text(notice: AlertNotice) -> str:
    kind = SUBJECT_TYPES_JA.get(notice.subject_type, notice.subject_type)
    name = notice.subject_name or notice.subject_id
    return f"{name} ({kind})" if name != kind else name


def exception_link(notice: AlertNotice, template: str | None = None) -> str | None:
    """The link to the alert's exception; None for an alert that opens none (info)."""
    if not notice.exception_id:
        return None
    template = template or os.environ.get("AR_EXCEPTION_LINK_TEMPLATE") or DEFAULT_EXCEPTION_LINK_TEMPLATE
    values = {"exception_id": notice.exception_id, "alert_id": notice.alert_id, "rule_id": notice.rule_id,
              "subject_id": urllib.parse.quote(notice.subject_id, safe="")}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        logger.warning("AR_EXCEPTION_LINK_TEMPLATE has a placeholder other than %s; using the default",
                       ", ".join("{" + name + "}" for name in values))
        return DEFAULT_EXCEPTION_LINK_TEMPLATE.format_map(values)


def run_link(run_id: str, dagster_url: str | None = None) -> str:
    base = (dagster_url or os.environ.get("AR_DAGSTER_URL") or DEFAULT_DAGSTER_URL).rstrip("/")
    return f"{base}/runs/{run_id}"


def alert_headline(notice: AlertNotice) -> str:
    severity = severity_of(notice.severity)
    return f"[{severity.label_ja} {severity.key}] {notice.rule_name_ja}: {notice.message_ja}"


def alert_facts(notice: AlertNotice) -> list[tuple[str, str]]:
    return [
        ("対象 Subject", subject_text(notice)),
        ("実績値 Observed", format_value(notice.observed_value, notice.rule_id)),
        ("閾値 Threshold", format_value(notice.threshold_value, notice.rule_id)),
        ("検知日 Detected", notice.detected_date.isoformat()),
        ("期間 Period", period_text(notice)),
        ("例外ID Exception", notice.exception_id or "— (例外なし / no exception)"),
    ]


def slack_escape(text: str) -> str:
    """Slack mrkdwn control characters (&, <, >) as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------
# Slack (incoming webhook, Block Kit inside an attachment for the colour bar)
# ---------------------------------------------------------------------------------------------


def _slack_fields(facts: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"type": "mrkdwn", "text": f"*{slack_escape(label)}*\n{slack_escape(value)}"} for label, value in facts]


def _slack_message(severity: Severity, fallback: str, header: str, body: str, facts: Sequence[tuple[str, str]],
                   link: str | None, link_title: str, context: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header[:150], "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(body)[:3000]}},
    ]
    # A section holds at most 10 fields.
    for start in range(0, len(facts), 10):
        blocks.append({"type": "section", "fields": _slack_fields(facts[start:start + 10])})
    if link:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": link_title, "emoji": True}, "url": link,
             "style": "danger" if severity.key == "critical" else "primary"},
        ]})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(context)}]})
    return {"text": fallback, "attachments": [{"color": severity.colour, "blocks": blocks}]}


def slack_alert_payload(notice: AlertNotice, link_template: str | None = None) -> dict[str, Any]:
    severity = severity_of(notice.severity)
    return _slack_message(
        severity,
        fallback=alert_headline(notice),
        header=f"{severity.emoji} {severity.label_ja} {severity.key.upper()} | {notice.rule_name_ja}",
        body=notice.message_ja,
        facts=alert_facts(notice),
        link=exception_link(notice, link_template),
        link_title="例外を開く / Open exception",
        context=f"alert_id {notice.alert_id} · rule {notice.rule_id} · kpi {notice.kpi_name}",
    )


def slack_incident_payload(incident: Incident) -> dict[str, Any]:
    severity = severity_of(incident.severity)
    return _slack_message(
        severity,
        fallback=f"[{incident.title_ja}] {incident.summary}",
        header=f"{severity.emoji} {incident.title_ja} / {incident.title_en}",
        body=incident.summary,
        facts=list(incident.facts),
        link=incident.link,
        link_title=incident.link_title,
        context=f"ar-collection-warehouse · {incident.kind}",
    )


# ---------------------------------------------------------------------------------------------
# Microsoft Teams (Workflows webhook: a message with an Adaptive Card 1.4 attachment)
# ---------------------------------------------------------------------------------------------


def _teams_message(severity: Severity, title: str, body: str, facts: Sequence[tuple[str, str]], link: str | None,
                   link_title: str, footnote: str) -> dict[str, Any]:
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": [
            {"type": "Container", "style": severity.teams_style, "bleed": True, "items": [
                {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True,
                 "color": severity.teams_colour},
            ]},
            {"type": "TextBlock", "text": body, "wrap": True},
            {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in facts]},
            {"type": "TextBlock", "text": footnote, "isSubtle": True, "size": "Small", "wrap": True},
        ],
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": link_title, "url": link}]
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                         "content": card}],
    }


def teams_alert_payload(notice: AlertNotice, link_template: str | None = None) -> dict[str, Any]:
    severity = severity_of(notice.severity)
    return _teams_message(
        severity,
        title=f"{severity.label_ja} {severity.key.upper()} | {notice.rule_name_ja}",
        body=notice.message_ja,
        facts=alert_facts(notice),
        link=exception_link(notice, link_template),
        link_title="例外を開く / Open exception",
        footnote=f"alert_id {notice.alert_id} · rule {notice.rule_id} · kpi {notice.kpi_name}",
    )


def teams_incident_payload(incident: Incident) -> dict[str, Any]:
    return _teams_message(
        severity_of(incident.severity),
        title=f"{incident.title_ja} / {incident.title_en}",
        body=incident.summary,
        facts=list(incident.facts),
        link=incident.link,
        link_title=incident.link_title,
        footnote=f"ar-collection-warehouse · {incident.kind}",
    )


ALERT_PAYLOADS: Mapping[str, Callable[..., dict[str, Any]]] = {SLACK: slack_alert_payload, TEAMS: teams_alert_payload}
INCIDENT_PAYLOADS: Mapping[str, Callable[[Incident], dict[str, Any]]] = {
    SLACK: slack_incident_payload, TEAMS: teams_incident_payload,
}


def alert_payload(channel: str, notice: AlertNotice, link_template: str | None = None) -> dict[str, Any]:
    return ALERT_PAYLOADS[channel](notice, link_template)


def incident_payload(channel: str, incident: Incident) -> dict[str, Any]:
    return INCIDENT_PAYLOADS[channel](incident)


# ---------------------------------------------------------------------------------------------
# Incidents: failed runs and failed blocking checks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check_name: str
    description: str | None = None


def _shorten(text: str, limit: int = 500) -> str:
    text = " ".join(redact(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_failure_incident(job_name: str, run_id: str, message: str, failed_steps: Sequence[tuple[str, str]] = (),
                         dagster_url: str | None = None) -> Incident:
    facts = [("ジョブ Job", job_name), ("実行ID Run", run_id[:8])]
    facts += [(f"失敗ステップ Step: {step}", _shorten(error, 300)) for step, error in failed_steps[:5]]
    cause = failed_steps[0][1] if failed_steps else message
    return Incident(
        kind="run_failure",
        title_ja="実行失敗",
        title_en="Run failed",
        summary=_shorten(f"{job_name} が失敗しました / failed: {cause}"),
        facts=tuple(facts),
        link=run_link(run_id, dagster_url),
    )


def blocking_check_incident(job_name: str, run_id: str, failed_checks: Sequence[FailedCheck],
                            dagster_url: str | None = None) -> Incident:
    """Blocking checks (error severity) that failed: what depends on them was not built, and the
    serving copy BI tools and reports read was not replaced."""
    facts = [("ジョブ Job", job_name), ("実行ID Run", run_id[:8]), ("失敗件数 Failed checks", str(len(failed_checks)))]
    facts += [(check.asset, _shorten(check.check_name + (f": {check.description}" if check.description else ""), 200))
              for check in failed_checks[:8]]
    if len(failed_checks) > 8:
        facts.append(("…", f"ほか {len(failed_checks) - 8} 件 / {len(failed_checks) - 8} more"))
    return Incident(
        kind="blocking_check_failure",
        title_ja="ブロッキングチェック失敗",
        title_en="Blocking check failed",
        summary="エラー重大度のデータ品質チェックが失敗しました。下流の構築と公開 (serving copy) は止まり、"
                "前回の公開版が残っています。 / Error-severity data-quality checks failed: downstream assets and "
                "the publication were stopped; the last good serving copy stays in place.",
        facts=tuple(facts),
        link=run_link(run_id, dagster_url),
    )


# ---------------------------------------------------------------------------------------------
# Channels and sending
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    """A configured webhook. The URL is a secret: it is left out of repr, so logging a Channel
    never shows it."""

    name: str
    url: str = field(repr=False)


def configured_channels(environ: Mapping[str, str] | None = None) -> list[Channel]:
    """The channels with a webhook URL set, in a stable order; unset or blank ones are skipped."""
    environ = os.environ if environ is None else environ
    channels = []
    for name, variable in CHANNEL_URL_VARIABLES.items():
        url = (environ.get(variable) or "").strip()
        if url:
            channels.append(Channel(name, url))
    return channels


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove webhook URLs, and any URL at all, from a text meant for logs or the warehouse."""
    for secret in secrets:
        for part in _secret_parts(secret):
            text = text.replace(part, REDACTED)
    return URL_PATTERN.sub(REDACTED, text)


def _secret_parts(url: str) -> list[str]:
    """The URL, and its path and query on their own, longest first (an error may quote either)."""
    parts = {url}
    without_scheme = url.split("://", 1)[-1]
    if "/" in without_scheme:
        path = "/" + without_scheme.split("/", 1)[1]
        parts.add(path)
        if "?" in path:
            parts.add(path.split("?", 1)[1])
    return sorted((part for part in parts if len(part) >= 8), key=len, reverse=True)


@dataclass(frozen=True)
class SendResult:
    """The outcome of posting one message to one channel, after its retries."""

    channel: str
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_base_seconds: float = BACKOFF_BASE_SECONDS
    backoff_cap_seconds: float = BACKOFF_CAP_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        environ = os.environ if environ is None else environ
        return cls(
            timeout_seconds=float(environ.get("AR_WEBHOOK_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS),
            max_attempts=max(1, int(environ.get("AR_WEBHOOK_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)),
            backoff_base_seconds=float(environ.get("AR_WEBHOOK_BACKOFF_SECONDS") or BACKOFF_BASE_SECONDS),
        )

    def backoff_seconds(self, attempt: int, retry_after: float | None = None) -> float:
        """Wait before try attempt + 1: the receiver's Retry-After when it gives one, else
        exponential; never more than the cap."""
        wait = retry_after if retry_after is not None else self.backoff_base_seconds * 2 ** (attempt - 1)
        return max(0.0, min(wait, self.backoff_cap_seconds))


class _RetryableError(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class _PermanentError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def is_retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


Opener = Callable[..., Any]


def _post_once(url: str, body: bytes, timeout: float, opener: Opener) -> int:
    try:
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "ar-collection-warehouse"},
        )
        with opener(request, timeout=timeout) as response:
            response.read(2048)
            return int(response.status)
    except urllib.error.HTTPError as error:
        reason = _response_text(error)
        message = f"HTTP {error.code} {error.reason}" + (f": {reason}" if reason else "")
        if is_retryable_status(error.code):
            raise _RetryableError(message, error.code, parse_retry_after(error.headers.get("Retry-After"))) from None
        raise _PermanentError(message, error.code) from None
    except http.client.InvalidURL as error:  # a malformed URL: no retry will mend it
        raise _PermanentError(f"{type(error).__name__}: {error}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise _RetryableError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
    except ValueError as error:  # a malformed URL: no retry will mend it
        raise _PermanentError(f"{type(error).__name__}: {error}") from None


def _response_text(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(300).decode("utf-8", "replace").strip()
    except Exception:
        return ""


def post_json(channel: Channel, payload: Mapping[str, Any], policy: RetryPolicy | None = None,
              sleep: Callable[[float], None] = time.sleep, opener: Opener = urllib.request.urlopen) -> SendResult:
    """POST a JSON payload to a channel's webhook, retrying 429, 5xx and network errors with
    backoff (honouring Retry-After). Never raises for a delivery problem; the result says what
    happened, with the URL redacted from the error."""
    policy = policy or RetryPolicy.from_env()
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    last_error: str | None = None
    last_status: int | None = None
    for attempt in range(1, policy.max_attempts + 1):
        try:
            status = _post_once(channel.url, body, policy.timeout_seconds, opener)
            logger.info("Delivered to %s (HTTP %s, try %d)", channel.name, status, attempt)
            return SendResult(channel.name, True, attempt, status)
        except _PermanentError as error:
            last_error, last_status = redact(str(error), [channel.url]), error.status
            logger.warning("Delivery to %s refused: %s", channel.name, last_error)
            return SendResult(channel.name, False, attempt, last_status, last_error[:ERROR_TEXT_LIMIT])
        except _RetryableError as error:
            last_error, last_status = redact(str(error), [channel.url]), error.status
            if attempt == policy.max_attempts:
                break
            wait = policy.backoff_seconds(attempt, error.retry_after)
            logger.warning("Delivery to %s failed (%s), try %d of %d; retrying in %.1fs",
                           channel.name, last_error, attempt, policy.max_attempts, wait)
            sleep(wait)
        except Exception as error:  # anything else: reported, never raised with the URL in it
            last_error, last_status = redact(f"{type(error).__name__}: {error}", [channel.url]), None
            logger.warning("Delivery to %s failed: %s", channel.name, last_error)
            return SendResult(channel.name, False, attempt, None, last_error[:ERROR_TEXT_LIMIT])
    logger.warning("Delivery to %s gave up after %d tries: %s", channel.name, policy.max_attempts, last_error)
    return SendResult(channel.name, False, policy.max_attempts, last_status, (last_error or "")[:ERROR_TEXT_LIMIT])


def send_incident(incident: Incident, channels: Sequence[Channel] | None = None,
                  policy: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep) -> list[SendResult]:
    """Post an incident to every configured channel."""
    channels = configured_channels() if channels is None else channels
    return [post_json(channel, incident_payload(channel.name, incident), policy, sleep) for channel in channels]
