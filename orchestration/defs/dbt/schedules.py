"""The daily batch (日次バッチ): every landing file, every dbt model and test, every suite, then
the serving copy, alert delivery and reports (everything downstream).

The schedule runs it every day; once a week (AR_FULL_TEST_WEEKDAY, default Sunday) its row-level dbt
tests read every row, on the other days only the recent ones (macros/test_scope.sql). The run's tag
`ar/test_scope` carries the scope to the dbt step; a run started by hand or by the landing sensor has
no such tag and tests every row."""

import datetime
import os
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.resources import DUCKDB_WRITER_TAG

# Cron and timezone of the daily batch; the default is 06:00 in Tokyo, before the working day.
DAILY_CRON = os.environ.get("AR_DAILY_CRON") or "0 6 * * *"
TIMEZONE = "Asia/Tokyo"
TEST_SCOPE_TAG = "ar/test_scope"
TEST_SCOPES = ("full", "recent")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def full_test_weekday(setting: str | None = None) -> int:
    """The weekday (0 = Monday) of the run whose tests read every row: AR_FULL_TEST_WEEKDAY, mon … sun."""
    given = os.environ.get("AR_FULL_TEST_WEEKDAY", "") if setting is None else setting
    name = (given.strip() or "sun").lower()[:3]
    if name not in WEEKDAYS:
        raise ValueError(f"AR_FULL_TEST_WEEKDAY must name a weekday (mon … sun), got {given!r}")
    return WEEKDAYS.index(name)


def scheduled_test_scope(run_day: datetime.date, weekday: int) -> str:
    """full on the weekly full-test day, recent on the others."""
    return "full" if run_day.weekday() == weekday else "recent"


def run_test_scope(tags: Mapping[str, str]) -> str:
    """The scope a run's dbt tests use: its tag, full without one; an unknown value is an error."""
    scope = tags.get(TEST_SCOPE_TAG, "full")
    if scope not in TEST_SCOPES:
        raise ValueError(f"Run tag {TEST_SCOPE_TAG} must be one of {', '.join(TEST_SCOPES)}, got {scope!r}")
    return scope


# Everything, checks on the landing files included (a plain asset selection would leave out the
# checks of assets it does not materialise).
EVERYTHING = dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks()

daily_build = dg.define_asset_job(
    name="daily_build",
    selection=EVERYTHING,
    description="日次バッチ: landing suites, dbt build with every test, mart suites, publication, alerts, reports.",
    tags={DUCKDB_WRITER_TAG: "build"},
)

FULL_TEST_WEEKDAY = full_test_weekday()


@dg.schedule(
    name="daily_build_schedule",
    job=daily_build,
    cron_schedule=DAILY_CRON,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        f"日次バッチ at {DAILY_CRON} ({TIMEZONE}); AR_DAILY_CRON changes it. Row-level tests read every row on "
        f"{WEEKDAYS[FULL_TEST_WEEKDAY]} (週次の全件テスト, AR_FULL_TEST_WEEKDAY), the recent rows on the other days."
    ),
)
def daily_build_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    scheduled = context.scheduled_execution_time or datetime.datetime.now(ZoneInfo(TIMEZONE))
    run_day = scheduled.astimezone(ZoneInfo(TIMEZONE)).date()
    return dg.RunRequest(tags={TEST_SCOPE_TAG: scheduled_test_scope(run_day, FULL_TEST_WEEKDAY)})
