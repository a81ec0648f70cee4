"""Management reports (seed document 000): `data` reads the report models from the serving copy,
`render` lays them out (Jinja2 templates, `charts` as inline SVG), `write` puts each file in place."""

from orchestration.lib.reports.data import ReportDataMissing
from orchestration.lib.reports.write import (
    WrittenReport,
    write_monthly_departments,
    write_quarterly_risk,
    write_weekly_executive,
)

__all__ = [
    "ReportDataMissing",
    "WrittenReport",
    "write_monthly_departments",
    "write_quarterly_risk",
    "write_weekly_executive",
]
