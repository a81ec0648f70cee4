"""The one Dagster code location of the warehouse: `dagster dev` and `dagster definitions
validate` load it from the repository root (pyproject.toml names this module).

Each module contributes its part through `build_definitions(location)`; a module may also offer
RUN_FAILURE_HANDLERS, called for every failed run. Adding a module (alerting, reports) is one
import and one entry in MODULES.
"""

from types import ModuleType

import dagster as dg

from orchestration import alerting, assets, checks, publication, schedules, sensors
from orchestration.defs import reports
from orchestration.resources import Settings, dbt_resource, load_code_location

MODULES: tuple[ModuleType, ...] = (assets, checks, publication, schedules, sensors, alerting, reports)


def build_definitions(settings: Settings | None = None, modules: tuple[ModuleType, ...] = MODULES) -> dg.Definitions:
    """Everything the modules define, on the settings of the environment unless given."""
    settings = settings or Settings.from_env()
    handlers = [handler for module in modules for handler in getattr(module, "RUN_FAILURE_HANDLERS", ())]
    location = load_code_location(settings, run_failure_handlers=handlers)
    shared = dg.Definitions(resources={"dbt": dbt_resource(location.project), "settings": settings})
    return dg.Definitions.merge(shared, *(module.build_definitions(location) for module in modules))


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
