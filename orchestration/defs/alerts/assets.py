"""Alert delivery as an asset after publication (what "new" means: lib/deliveries.py)."""

import dataclasses

import dagster as dg

from orchestration.defs.dbt.translator import owner_of_group
from orchestration.defs.serving.assets import SERVING_ASSET_KEY
from orchestration.lib.deliveries import deliver_new_alerts
from orchestration.lib.webhooks import WebhookClient, configured_channels
from orchestration.resources import DUCKDB_POOL, AlertSettings, Settings

ALERT_DELIVERIES_KEY = dg.AssetKey(["alerts", "alert_deliveries"])


@dg.asset(
    key=ALERT_DELIVERIES_KEY,
    deps=[SERVING_ASSET_KEY],
    group_name="alerts",
    owners=[owner_of_group("marts")],
    kinds={"slack", "teams"},
    pool=DUCKDB_POOL,
    description="Posts each alert of the serving copy not yet delivered to Slack / Teams (AR_SLACK_WEBHOOK_URL, "
    "AR_TEAMS_WEBHOOK_URL) and records every attempt in marts.exception_deliveries.",
)
def alert_deliveries(
    context: dg.AssetExecutionContext, settings: Settings, alerting: AlertSettings
) -> dg.MaterializeResult:
    channels = configured_channels()
    rules = alerting.delivery_rules()
    with WebhookClient(alerting.webhook_policy()) as client:
        report = deliver_new_alerts(
            settings.serving_duckdb_path, settings.duckdb_path, channels, rules, client, log=context.log.warning
        )
    names = ", ".join(channel.name for channel in channels) or "none"
    open_breakers = f" ({report.open_breakers})" if report.open_breakers else ""
    context.log.info(
        f"Sent {report.sent}, failed {report.failed}, already delivered {report.already_delivered}, "
        f"deferred alerts {report.deferred_alerts}, deferred by an open breaker {report.deferred_by_breaker}"
        f"{open_breakers}, deferred at the time bound {report.deferred_by_time_bound} (channels: {names})"
    )
    if report.given_up:
        context.log.error(
            f"{report.given_up} deliveries given up after {rules.max_failed_attempts} failed attempts "
            "each: see marts.exception_deliveries (status failed) for the errors."
        )
    return dg.MaterializeResult(metadata={**dataclasses.asdict(report), "pending": report.pending, "channels": names})
