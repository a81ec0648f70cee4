"""Posting messages to Slack and Teams webhooks, through requests and urllib3's Retry; URLs kept out of logs."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from orchestration.lib.messages import SLACK, TEAMS, redact

logger = logging.getLogger(__name__)

CHANNEL_URL_VARIABLES: Mapping[str, str] = {SLACK: "AR_SLACK_WEBHOOK_URL", TEAMS: "AR_TEAMS_WEBHOOK_URL"}
RETRYABLE_STATUSES = frozenset([429, *range(500, 600)])
MAX_WAIT_SECONDS = 30
ERROR_TEXT_LIMIT = 300


@dataclass(frozen=True)
class Channel:
    """A configured webhook. The URL is a secret: it is left out of repr, so logging a Channel
    never shows it."""

    name: str
    url: str = field(repr=False)


def configured_channels(environ: Mapping[str, str] | None = None) -> list[Channel]:
    """The channels with a webhook URL set, in a stable order; unset or blank ones are skipped."""
    environ = os.environ if environ is None else environ
    channels = [
        Channel(name, (environ.get(variable) or "").strip()) for name, variable in CHANNEL_URL_VARIABLES.items()
    ]
    return [channel for channel in channels if channel.url]


class _RedactingFilter(logging.Filter):
    """urllib3 logs the request path on retries and at debug level: the secrets go first."""

    secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage(), self.secrets), ()
        return True


_FILTER = _RedactingFilter()
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection"):
    logging.getLogger(_name).addFilter(_FILTER)


@dataclass(frozen=True)
class SendResult:
    """The outcome of posting one message to one channel, after its retries."""

    channel: str
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class WebhookPolicy:
    timeout_seconds: float = 10.0
    max_attempts: int = 4
    backoff_seconds: float = 1.0

    def retry(self) -> Retry:
        return Retry(
            total=max(0, self.max_attempts - 1),
            allowed_methods=frozenset({"POST"}),  # a webhook post: retrying it is what we want
            status_forcelist=RETRYABLE_STATUSES,
            backoff_factor=self.backoff_seconds,
            backoff_max=MAX_WAIT_SECONDS,
            respect_retry_after_header=True,
            retry_after_max=MAX_WAIT_SECONDS,
            raise_on_status=False,  # the last answer comes back as a response, to be recorded
        )


class WebhookClient:
    """One requests Session with the retry policy mounted, for every message of a step."""

    def __init__(self, policy: WebhookPolicy | None = None) -> None:
        self.policy = policy or WebhookPolicy()
        self.session = requests.Session()
        self.session.headers.update(
            {"Content-Type": "application/json; charset=utf-8", "User-Agent": "ar-collection-warehouse"}
        )
        adapter = HTTPAdapter(max_retries=self.policy.retry())
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __enter__(self) -> WebhookClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def post(self, channel: Channel, payload: Mapping[str, Any]) -> SendResult:
        """POST a JSON payload; never raises for a delivery problem, and the result's error has
        the URL redacted."""
        _FILTER.secrets.add(channel.url)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            response = self.session.post(channel.url, data=body, timeout=self.policy.timeout_seconds)
        except (requests.RequestException, ValueError) as error:
            message = redact(f"{type(error).__name__}: {error}", [channel.url])[:ERROR_TEXT_LIMIT]
            logger.warning("Delivery to %s failed: %s", channel.name, message)
            return SendResult(channel.name, False, self.policy.max_attempts, None, message)
        retries = getattr(response.raw, "retries", None)
        attempts = len(retries.history) + 1 if retries is not None else 1
        if response.ok:
            logger.info("Delivered to %s (HTTP %s, try %d)", channel.name, response.status_code, attempts)
            return SendResult(channel.name, True, attempts, response.status_code)
        text = response.text[:ERROR_TEXT_LIMIT].strip()
        message = redact(
            f"HTTP {response.status_code} {response.reason}" + (f": {text}" if text else ""), [channel.url]
        )
        logger.warning("Delivery to %s failed after %d tries: %s", channel.name, attempts, message)
        return SendResult(channel.name, False, attempts, response.status_code, message[:ERROR_TEXT_LIMIT])
