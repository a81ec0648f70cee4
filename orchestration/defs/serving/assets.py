"""The serving copy as an asset, refused while a blocking check's latest result is a failure."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg

from orchestration.defs.dbt.assets import build_dbt_assets
from orchestration.defs.dbt.translator import ArDbtTranslator, owner_of_group
from orchestration.defs.quality.checks import blocking_gx_checks
from orchestration.lib.masking import MaskedServing, masking_plan
from orchestration.lib.serving import PUBLISHED_SCHEMAS, PublicationError, PublishedTable, publish
from orchestration.lib.warehouse import duckdb_connection, failing_checks
from orchestration.resources import DUCKDB_POOL, TRANSIENT_RETRY, CodeLocation, Settings, step_failure

SERVING_ASSET_KEY = dg.AssetKey(["serving", "published_marts"])
SERVING_GROUP = "serving"


def published_model_keys(manifest: Mapping[str, Any]) -> list[dg.AssetKey]:
    translator = ArDbtTranslator()
    keys = {
        translator.get_asset_key(node)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["schema"] in PUBLISHED_SCHEMAS
        and node["config"].get("materialized") != "ephemeral"
    }
    return sorted(keys, key=lambda key: key.to_user_string())


def blocking_checks(location: CodeLocation) -> set[dg.AssetCheckKey]:
    """dbt tests of error severity (dagster-dbt makes those blocking) and error-severity suites."""
    dbt_checks = {spec.key for spec in build_dbt_assets(location).check_specs if spec.blocking}
    return dbt_checks | blocking_gx_checks(location)


def build_publication_asset(location: CodeLocation) -> dg.AssetsDefinition:
    audited = sorted(blocking_checks(location), key=lambda key: key.to_user_string())

    @dg.asset(
        key=SERVING_ASSET_KEY,
        deps=published_model_keys(location.manifest),
        group_name=SERVING_GROUP,
        owners=[owner_of_group("marts")],
        kinds={"duckdb", "parquet"},
        pool=DUCKDB_POOL,
        retry_policy=TRANSIENT_RETRY,
        description="The read-only serving copy of the marts for BI tools and reports: "
        "AR_SERVING_DUCKDB_PATH and AR_SERVING_PARQUET_DIR/current/<mart>.parquet.",
    )
    def published_marts(context: dg.AssetExecutionContext, settings: Settings) -> dg.MaterializeResult:
        if settings.duckdb_path.exists():
            with duckdb_connection(settings.duckdb_path, read_only=True) as warehouse:
                failing = failing_checks(warehouse, [(key.asset_key.to_user_string(), key.name) for key in audited])
            if failing:
                raise dg.Failure(
                    description="Not published: the latest result of these blocking checks is a failure; "
                    "the previous serving copy stays in place.",
                    metadata={"failing_checks": dg.MetadataValue.md("\n".join(f"- {a}: {c}" for a, c in failing))},
                    allow_retries=False,
                )
        started = dt.datetime.now()
        try:
            plan, note = masking_plan(location.manifest, PUBLISHED_SCHEMAS, settings.serving_mask_people)
            masked = MaskedServing(settings.serving_masked_duckdb_path, plan) if plan else None
            if plan is None:
                stale = settings.serving_masked_duckdb_path
                context.log.warning(
                    note + (f" {stale} is left from an earlier run: not updated." if stale.exists() else "")
                )
            publication = publish(
                settings.duckdb_path,
                settings.serving_duckdb_path,
                settings.serving_parquet_dir,
                context.run.run_id,
                settings.serving_formats,
                masked,
            )
            published, version = publication.tables, publication.parquet_version
        except PublicationError as error:
            raise dg.Failure(description=str(error), allow_retries=False) from error
        except Exception as error:
            raise step_failure(f"{type(error).__name__}: {error}") from error
        return dg.MaterializeResult(
            metadata={
                "serving_duckdb": dg.MetadataValue.path(str(settings.serving_duckdb_path)),
                "parquet_current": dg.MetadataValue.path(str(settings.serving_parquet_dir / "current")),
                "parquet_version": version.name,
                "masked_duckdb": dg.MetadataValue.path(str(settings.serving_masked_duckdb_path))
                if masked
                else "not written",
                "masked_columns": publication.masked_columns or 0,
                "tables": dg.MetadataValue.md(_tables_markdown(published)),
                "dagster/row_count": sum(table.row_count for table in published),
                "seconds": round((dt.datetime.now() - started).total_seconds(), 1),
            }
        )

    return published_marts


def _tables_markdown(published: Sequence[PublishedTable]) -> str:
    return "\n".join(
        ["| table | rows |", "|---|---|", *(f"| {t.schema_name}.{t.table_name} | {t.row_count} |" for t in published)]
    )
