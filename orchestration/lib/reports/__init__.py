"""Management reports (seed document 000, 経営レポート連携), written from the serving copy.

* 週次 `weekly_executive_<as-of date>.html`: open AR week by week, the DSO trend against its
  target, and the improvement rates (未収残・DSOトレンド・改善率をエグゼクティブ向け配信).
* 月次 `monthly_departments_<YYYY-MM>.html`: KPIs by team, error rates, and the improvement
  actions with their completion (部門別レポート＋改善アクションの実施率), for the last closed month.
* 四半期 `quarterly_risk_<YYYY>Q<n>.html`: write-offs and their P&L impact, and the customer risk
  map (貸倒・回収損益影響とリスクマップ更新), for the last complete quarter.

Every figure is a column of a report model (models/reports, published in the marts schema):
`data` reads them, `render` lays them out with the Jinja2 templates in `templates/`, `charts`
draws them with matplotlib as inline SVG, `write` puts the file in place. Each report is one
self-contained HTML file: CSS inline, no script, no reference outside the file. No Dagster here:
the assets are in orchestration/defs/reports.
"""

from orchestration.lib.reports.data import ReportDataMissing
from orchestration.lib.reports.write import (
    WrittenReport,
    write_atomically,
    write_monthly_departments,
    write_quarterly_risk,
    write_weekly_executive,
)

__all__ = [
    "ReportDataMissing",
    "WrittenReport",
    "write_atomically",
    "write_monthly_departments",
    "write_quarterly_risk",
    "write_weekly_executive",
]
