"""dbt: the landing preparation, the dbt models and seeds with their tests as checks, the daily
schedule and the landing sensor."""

import dagster as dg

from orchestration.defs.dbt.assets import build_dbt_assets, build_landing_assets
from orchestration.defs.dbt.schedules import daily_build, daily_build_schedule
from orchestration.defs.dbt.sensors import build_landing_sensor, landing_refresh
from orchestration.resources import CodeLocation


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_landing_assets(location), build_dbt_assets(location)],
        jobs=[daily_build, landing_refresh],
        schedules=[daily_build_schedule],
        sensors=[build_landing_sensor(location)],
    )
