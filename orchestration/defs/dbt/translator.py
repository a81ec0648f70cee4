"""How dbt nodes appear in Dagster: asset keys, groups (layer and area) and owners, named once.

landing file  billing/invoices.csv          -> landing/billing/invoices   group landing_billing
staging       models/staging/billing/...    -> staging/stg_billing__...   group staging_billing
intermediate  models/intermediate/receivables/... -> intermediate/int_... group intermediate_receivables
marts         models/marts/receivables/...  -> marts/fct_kpi_monthly      group marts_receivables
seeds                                        -> reference/<seed>          group reference
snapshots     snapshots/...                 -> snapshots/snap_...         group snapshots
"""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

LANDING_LAYER = "landing"
REFERENCE_GROUP = "reference"
SNAPSHOT_GROUP = "snapshots"

# One owner per group. A group not listed falls back to the owner of its layer.
OWNERS_BY_LAYER: Mapping[str, str] = {
    "landing": "team:data-platform",
    "staging": "team:data-platform",
    "intermediate": "team:analytics-engineering",
    "marts": "team:ar-finance",
    "reference": "team:ar-finance",
    "snapshots": "team:data-platform",
}
OWNERS_BY_GROUP: Mapping[str, str] = {
    "marts_cash_application": "team:treasury",
    "marts_finance": "team:accounting",
    "marts_collection": "team:collections",
}


def owner_of_group(group_name: str) -> str:
    """The team answerable for a group: its own entry, else its layer's."""
    if group_name in OWNERS_BY_GROUP:
        return OWNERS_BY_GROUP[group_name]
    layer = group_name.split("_", 1)[0]
    return OWNERS_BY_LAYER.get(layer, OWNERS_BY_LAYER["marts"])


def landing_asset_key(system: str, table: str) -> dg.AssetKey:
    """The asset of one landing file, `<landing>/<system>/<table>.csv` (or .parquet)."""
    return dg.AssetKey([LANDING_LAYER, system, table])


def landing_group(system: str) -> str:
    return f"{LANDING_LAYER}_{system}"


class ArDbtTranslator(DagsterDbtTranslator):
    """Keys by warehouse schema, groups by layer and area (the folders of models/), one owner per group.

    dbt tests become asset checks, source tests included: a test on a landing file is a check on
    that file's asset.
    """

    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_source_tests_as_checks=True)
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return landing_asset_key(dbt_resource_props["source_name"], dbt_resource_props["name"])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            return landing_group(dbt_resource_props["source_name"])
        if resource_type == "seed":
            return REFERENCE_GROUP
        if resource_type == "snapshot":
            return SNAPSHOT_GROUP
        # fqn: [project, layer, area, (sub-folder …), name]; a model directly under its layer
        # (staging/rejected_rows) belongs to the layer's shared group.
        folders = list(dbt_resource_props["fqn"][1:-1])
        layer = folders[0] if folders else "marts"
        area = folders[1] if len(folders) > 1 else "shared"
        return f"{layer}_{area}"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        group_name = self.get_group_name(dbt_resource_props)
        return [owner_of_group(group_name)] if group_name else []
