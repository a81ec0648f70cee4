"""The daily batch (日次バッチ): every landing file, every dbt model and test, every suite, then
the serving copy, alert delivery and reports (everything downstream)."""

import os

import dagster as dg

from orchestration.resources import DUCKDB_WRITER_TAG

# Cron and timezone of the daily batch; the default is 06:00 in Tokyo, before the working day.
DAILY_CRON = os.environ.get("AR_DAILY_CRON") or "0 6 * * *"
TIMEZONE = "Asia/Tokyo"

# Everything, checks on the landing files included (a plain asset selection would leave out the
# checks of assets it does not materialise).
EVERYTHING = dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks()

daily_build = dg.define_asset_job(
    name="daily_build",
    selection=EVERYTHING,
    description="日次バッチ: landing suites, dbt build with every test, mart suites, publication, alerts, reports.",
    tags={DUCKDB_WRITER_TAG: "build"},
)

daily_build_schedule = dg.ScheduleDefinition(
    name="daily_build_schedule",
    job=daily_build,
    cron_schedule=DAILY_CRON,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=f"日次バッチ at {DAILY_CRON} ({TIMEZONE}); AR_DAILY_CRON changes it.",
)
