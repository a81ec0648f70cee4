"""The reports as HTML: Jinja2 templates (templates/*.html.j2, autoescaped) filled with the rows of
the report models, and the charts of charts.py inlined as SVG.

What happens here is layout: number formats (¥, 百万円, %, 日), labels, colours, which rows a table
lists. Every number comes from a report model; each shown figure carries its source as
`data-source="<model>.<column>[?<key>=<value>]"` beside its raw `data-value`, so a test (or anyone)
can look it up in the serving copy.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from orchestration.lib.reports import charts
from orchestration.lib.reports.charts import PALETTE, TARGET_COLOUR, Bubble, Series
from orchestration.lib.reports.data import TOP_RISKS_SHOWN, MonthlyData, QuarterlyData, Row, WeeklyData

TEMPLATES_DIR = Path(__file__).parent / "templates"

RISK_COLOURS: Mapping[str, str] = {"low": "#2e8b57", "medium": "#e0a800", "high": "#e07b00", "critical": "#c62828"}
SEVERITY_COLOURS: Mapping[str, str] = {"critical": "#c62828", "warning": "#e0a800", "info": "#1f5fa8"}
RISK_ORDER = ("critical", "high", "medium", "low")
RISK_LABELS: Mapping[str, str] = {"critical": "要警戒 critical", "high": "高 high", "medium": "中 medium", "low": "低 low"}
SEGMENT_ORDER = ("enterprise", "mid_market", "smb", "(未設定)")
DRIVERS_JA: Mapping[str, str] = {
    "days_past_due": "長期延滞 days past due", "credit_limit_used": "与信使用率 limit use",
    "overdue_share": "延滞比率 overdue share", "paid_late": "支払遅延履歴 paid late",
}
IMPROVEMENT_LABELS: Mapping[str, str] = {
    "open_ar_week_on_week": "未収残 前週比 Open AR, week on week",
    "open_ar_vs_12_weeks_ago": "未収残 12週前比 Open AR vs 12 weeks ago",
    "dso_month_on_month": "DSO 前月比 DSO, month on month",
    "dso_vs_3_months_earlier": "DSO 3か月前比 DSO vs 3 months earlier",
}
ERROR_CATEGORIES: tuple[tuple[str, str], ...] = (("matching", "照合"), ("input", "入力"), ("processing", "処理"))


def as_float(value: Any) -> float | None:
    if value is None:
        return None
    number_value = float(value)
    return None if math.isnan(number_value) else number_value


def yen(value: Any) -> str:
    number_value = as_float(value)
    return "—" if number_value is None else f"¥{number_value:,.0f}"


def million_yen(value: Any) -> str:
    number_value = as_float(value)
    return "—" if number_value is None else f"{number_value / 1e6:,.1f} 百万円"


def number(value: Any, decimals: int = 1, unit: str = "") -> str:
    number_value = as_float(value)
    return "—" if number_value is None else f"{number_value:,.{decimals}f}{unit}"


def percent(value: Any, decimals: int = 1) -> str:
    return number(value, decimals, "%")


def signed(value: Any, decimals: int = 1, unit: str = "") -> str:
    number_value = as_float(value)
    return "—" if number_value is None else f"{number_value:+,.{decimals}f}{unit}"


def signed_million_yen(value: Any) -> str:
    number_value = as_float(value)
    return "—" if number_value is None else f"{number_value / 1e6:+,.1f} 百万円"


def count(value: Any, unit: str = "") -> str:
    return "—" if value is None else f"{int(value):,}{unit}"


def month_label(day: dt.date | None) -> str:
    return "—" if day is None else f"{day:%Y-%m}"


def short_month(day: dt.date) -> str:
    return f"{day:%y/%m}"


def trend_class(change: Any, lower_is_better: bool = True) -> str:
    """good / bad / neutral for a change: the colour of an arrow, not a figure."""
    value = as_float(change)
    if value is None or value == 0:
        return "neutral"
    return "good" if (value < 0) == lower_is_better else "bad"


def difference(after: Any, before: Any) -> float | None:
    """For colouring only: how far after lies above before."""
    after_value, before_value = as_float(after), as_float(before)
    return None if after_value is None or before_value is None else after_value - before_value


def source(model: str, column: str, **key: Any) -> str:
    """`model.column?key=value`: where a figure comes from (see the module docstring)."""
    keys = "&".join(f"{name}={'' if value is None else value}" for name, value in key.items())
    return f"{model}.{column}" + (f"?{keys}" if keys else "")


def alpha_hex(alpha: float) -> str:
    return f"{max(0, min(255, round(alpha * 255))):02x}"


def millions(values: Sequence[Any]) -> list[float | None]:
    return [None if (number_value := as_float(value)) is None else number_value / 1e6 for value in values]


def floats(values: Sequence[Any]) -> list[float | None]:
    return [as_float(value) for value in values]


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(yen=yen, million_yen=million_yen, number=number, percent=percent, signed=signed,
                       signed_million_yen=signed_million_yen, count=count, month_label=month_label)
    env.globals.update(trend_class=trend_class, difference=difference, source=source, alpha_hex=alpha_hex,
                       RISK_COLOURS=RISK_COLOURS, SEVERITY_COLOURS=SEVERITY_COLOURS, RISK_ORDER=RISK_ORDER,
                       RISK_LABELS=RISK_LABELS, DRIVERS_JA=DRIVERS_JA, IMPROVEMENT_LABELS=IMPROVEMENT_LABELS,
                       ERROR_CATEGORIES=ERROR_CATEGORIES, TOP_RISKS_SHOWN=TOP_RISKS_SHOWN)
    return env


def _render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_weekly(data: WeeklyData) -> str:
    ar_chart = charts.line_chart(
        "weekly-open-ar", "未収残高の推移 (週末) Open AR by week", [f"{row['balance_date']:%m/%d}" for row in data.weeks],
        [Series("未収残高 Open AR", millions([row["open_ar_amount"] for row in data.weeks]), PALETTE[0]),
         Series("うち延滞 Overdue", millions([row["overdue_ar_amount"] for row in data.weeks]), PALETTE[3])],
        formatter=lambda value: f"{value:,.0f}百万", include_zero=True)
    dso_chart = charts.line_chart(
        "weekly-dso", "DSOトレンドと目標 DSO trend against target", [short_month(row["month_start"]) for row in data.months],
        [Series("DSO 実績 actual", floats([row["dso_days"] for row in data.months]), PALETTE[0]),
         Series("目標 target", floats([row["dso_days_target"] for row in data.months]), TARGET_COLOUR, dashed=True)],
        formatter=lambda value: f"{value:,.0f}日", include_zero=True)
    iso = data.as_of.isocalendar()
    return _render("weekly_executive.html.j2", data=data, h=data.headline, iso_year=iso.year, iso_week=iso.week,
                   ar_chart=Markup(ar_chart), dso_chart=Markup(dso_chart), basis=improvement_basis)


def improvement_basis(row: Row) -> str:
    def label(day: dt.date | None) -> str:
        if day is None:
            return "—"
        return day.isoformat() if row["period_grain"] == "week" else month_label(day)

    return f"{label(row['before_period_date'])} → {label(row['after_period_date'])}"


def render_monthly(data: MonthlyData) -> str:
    h = data.headline
    ar_teams = [row for row in data.teams if row["has_receivables"]]
    process_teams = [row for row in data.teams if row["tasks_completed_count"] or row["backlog_count"]]
    error_teams = [row for row in data.teams
                   if any(row[f"{category}_items_processed_count"] for category, _ in ERROR_CATEGORIES)]
    action_teams = [row for row in data.teams if row["exceptions_opened_count"]]
    target = as_float(h["dso_days_target"])
    dso_chart = charts.bar_chart(
        "monthly-team-dso", "チーム別DSO DSO by team", [row["team"] for row in ar_teams],
        [Series("DSO", floats([row["dso_days"] for row in ar_teams]), PALETTE[0])],
        formatter=lambda value: f"{value:,.1f}日",
        reference=(f"目標 {number(target, 0)}日", target) if target is not None else None, height=240)
    error_chart = charts.bar_chart(
        "monthly-error-rates", "チーム別エラー率 Error rate by team and category", [row["team"] for row in error_teams],
        [Series(f"{label} {category}", floats([row[f"{category}_error_rate_pct"] for row in error_teams]), PALETTE[i])
         for i, (category, label) in enumerate(ERROR_CATEGORIES)],
        formatter=lambda value: f"{value:,.1f}%", height=250)
    action_chart = charts.bar_chart(
        "monthly-exceptions", "チーム別 例外対応 Exceptions by team: opened and resolved",
        [row["team"] for row in action_teams],
        [Series("起票 opened", floats([row["exceptions_opened_count"] for row in action_teams]), PALETTE[1]),
         Series("解決 resolved", floats([row["exceptions_resolved_count"] for row in action_teams]), PALETTE[2])],
        formatter=lambda value: f"{value:,.0f}", height=230)
    return _render("monthly_departments.html.j2", data=data, h=h, ar_teams=ar_teams, process_teams=process_teams,
                   error_teams=error_teams, dso_chart=Markup(dso_chart), error_chart=Markup(error_chart),
                   action_chart=Markup(action_chart))


def quarter_label(row: Row) -> str:
    return f"{row['quarter_year']}Q{row['quarter_number']}"


def render_quarterly(data: QuarterlyData) -> str:
    h = data.headline
    quarter_end = _add_months(h["quarter_start"], 3) - dt.timedelta(days=1)
    impact_chart = charts.bar_chart(
        "quarterly-pl-impact", "四半期別 貸倒損失と回収費用 Write-offs and legal collection cost by quarter",
        [quarter_label(row) for row in data.quarters],
        [Series("貸倒損失 write-offs", millions([row["write_offs"] for row in data.quarters]), PALETTE[3]),
         Series("法的回収費用 legal cost", millions([row["legal_cost_amount"] for row in data.quarters]), PALETTE[1]),
         Series("法的回収額 legal recovered", millions([row["legal_recovered_amount"] for row in data.quarters]),
                PALETTE[2])],
        formatter=lambda value: f"{value:,.1f}百万", height=260)
    bubbles = [Bubble(f"{row['customer_name']} ({row['risk_segment_label_ja']}): 未収 {yen(row['open_ar_amount'])}",
                      as_float(row["overdue_share_pct"]) or 0.0, as_float(row["credit_limit_used_pct"]) or 0.0,
                      as_float(row["open_ar_amount"]) or 0.0, RISK_COLOURS.get(row["risk_segment"], "#777777"))
               for row in data.risk_map]
    risk_map = charts.risk_map_chart("quarterly-risk-map", "顧客リスクマップ Customer risk map", bubbles,
                                     x_line=20, y_line=100)
    return _render("quarterly_risk.html.j2", data=data, h=h, quarter=data.label, quarter_end=quarter_end,
                   quarter_label=quarter_label, impact_chart=Markup(impact_chart), risk_map=Markup(risk_map),
                   matrix=risk_matrix(data.risk_matrix))


def risk_matrix(cells: Sequence[Row]) -> dict[str, Any]:
    """The matrix's layout: columns in the usual segment order, and each cell's shade."""
    by_cell = {(row["risk_segment"], row["segment"]): row for row in cells}
    segments = [segment for segment in SEGMENT_ORDER if any(key[1] == segment for key in by_cell)]
    segments += sorted({key[1] for key in by_cell} - set(segments))
    largest = max((as_float(row["open_ar_amount"]) or 0.0 for row in cells), default=1.0) or 1.0
    shades = {key: alpha_hex(0.12 + 0.6 * (as_float(row["open_ar_amount"]) or 0.0) / largest)
              for key, row in by_cell.items()}
    return {"segments": segments, "cells": by_cell, "shades": shades}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
