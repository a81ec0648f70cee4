"""Quality: Great Expectations suites on the landing files and the key marts, as asset checks."""

import dagster as dg

from orchestration.defs.quality.checks import build_landing_checks, build_mart_checks
from orchestration.resources import CodeLocation


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(asset_checks=[build_landing_checks(location), build_mart_checks()])
