"""How an alert, a failed run or a failed blocking check looks in Slack (Block Kit) and in Teams (Adaptive Card)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

logger = logging.getLogger(__name__)

SLACK = "slack"
TEAMS = "teams"
DEFAULT_EXCEPTION_LINK_TEMPLATE = "http://127.0.0.1:3000/exceptions/{exception_id}"
DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"
REDACTED = "<redacted-url>"
URL_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")


@dataclass(frozen=True)
class Severity:
    """How a severity looks (seed document 001: Critical 赤, Warning 黄, Info 青)."""

    key: str
    label_ja: str
    emoji: str
    colour: str
    teams_style: str  # Adaptive Card container style and TextBlock colour


SEVERITIES: Mapping[str, Severity] = {
    "critical": Severity("critical", "重大", ":red_circle:", "#D32F2F", "attention"),
    "warning": Severity("warning", "警告", ":large_yellow_circle:", "#F9A825", "warning"),
    "info": Severity("info", "情報", ":large_blue_circle:", "#1E88E5", "accent"),
}
# The unit of observed_value and threshold_value per rule (fct_kpi_alerts docs: alert_observed_value).
RULE_VALUE_UNITS: Mapping[str, str] = {"dso_deterioration": "日", "ar_growth_beyond_sales_growth": "pt"}
SUBJECT_TYPES_JA: Mapping[str, str] = {"company": "全社", "team": "チーム", "collector": "担当者", "customer": "顧客"}
PERIOD_GRAINS_JA: Mapping[str, str] = {"month": "月次", "week": "週次", "day": "日次"}


def severity_of(key: str) -> Severity:
    return SEVERITIES.get(key, SEVERITIES["warning"])


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
class FailedCheck:
    asset: str
    check_name: str
    description: str | None = None


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
    parts.add(without_scheme.split("/", 1)[0])  # the host too: urllib3 logs it on its own
    if "/" in without_scheme:
        path = "/" + without_scheme.split("/", 1)[1]
        parts.add(path)
        if "?" in path:
            parts.add(path.split("?", 1)[1])
    return sorted((part for part in parts if len(part) >= 8), key=len, reverse=True)


def format_number(value: Decimal | float | int | None) -> str:
    """1234.5 -> '1,234.5'; 20.0000 -> '20'; at most two decimals."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: Decimal | float | None, rule_id: str) -> str:
    return f"{format_number(value)}{RULE_VALUE_UNITS.get(rule_id, '%')}" if value is not None else "—"


def period_text(notice: AlertNotice) -> str:
    grain = PERIOD_GRAINS_JA.get(notice.period_grain or "", notice.period_grain or "")
    end = f" 〜 {notice.period_end_date.isoformat()}" if notice.period_end_date else ""
    return f"{grain} {notice.period_start.isoformat()}{end}".strip()


def subject_text(notice: AlertNotice) -> str:
    kind = SUBJECT_TYPES_JA.get(notice.subject_type, notice.subject_type)
    name = notice.subject_name or notice.subject_id
    return f"{name} ({kind})" if name != kind else name


def exception_link(notice: AlertNotice, template: str = DEFAULT_EXCEPTION_LINK_TEMPLATE) -> str | None:
    """The link to the alert's exception; None for an alert that opens none (info)."""
    if not notice.exception_id:
        return None
    values = {
        "exception_id": notice.exception_id,
        "alert_id": notice.alert_id,
        "rule_id": notice.rule_id,
        "subject_id": urllib.parse.quote(notice.subject_id, safe=""),
    }
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        logger.warning(
            "AR_EXCEPTION_LINK_TEMPLATE has a placeholder other than %s; using the default",
            ", ".join("{" + name + "}" for name in values),
        )
        return DEFAULT_EXCEPTION_LINK_TEMPLATE.format_map(values)


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
    """Slack's control characters (&, <, >) as entities, for text Slack parses as mrkdwn: `<!channel>`,
    `<@U123>` and `<http://x|y>` then show as typed instead of pinging or linking."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_literal(text: str, limit: int) -> dict[str, Any]:
    """Text from the data (a customer's name, a message naming it) as a plain_text object: Slack shows
    it as typed, with no mention, link, emoji or formatting. mrkdwn has no escape for `*`, `_` or `~`,
    so a name such as `*bold*` would otherwise turn bold."""
    return {"type": "plain_text", "text": text[:limit] or " ", "emoji": False}


# CommonMark's backslash escapes (Adaptive Cards read a CommonMark subset): emphasis, links, code,
# Teams' {{DATE()}} functions, and a list marker at the start of a line.
_TEAMS_METACHARACTERS = re.compile(r"([\\*_\[\]`~<>{}|#])")
_TEAMS_LINE_MARKER = re.compile(r"^(\s*)(?:([-+])|(\d+)\.)(?=\s|$)", re.MULTILINE)


def teams_escape(text: str) -> str:
    """Markdown metacharacters of a TextBlock or Fact escaped, so a name shows as typed in Teams."""
    escaped = _TEAMS_METACHARACTERS.sub(r"\\\1", text)
    return _TEAMS_LINE_MARKER.sub(
        lambda match: match.group(1) + ("\\" + match.group(2) if match.group(2) else match.group(3) + "\\."), escaped
    )


@dataclass(frozen=True)
class Message:
    """What both channels show, before each one's shape."""

    severity: Severity
    fallback: str
    title: str
    body: str
    facts: Sequence[tuple[str, str]]
    link: str | None
    link_title: str
    footnote: str


def slack_payload(message: Message) -> dict[str, Any]:
    """Block Kit. What comes from the data (body, fact values) is plain_text; mrkdwn holds only the
    project's own labels, escaped all the same, and the notification text is escaped by Slack's rules."""
    severity = message.severity
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f"{severity.emoji} {message.title}"[:150], "emoji": True},
        },
        {"type": "section", "text": slack_literal(message.body, 3000)},
    ]
    for start in range(0, len(message.facts), 5):  # a section holds at most 10 fields: 5 label-value pairs
        blocks.append(
            {
                "type": "section",
                "fields": [
                    field
                    for label, value in message.facts[start : start + 5]
                    for field in ({"type": "mrkdwn", "text": f"*{slack_escape(label)}*"}, slack_literal(value, 2000))
                ],
            }
        )
    if message.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_title, "emoji": True},
                        "url": message.link,
                        "style": "danger" if severity.key == "critical" else "primary",
                    }
                ],
            }
        )
    blocks.append({"type": "context", "elements": [slack_literal(message.footnote, 2000)]})
    return {"text": slack_escape(message.fallback), "attachments": [{"color": severity.colour, "blocks": blocks}]}


def teams_payload(message: Message) -> dict[str, Any]:
    """An Adaptive Card; every TextBlock and Fact is markdown to Teams, so each text is escaped."""
    style = message.severity.teams_style
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": [
            {
                "type": "Container",
                "style": style,
                "bleed": True,
                "items": [
                    {
                        "type": "TextBlock",
                        "text": teams_escape(message.title),
                        "weight": "Bolder",
                        "size": "Medium",
                        "wrap": True,
                        "color": style,
                    }
                ],
            },
            {"type": "TextBlock", "text": teams_escape(message.body), "wrap": True},
            {
                "type": "FactSet",
                "facts": [
                    {"title": teams_escape(label), "value": teams_escape(value)} for label, value in message.facts
                ],
            },
            {
                "type": "TextBlock",
                "text": teams_escape(message.footnote),
                "isSubtle": True,
                "size": "Small",
                "wrap": True,
            },
        ],
    }
    if message.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": message.link_title, "url": message.link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


PAYLOADS = {SLACK: slack_payload, TEAMS: teams_payload}


def alert_message(notice: AlertNotice, link_template: str = DEFAULT_EXCEPTION_LINK_TEMPLATE) -> Message:
    severity = severity_of(notice.severity)
    return Message(
        severity=severity,
        fallback=f"[{severity.label_ja} {severity.key}] {notice.rule_name_ja}: {notice.message_ja}",
        title=f"{severity.label_ja} {severity.key.upper()} | {notice.rule_name_ja}",
        body=notice.message_ja,
        facts=alert_facts(notice),
        link=exception_link(notice, link_template),
        link_title="例外を開く / Open exception",
        footnote=f"alert_id {notice.alert_id} · rule {notice.rule_id} · kpi {notice.kpi_name}",
    )


def incident_message(
    kind: str, title_ja: str, title_en: str, summary: str, facts: Sequence[tuple[str, str]], link: str
) -> Message:
    """Something that went wrong in the pipeline itself: a failed run or a failed blocking check."""
    return Message(
        severity_of("critical"),
        f"[{title_ja}] {summary}",
        f"{title_ja} / {title_en}",
        summary,
        facts,
        link,
        "Dagster で開く / Open in Dagster",
        f"ar-collection-warehouse · {kind}",
    )


def payload(channel: str, message: Message) -> dict[str, Any]:
    return PAYLOADS[channel](message)


def _shorten(text: str, limit: int = 500) -> str:
    text = " ".join(redact(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_link(run_id: str, dagster_url: str = DEFAULT_DAGSTER_URL) -> str:
    return f"{dagster_url.rstrip('/')}/runs/{run_id}"


def run_failure_incident(
    job_name: str,
    run_id: str,
    message: str,
    failed_steps: Sequence[tuple[str, str]] = (),
    dagster_url: str = DEFAULT_DAGSTER_URL,
) -> Message:
    facts = [("ジョブ Job", job_name), ("実行ID Run", run_id[:8])]
    facts += [(f"失敗ステップ Step: {step}", _shorten(error, 300)) for step, error in failed_steps[:5]]
    cause = failed_steps[0][1] if failed_steps else message
    summary = _shorten(f"{job_name} が失敗しました / failed: {cause}")
    return incident_message("run_failure", "実行失敗", "Run failed", summary, facts, run_link(run_id, dagster_url))


def blocking_check_incident(
    job_name: str, run_id: str, failed_checks: Sequence[FailedCheck], dagster_url: str = DEFAULT_DAGSTER_URL
) -> Message:
    """Blocking checks (error severity) that failed: what depends on them was not built, and the
    serving copy BI tools and reports read was not replaced."""
    facts = [("ジョブ Job", job_name), ("実行ID Run", run_id[:8]), ("失敗件数 Failed checks", str(len(failed_checks)))]
    facts += [
        (check.asset, _shorten(check.check_name + (f": {check.description}" if check.description else ""), 200))
        for check in failed_checks[:8]
    ]
    if len(failed_checks) > 8:
        facts.append(("…", f"ほか {len(failed_checks) - 8} 件 / {len(failed_checks) - 8} more"))
    summary = (
        "エラー重大度のデータ品質チェックが失敗しました。下流の構築と公開 (serving copy) は止まり、"
        "前回の公開版が残っています。 / Error-severity data-quality checks failed: downstream assets and "
        "the publication were stopped; the last good serving copy stays in place."
    )
    link = run_link(run_id, dagster_url)
    return incident_message(
        "blocking_check_failure", "ブロッキングチェック失敗", "Blocking check failed", summary, facts, link
    )
