"""The management reports as assets after the publication, written into AR_REPORTS_DIR (default `reports`)."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.lib.reports import (
    ReportDataMissing,
    WrittenReport,
    write_monthly_departments,
    write_quarterly_risk,
    write_weekly_executive,
)
from orchestration.defs.dbt.translator import owner_of_group
from orchestration.defs.serving.assets import SERVING_ASSET_KEY
from orchestration.resources import REPO_ROOT, CodeLocation, Settings

REPORT_GROUP = "reports"


def reports_dir() -> Path:
    path = Path(os.environ.get("AR_REPORTS_DIR") or "reports")
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class ReportSpec:
    name: str
    description: str
    write: Callable[[Path, Path], WrittenReport]


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec("weekly_executive", "週次エグゼクティブレポート (seed 000): open AR, DSO trend against target, "
               "improvement rates. reports/weekly_executive_<as-of date>.html", write_weekly_executive),
    ReportSpec("monthly_departments", "月次部門別レポート (seed 000): KPIs by team, error rates, improvement actions "
               "and their completion. reports/monthly_departments_<YYYY-MM>.html", write_monthly_departments),
    ReportSpec("quarterly_risk", "四半期リスクレポート (seed 000): write-offs and their P&L impact, the customer risk "
               "map. reports/quarterly_risk_<YYYY>Q<n>.html", write_quarterly_risk),
)


def build_report_asset(spec: ReportSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey([REPORT_GROUP, spec.name]),
        deps=[SERVING_ASSET_KEY],
        group_name=REPORT_GROUP,
        owners=[owner_of_group("marts")],
        kinds={"html"},
        description=f"{spec.description} Written from the serving copy into AR_REPORTS_DIR.",
    )
    def report(context: dg.AssetExecutionContext, settings: Settings) -> dg.MaterializeResult:
        if not settings.serving_duckdb_path.exists():
            raise dg.Failure(f"No serving copy at {settings.serving_duckdb_path}: publish the marts first.",
                             allow_retries=False)
        try:
            written = spec.write(settings.serving_duckdb_path, reports_dir())
        except ReportDataMissing as missing:
            raise dg.Failure(str(missing), allow_retries=False) from missing
        context.log.info(f"Wrote {written.path}")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(written.path)),
            "period": written.period,
            **{name: value for name, value in written.figures.items() if value is not None},
        })

    return report


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(assets=[build_report_asset(spec) for spec in REPORTS])
