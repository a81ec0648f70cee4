"""Serving: the write-audit-publish serving copy BI tools, alerts and reports read."""

import dagster as dg

from orchestration.defs.serving.assets import build_publication_asset
from orchestration.resources import CodeLocation


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(assets=[build_publication_asset(location)])
