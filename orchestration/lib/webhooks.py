"""Posting messages to Slack and Teams webhooks, through requests and urllib3's Retry; URLs kept out of logs."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util import Retry, Timeout

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


class TimeBoundReached(MaxRetryError):
    """A retry would end after the run's time bound: the message is left for the next delivery."""

    def __init__(self, wait_seconds: float) -> None:
        reason = f"the next try (after {wait_seconds:.1f}s) would end past the run's time bound"
        super().__init__(None, "", reason)  # type: ignore[arg-type]  # raised between tries: no pool


class BoundedRetry(Retry):
    """urllib3's Retry that makes a retry only when its wait and one more whole attempt end before
    the deadline (time.monotonic()); otherwise it stops with TimeBoundReached."""

    def __init__(self, *args: Any, deadline: float | None = None, attempt_seconds: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline, self.attempt_seconds = deadline, attempt_seconds

    def new(self, **kw: Any) -> BoundedRetry:
        kw.setdefault("deadline", self.deadline)
        kw.setdefault("attempt_seconds", self.attempt_seconds)
        return super().new(**kw)

    def sleep(self, response: Any = None) -> None:
        retry_after = (
            self.get_retry_after(response) if response is not None and self.respect_retry_after_header else None
        )
        wait = retry_after if retry_after else self.get_backoff_time()
        if self.deadline is not None and time.monotonic() + wait + self.attempt_seconds > self.deadline:
            raise TimeBoundReached(wait)
        if wait > 0:
            time.sleep(wait)


@dataclass(frozen=True)
class WebhookPolicy:
    connect_timeout_seconds: float = 5.0
    timeout_seconds: float = 10.0  # the read timeout: how long to wait for the answer
    max_attempts: int = 4
    backoff_seconds: float = 1.0

    def timeout(self, deadline: float | None) -> Timeout:
        """Connect and read timeouts of one attempt, no attempt lasting past the deadline."""
        if deadline is None:
            return Timeout(connect=self.connect_timeout_seconds, read=self.timeout_seconds)
        remaining = max(0.001, deadline - time.monotonic())
        return Timeout(
            connect=min(self.connect_timeout_seconds, remaining),
            read=min(self.timeout_seconds, remaining),
            total=min(self.connect_timeout_seconds + self.timeout_seconds, remaining),
        )

    def retry(self, deadline: float | None = None) -> BoundedRetry:
        return BoundedRetry(
            total=max(0, self.max_attempts - 1),
            # A read error (a timeout, or the connection dropped after the message was sent) is not
            # retried: the receiver may have the message, a retry would likely duplicate it, and a
            # receiver that hangs is the breaker's to judge.
            read=False,
            allowed_methods=frozenset({"POST"}),  # a webhook post: retrying it is what we want
            status_forcelist=RETRYABLE_STATUSES,
            backoff_factor=self.backoff_seconds,
            backoff_max=MAX_WAIT_SECONDS,
            respect_retry_after_header=True,
            retry_after_max=MAX_WAIT_SECONDS,
            raise_on_status=False,  # the last answer comes back as a response, to be recorded
            deadline=deadline,
            attempt_seconds=self.connect_timeout_seconds + self.timeout_seconds,
        )


class WebhookClient:
    """One requests Session with the retry policy mounted, for every message of a step."""

    def __init__(self, policy: WebhookPolicy | None = None) -> None:
        self.policy = policy or WebhookPolicy()
        self.session = requests.Session()
        self.session.headers.update(
            {"Content-Type": "application/json; charset=utf-8", "User-Agent": "ar-collection-warehouse"}
        )
        self.adapter = HTTPAdapter(max_retries=self.policy.retry())
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)

    def __enter__(self) -> WebhookClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def post(self, channel: Channel, payload: Mapping[str, Any], deadline: float | None = None) -> SendResult:
        """POST a JSON payload, its tries ending by the deadline (time.monotonic()) when one is given;
        never raises for a delivery problem, and the result's error has the URL redacted."""
        _FILTER.secrets.add(channel.url)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.adapter.max_retries = self.policy.retry(deadline)  # one client posts one message at a time
        try:
            # requests hands a urllib3 Timeout to urllib3 as it is: the only way to give a total.
            timeout: Any = self.policy.timeout(deadline)
            response = self.session.post(channel.url, data=body, timeout=timeout)
        except (requests.RequestException, ValueError) as error:
            cause = error.args[0] if error.args else None
            reason = cause if isinstance(cause, TimeBoundReached) else error
            message = redact(f"{type(reason).__name__}: {reason}", [channel.url])[:ERROR_TEXT_LIMIT]
            logger.warning("Delivery to %s failed: %s", channel.name, message)
            attempts = 1 if isinstance(error, requests.ReadTimeout) else self.policy.max_attempts
            return SendResult(channel.name, False, attempts, None, message)
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
