"""The one Dagster code location: the features of orchestration/defs/ merged."""

from types import ModuleType

import dagster as dg

from orchestration.defs import alerts, dbt, quality, reports, serving
from orchestration.resources import AlertSettings, Settings, dbt_resource, load_code_location

FEATURES: tuple[ModuleType, ...] = (dbt, quality, serving, alerts, reports)


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """Everything the features define, on the settings of the environment unless given."""
    settings = settings or Settings.from_env()
    location = load_code_location(settings)
    shared = dg.Definitions(
        resources={"dbt": dbt_resource(location.project), "settings": settings, "alerting": AlertSettings.from_env()}
    )
    return dg.Definitions.merge(shared, *(feature.build_definitions(location) for feature in FEATURES))


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
