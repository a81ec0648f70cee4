"""Management reports (seed document 000, 経営レポート連携), written from the serving copy.

* 週次 `weekly_executive_<as-of date>.html`: open AR week by week, the DSO trend against its
  target, and the improvement rates (未収残・DSOトレンド・改善率をエグゼクティブ向け配信).
* 月次 `monthly_departments_<YYYY-MM>.html`: KPIs by team, error rates, and the improvement
  actions with their completion (部門別レポート＋改善アクションの実施率), for the last closed month.
* 四半期 `quarterly_risk_<YYYY>Q<n>.html`: write-offs and their P&L impact, and the customer risk
  map (貸倒・回収損益影響とリスクマップ更新), for the last complete quarter.

Each is one self-contained HTML file: Japanese labels with English where it helps, charts as
inline SVG drawn here, CSS inline, no script and no reference to anything outside the file, so
it reads offline and can be mailed as it is. The reports read the published serving copy
(AR_SERVING_DUCKDB_PATH), never the build file: the same audited numbers the BI tools show.

| variable        | meaning                          | default                   |
|-----------------|----------------------------------|---------------------------|
| AR_REPORTS_DIR  | where the reports are written    | reports (under the repo)  |
"""

import datetime as dt
import html
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from orchestration.publication import PUBLICATION_TABLE, SERVING_ASSET_KEY
from orchestration.resources import REPO_ROOT, CodeLocation, Settings, duckdb_connection
from orchestration.translator import owner_of_group

REPORT_GROUP = "reports"
WEEKS_SHOWN = 13
MONTHS_SHOWN = 12
QUARTERS_SHOWN = 6
TOP_RISKS_SHOWN = 15
TOP_WRITE_OFFS_SHOWN = 10
ALERTS_SHOWN = 12

Row = dict[str, Any]


def reports_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    path = Path(environ.get("AR_REPORTS_DIR") or "reports")
    return path if path.is_absolute() else REPO_ROOT / path


# ---------------------------------------------------------------------------------------------
# Numbers as people read them
# ---------------------------------------------------------------------------------------------


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def yen(value: Any) -> str:
    number = _float(value)
    return "—" if number is None else f"¥{number:,.0f}"


def million_yen(value: Any) -> str:
    number = _float(value)
    return "—" if number is None else f"{number / 1e6:,.1f} 百万円"


def number(value: Any, decimals: int = 1, unit: str = "") -> str:
    value = _float(value)
    return "—" if value is None else f"{value:,.{decimals}f}{unit}"


def percent(value: Any, decimals: int = 1) -> str:
    return number(value, decimals, "%")


def signed(value: Any, decimals: int = 1, unit: str = "") -> str:
    value = _float(value)
    return "—" if value is None else f"{value:+,.{decimals}f}{unit}"


def ratio_pct(numerator: Any, denominator: Any) -> float | None:
    numerator, denominator = _float(numerator), _float(denominator)
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def figure(name: str, value: Any, text: str) -> str:
    """A figure with its raw value in data attributes, for tests and anyone scraping the report."""
    raw = "" if value is None else str(value)
    return f'<span data-figure="{esc(name)}" data-value="{esc(raw)}">{esc(text)}</span>'


# ---------------------------------------------------------------------------------------------
# Inline SVG charts, drawn here (no script, no external reference)
# ---------------------------------------------------------------------------------------------

PALETTE = ("#1f5fa8", "#e07b00", "#2e8b57", "#b03a48", "#6a4c93", "#00838f", "#7f8c8d")
RISK_COLOURS: Mapping[str, str] = {"low": "#2e8b57", "medium": "#e0a800", "high": "#e07b00", "critical": "#c62828"}
SEVERITY_COLOURS: Mapping[str, str] = {"critical": "#c62828", "warning": "#e0a800", "info": "#1f5fa8"}


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str = PALETTE[0]
    dashed: bool = False


@dataclass(frozen=True)
class Frame:
    """Plot area inside an SVG canvas."""

    width: int = 720
    height: int = 260
    left: int = 72
    right: int = 24
    top: int = 28
    bottom: int = 44

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if high <= low:
        high = low + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _scale(value: float, low: float, high: float, pixels: float) -> float:
    return 0 if high == low else (value - low) / (high - low) * pixels


def _svg_open(frame: Frame, title: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" '
            f'height="{frame.height}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>')


def _y_axis(frame: Frame, ticks: Sequence[float], formatter: Callable[[float], str]) -> list[str]:
    low, high = ticks[0], ticks[-1]
    parts = []
    for tick in ticks:
        y = frame.top + frame.plot_height - _scale(tick, low, high, frame.plot_height)
        parts.append(f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
                     f'class="grid"/>')
        parts.append(f'<text x="{frame.left - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
                     f'{esc(formatter(tick))}</text>')
    return parts


def _x_labels(frame: Frame, labels: Sequence[str], centre: Callable[[int], float], every: int = 1) -> list[str]:
    y = frame.height - frame.bottom + 18
    return [f'<text x="{centre(index):.1f}" y="{y}" text-anchor="middle" class="tick">{esc(label)}</text>'
            for index, label in enumerate(labels) if index % every == 0 or index == len(labels) - 1]


def _legend(frame: Frame, series: Sequence[Series]) -> list[str]:
    parts, x = [], frame.left
    for item in series:
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        parts.append(f'<line x1="{x}" y1="12" x2="{x + 22}" y2="12" stroke="{item.colour}" stroke-width="3"{dash}/>')
        parts.append(f'<text x="{x + 28}" y="16" class="legend">{esc(item.name)}</text>')
        x += 40 + 8 * len(item.name) + 6 * sum(1 for ch in item.name if ord(ch) > 0x2E80)
    return parts


def _value_range(values: Iterable[float | None], include_zero: bool) -> tuple[float, float]:
    present = [v for v in values if v is not None]
    if not present:
        return 0.0, 1.0
    low, high = min(present), max(present)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    padding = (high - low) * 0.08 or abs(high) * 0.1 or 1
    return (low if include_zero and low == 0 else low - padding), high + padding


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series],
               formatter: Callable[[float], str] = lambda v: f"{v:,.0f}", include_zero: bool = False,
               frame: Frame = Frame()) -> str:
    """Lines over evenly spaced periods; a gap where a value is missing; the last value labelled."""
    ticks = nice_ticks(*_value_range((v for s in series for v in s.values), include_zero))
    low, high = ticks[0], ticks[-1]
    step = frame.plot_width / max(len(labels) - 1, 1)

    def x_of(index: int) -> float:
        return frame.left + index * step

    def y_of(value: float) -> float:
        return frame.top + frame.plot_height - _scale(value, low, high, frame.plot_height)

    parts = [_svg_open(frame, title), *_y_axis(frame, ticks, formatter)]
    parts += _x_labels(frame, labels, x_of, every=max(1, math.ceil(len(labels) / 12)))
    for item in series:
        dash = ' stroke-dasharray="6 4"' if item.dashed else ""
        for segment in _segments(item.values):
            points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in segment)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{item.colour}" stroke-width="2.5"{dash}/>')
        if not item.dashed:
            for index, value in enumerate(item.values):
                if value is not None:
                    parts.append(f'<circle cx="{x_of(index):.1f}" cy="{y_of(value):.1f}" r="3.2" fill="{item.colour}">'
                                 f'<title>{esc(labels[index])}: {esc(formatter(value))}</title></circle>')
        last = next(((i, v) for i, v in reversed(list(enumerate(item.values))) if v is not None), None)
        if last and not item.dashed:
            parts.append(f'<text x="{x_of(last[0]) - 4:.1f}" y="{y_of(last[1]) - 9:.1f}" text-anchor="end" '
                         f'class="value" fill="{item.colour}">{esc(formatter(last[1]))}</text>')
    parts += _legend(frame, series)
    parts.append("</svg>")
    return "".join(parts)


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    segments: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((index, value))
    return [segment for segment in segments if segment]


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series],
              formatter: Callable[[float], str] = lambda v: f"{v:,.0f}", reference: tuple[str, float] | None = None,
              frame: Frame = Frame()) -> str:
    """Grouped bars per category, value on each bar, optional horizontal reference (a target)."""
    values = [v for s in series for v in s.values]
    if reference:
        values.append(reference[1])
    ticks = nice_ticks(*_value_range(values, include_zero=True))
    low, high = ticks[0], ticks[-1]
    group_width = frame.plot_width / max(len(labels), 1)
    bar_width = min(44.0, group_width * 0.8 / max(len(series), 1))

    def y_of(value: float) -> float:
        return frame.top + frame.plot_height - _scale(value, low, high, frame.plot_height)

    def centre(index: int) -> float:
        return frame.left + group_width * (index + 0.5)

    parts = [_svg_open(frame, title), *_y_axis(frame, ticks, formatter), *_x_labels(frame, labels, centre)]
    zero = y_of(0.0)
    # Narrow bars carry no label but the largest (each bar has its value as a tooltip).
    max_value = max((v for s in series for v in s.values if v is not None), default=None)
    for position, item in enumerate(series):
        for index, value in enumerate(item.values):
            if value is None:
                continue
            x = centre(index) - bar_width * len(series) / 2 + bar_width * position
            top, bottom = sorted((y_of(value), zero))
            parts.append(f'<rect x="{x + 1:.1f}" y="{top:.1f}" width="{bar_width - 2:.1f}" '
                         f'height="{max(bottom - top, 0.5):.1f}" fill="{item.colour}">'
                         f'<title>{esc(labels[index])} {esc(item.name)}: {esc(formatter(value))}</title></rect>')
            if value != 0 and (bar_width >= 30 or len(series) == 1 or value == max_value):
                parts.append(f'<text x="{x + bar_width / 2:.1f}" y="{top - 4:.1f}" text-anchor="middle" '
                             f'class="value">{esc(formatter(value))}</text>')
    if reference:
        y = y_of(reference[1])
        parts.append(f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
                     f'stroke="#c62828" stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{frame.width - frame.right}" y="{y - 5:.1f}" text-anchor="end" class="value" '
                     f'fill="#c62828">{esc(reference[0])}</text>')
    if len(series) > 1:
        parts += _legend(frame, series)
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Bubble:
    label: str
    x: float
    y: float
    size: float
    colour: str


def risk_map_chart(title: str, bubbles: Sequence[Bubble], x_line: float, y_line: float,
                   frame: Frame = Frame(width=720, height=380, bottom=52)) -> str:
    """Customers by overdue share (x) and credit-limit use (y), area by open AR, quadrant lines at
    the alert thresholds."""
    x_ticks = nice_ticks(0, 100)
    y_max = max([y_line * 1.2, *(b.y for b in bubbles)]) if bubbles else y_line * 1.2
    y_ticks = nice_ticks(0, min(y_max, 400))
    largest = max((b.size for b in bubbles), default=1) or 1

    def x_of(value: float) -> float:
        return frame.left + _scale(min(max(value, 0), x_ticks[-1]), 0, x_ticks[-1], frame.plot_width)

    def y_of(value: float) -> float:
        return frame.top + frame.plot_height - _scale(min(max(value, 0), y_ticks[-1]), 0, y_ticks[-1], frame.plot_height)

    parts = [_svg_open(frame, title), *_y_axis(frame, y_ticks, lambda v: f"{v:,.0f}%")]
    for tick in x_ticks:
        parts.append(f'<text x="{x_of(tick):.1f}" y="{frame.height - frame.bottom + 18}" text-anchor="middle" '
                     f'class="tick">{tick:,.0f}%</text>')
    parts.append(f'<text x="{frame.left + frame.plot_width / 2:.1f}" y="{frame.height - 8}" text-anchor="middle" '
                 f'class="axis">延滞比率 Overdue share of open AR</text>')
    parts.append(f'<text x="14" y="{frame.top + frame.plot_height / 2:.1f}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 14 {frame.top + frame.plot_height / 2:.1f})">与信使用率 Credit-limit use</text>')
    for x1, y1, x2, y2 in ((x_of(x_line), frame.top, x_of(x_line), frame.top + frame.plot_height),
                           (frame.left, y_of(y_line), frame.width - frame.right, y_of(y_line))):
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#c62828" '
                     f'stroke-width="1.5" stroke-dasharray="5 4"/>')
    for bubble in sorted(bubbles, key=lambda b: -b.size):
        radius = 3 + 15 * math.sqrt(max(bubble.size, 0) / largest)
        parts.append(f'<circle cx="{x_of(bubble.x):.1f}" cy="{y_of(bubble.y):.1f}" r="{radius:.1f}" '
                     f'fill="{bubble.colour}" fill-opacity="0.55" stroke="{bubble.colour}">'
                     f'<title>{esc(bubble.label)}</title></circle>')
    parts.append(f'<text x="{frame.width - frame.right - 4}" y="{frame.top + 14}" text-anchor="end" class="legend" '
                 f'fill="#c62828">高延滞 × 与信超過 High overdue × over limit</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# HTML pieces
# ---------------------------------------------------------------------------------------------

STYLE = """
body{font-family:"Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Noto Sans JP","Yu Gothic",
"Meiryo",system-ui,sans-serif;color:#1d2733;margin:0;background:#f4f6f9;line-height:1.5}
main{max-width:980px;margin:0 auto;padding:24px 28px 48px;background:#fff}
header{border-bottom:4px solid #1f5fa8;margin-bottom:18px;padding-bottom:10px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-left:5px solid #1f5fa8;padding-left:8px}
h3{font-size:15px;margin:18px 0 6px}.meta{color:#5b6b7d;font-size:13px}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin:12px 0}
.tile{border:1px solid #d8dee6;border-radius:6px;padding:10px 12px;background:#fafbfd}
.tile .label{font-size:12px;color:#5b6b7d}.tile .value{font-size:22px;font-weight:700;margin:2px 0}
.tile .sub{font-size:12px}.good{color:#2e7d32}.bad{color:#c62828}.neutral{color:#5b6b7d}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 10px}
th,td{border-bottom:1px solid #e3e8ef;padding:5px 7px;text-align:right}
td{white-space:nowrap}th{background:#eef2f7;font-weight:600;text-align:center;font-size:12px;line-height:1.3}
td.text,th.text{text-align:left}td.text{white-space:normal;min-width:5em}
.chart{max-width:100%;height:auto;display:block;margin:6px 0 4px}
.chart .grid{stroke:#e3e8ef;stroke-width:1}.chart .tick{font-size:11px;fill:#5b6b7d}
.chart .legend{font-size:12px;fill:#1d2733}.chart .value{font-size:11px;font-weight:600;fill:#1d2733}
.chart .axis{font-size:12px;fill:#5b6b7d}
.note{font-size:12px;color:#5b6b7d}th .en{font-weight:400;color:#5b6b7d;font-size:11px}.badge{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:11px}
footer{margin-top:32px;font-size:11px;color:#7a8796;border-top:1px solid #e3e8ef;padding-top:8px}
@media print{body{background:#fff}main{padding:0}}
"""


def page(title: str, subtitle: str, sections: Sequence[str], footer_note: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><main>"
        f"<header><h1>{esc(title)}</h1><div class=\"meta\">{subtitle}</div></header>"
        + "".join(sections)
        + f"<footer>{footer_note}</footer></main></body></html>\n"
    )


@dataclass(frozen=True)
class Tile:
    label: str
    value_html: str
    sub_html: str = ""


def tiles(items: Sequence[Tile]) -> str:
    cells = "".join(f'<div class="tile"><div class="label">{esc(t.label)}</div><div class="value">{t.value_html}</div>'
                    f'<div class="sub">{t.sub_html}</div></div>' for t in items)
    return f'<div class="tiles">{cells}</div>'


def trend_class(change: float | None, lower_is_better: bool) -> str:
    if change is None or change == 0:
        return "neutral"
    return "good" if (change < 0) == lower_is_better else "bad"


@dataclass(frozen=True)
class Column:
    header: str
    render: Callable[[Row], str]
    is_text: bool = False


def header_html(text: str) -> str:
    """'処理件数 Handled' -> the Japanese label over the English one, so tables stay narrow."""
    for index, character in enumerate(text):
        if character == " " and any(ord(ch) > 0x2E80 for ch in text[:index]):
            return f'{esc(text[:index])}<br><span class="en">{esc(text[index + 1:])}</span>'
    return esc(text)


def table(columns: Sequence[Column], rows: Sequence[Row], empty: str = "該当なし / none") -> str:
    if not rows:
        return f'<p class="note">{esc(empty)}</p>'
    head = "".join(f'<th class="{"text" if c.is_text else ""}">{header_html(c.header)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="{"text" if c.is_text else ""}">{c.render(row)}</td>' for c in columns) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(title: str, *content: str) -> str:
    return f"<section><h2>{esc(title)}</h2>{''.join(content)}</section>"


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def badge(text: str, colour: str) -> str:
    return f'<span class="badge" style="background:{colour}">{esc(text)}</span>'


# ---------------------------------------------------------------------------------------------
# Reading the serving copy
# ---------------------------------------------------------------------------------------------


def rows(connection: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
    cursor = connection.execute(sql, list(parameters))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


def one(connection: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[Any] = ()) -> Row:
    found = rows(connection, sql, parameters)
    return found[0] if found else {}


def as_of_date(connection: duckdb.DuckDBPyConnection) -> dt.date:
    value = connection.execute("select max(as_of_date) from marts.fct_aging").fetchone()[0]
    if value is None:
        raise dg.Failure("The serving copy has no aging snapshot (marts.fct_aging is empty): nothing to report.",
                         allow_retries=False)
    return value


def publication_note(connection: duckdb.DuckDBPyConnection) -> str:
    published = None
    if _has_table(connection, *PUBLICATION_TABLE.split(".")):
        published = connection.execute(f"select max(published_at) from {PUBLICATION_TABLE}").fetchone()[0]
    published_text = f"公開 Published {published:%Y-%m-%d %H:%M} (Asia/Tokyo) · " if published else ""
    return (f"{published_text}出典 Source: 公開コピー serving copy of the warehouse (marts). "
            "数値は BI ツールと同一 — the same numbers the BI tools show.")


def _has_table(connection: duckdb.DuckDBPyConnection, schema_name: str, table_name: str) -> bool:
    return bool(connection.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = ? "
        "and table_name = ?", [schema_name, table_name]
    ).fetchone()[0])


def month_label(month_start: dt.date) -> str:
    return f"{month_start:%Y-%m}"


def short_month(month_start: dt.date) -> str:
    return f"{month_start:%y/%m}"


def add_months(month_start: dt.date, months: int) -> dt.date:
    index = month_start.year * 12 + month_start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


# ---------------------------------------------------------------------------------------------
# 週次 weekly executive report
# ---------------------------------------------------------------------------------------------


@dataclass
class WeeklyData:
    as_of: dt.date
    weeks: list[Row]
    months: list[Row]
    aging: list[Row]
    alerts: list[Row]
    alert_counts: dict[str, int]
    publication: str


def read_weekly(connection: duckdb.DuckDBPyConnection) -> WeeklyData:
    as_of = as_of_date(connection)
    weeks = rows(connection, f"""
        with dates as (
            select cast(unnest(generate_series(cast(? as date) - interval {7 * (WEEKS_SHOWN - 1)} day,
                                               cast(? as date), interval 7 day)) as date) as balance_date
        )
        select
            dates.balance_date,
            coalesce(sum(history.open_amount), 0) as open_ar,
            -- kpis.md: overdue = the open amount of invoices due on or before the period end
            coalesce(sum(case when history.due_date <= dates.balance_date then history.open_amount else 0 end), 0)
                as overdue_ar
        from dates
        left join marts.fct_invoice_balance_history as history
            on history.valid_from <= dates.balance_date
            and (history.valid_to > dates.balance_date or history.valid_to is null)
        group by dates.balance_date
        order by dates.balance_date
    """, [as_of, as_of])
    months = rows(connection, f"""
        select trend.*, kpi.cash_improvement_pct_target
        from marts.rpt_executive_kpi_trend as trend
        left join marts.fct_kpi_monthly as kpi on trend.month_start = kpi.month_start
        where trend.month_start <= ?
        order by trend.month_start desc
        limit {MONTHS_SHOWN}
    """, [as_of])[::-1]
    aging = rows(connection, """
        select aging_bucket, min(aging_bucket_order) as bucket_order, sum(open_amount) as open_amount,
               count(*) as invoice_count
        from marts.fct_aging where as_of_date = ? group by aging_bucket order by bucket_order
    """, [as_of])
    week_start = as_of - dt.timedelta(days=6)
    alerts = rows(connection, f"""
        select severity, rule_name_ja, subject_type, subject_name, message_ja, detected_date, exception_id
        from marts.fct_kpi_alerts
        where detected_date between ? and ?
        order by severity_rank,
            case subject_type when 'company' then 1 when 'team' then 2 when 'collector' then 3 else 4 end,
            detected_date desc, alert_id
        limit {ALERTS_SHOWN}
    """, [week_start, as_of])
    counts = dict(connection.execute(
        "select severity, count(*) from marts.fct_kpi_alerts where detected_date between ? and ? group by severity",
        [week_start, as_of]).fetchall())
    return WeeklyData(as_of, weeks, months, aging, alerts, counts, publication_note(connection))


@dataclass(frozen=True)
class Improvement:
    label: str
    value: float | None
    unit: str
    lower_is_better: bool
    basis: str


def weekly_improvements(data: WeeklyData) -> list[Improvement]:
    """改善率: positive = better, whatever the direction of the KPI."""
    weeks, months = data.weeks, data.months
    latest, previous_week = weeks[-1], weeks[-2] if len(weeks) > 1 else None
    first_week = weeks[0]
    latest_month = months[-1] if months else {}
    earlier_month = months[-4] if len(months) >= 4 else (months[0] if months else {})
    improvements = [
        Improvement("未収残 前週比 Open AR, week on week",
                    _improvement(previous_week["open_ar"] if previous_week else None, latest["open_ar"]), "%", True,
                    f"{previous_week['balance_date'] if previous_week else '—'} → {latest['balance_date']}"),
        Improvement(f"未収残 {WEEKS_SHOWN - 1}週前比 Open AR vs {WEEKS_SHOWN - 1} weeks ago",
                    _improvement(first_week["open_ar"], latest["open_ar"]), "%", True,
                    f"{first_week['balance_date']} → {latest['balance_date']}"),
        Improvement("DSO 前月比 DSO, month on month",
                    _improvement(months[-2]["dso_days"] if len(months) > 1 else None, latest_month.get("dso_days")),
                    "%", True, f"{month_label(months[-2]['month_start']) if len(months) > 1 else '—'} → "
                               f"{month_label(latest_month['month_start']) if latest_month else '—'}"),
        Improvement("DSO 3か月前比 DSO vs 3 months earlier",
                    _improvement(earlier_month.get("dso_days"), latest_month.get("dso_days")), "%", True,
                    f"{month_label(earlier_month['month_start']) if earlier_month else '—'} → "
                    f"{month_label(latest_month['month_start']) if latest_month else '—'}"),
    ]
    return improvements


def _improvement(before: Any, after: Any) -> float | None:
    """(before − after) / before × 100: how much smaller the amount or the days got."""
    before, after = _float(before), _float(after)
    if before is None or after is None or not before:
        return None
    return (before - after) / before * 100


def render_weekly(data: WeeklyData) -> str:
    latest_week = data.weeks[-1]
    previous_week = data.weeks[-2] if len(data.weeks) > 1 else None
    latest_month = data.months[-1] if data.months else {}
    wow = None if not previous_week else _float(latest_week["open_ar"]) - _float(previous_week["open_ar"])
    dso, target = latest_month.get("dso_days"), latest_month.get("dso_days_target")
    dso_gap = None if dso is None or target is None else _float(dso) - _float(target)
    in_progress = " (月途中 month in progress)" if latest_month.get("is_month_in_progress") else ""
    overdue_pct = ratio_pct(latest_week["overdue_ar"], latest_week["open_ar"])
    cash = latest_month.get("cash_improvement_pct")
    cash_target = latest_month.get("cash_improvement_pct_target")
    iso = data.as_of.isocalendar()
    header_tiles = tiles([
        Tile("未収残高 Open AR", figure("open_ar", latest_week["open_ar"], million_yen(latest_week["open_ar"])),
             f'<span class="{trend_class(wow, True)}">前週比 {esc(signed(wow and wow / 1e6, 1, " 百万円"))}</span>'),
        Tile(f"DSO {month_label(latest_month['month_start']) if latest_month else ''}{in_progress}",
             figure("dso_days", dso, number(dso, 1, " 日")),
             f'<span class="{trend_class(dso_gap, True)}">目標 target {esc(number(target, 0, " 日"))} '
             f'(差 {esc(signed(dso_gap, 1, " 日"))})</span>'),
        Tile("延滞債権比率 Overdue ratio", figure("overdue_pct", overdue_pct, percent(overdue_pct)),
             f'延滞 {figure("overdue_ar", latest_week["overdue_ar"], million_yen(latest_week["overdue_ar"]))}'),
        Tile("現金残高改善率 Cash improvement", figure("cash_improvement_pct", cash, percent(cash)),
             f'<span class="{trend_class(None if cash is None or cash_target is None else _float(cash_target) - _float(cash), True)}">'
             f'目標 target {esc(percent(cash_target))} (seed 001)</span>'),
    ])
    week_labels = [f"{row['balance_date']:%m/%d}" for row in data.weeks]
    ar_chart = line_chart(
        "未収残高の推移 (週末) Open AR by week",
        week_labels,
        [Series("未収残高 Open AR", [_float(r["open_ar"]) / 1e6 for r in data.weeks], PALETTE[0]),
         Series("うち延滞 Overdue", [_float(r["overdue_ar"]) / 1e6 for r in data.weeks], PALETTE[3])],
        formatter=lambda v: f"{v:,.0f}百万", include_zero=True)
    month_labels = [short_month(r["month_start"]) for r in data.months]
    dso_chart = line_chart(
        "DSOトレンドと目標 DSO trend against target",
        month_labels,
        [Series("DSO 実績 actual", [_float(r["dso_days"]) for r in data.months], PALETTE[0]),
         Series("目標 target", [_float(r["dso_days_target"]) for r in data.months], "#c62828", dashed=True)],
        formatter=lambda v: f"{v:,.0f}日", include_zero=True)
    improvements = weekly_improvements(data)
    improvement_table = table([
        Column("指標 Measure", lambda r: esc(r.label), is_text=True),
        Column("改善率 Improvement", lambda r: f'<span class="{trend_class(-(r.value or 0), True)}">'
                                            f'{figure("improvement", r.value, signed(r.value, 1, r.unit))}</span>'),
        Column("比較 Basis", lambda r: esc(r.basis), is_text=True),
    ], improvements)  # type: ignore[arg-type]
    month_table = table([
        Column("月 Month", lambda r: esc(month_label(r["month_start"])) + (" *" if r["is_month_in_progress"] else ""),
               is_text=True),
        Column("月末未収 Ending AR", lambda r: esc(million_yen(r["ending_ar"]))),
        Column("DSO", lambda r: esc(number(r["dso_days"], 1))),
        Column("目標 Target", lambda r: esc(number(r["dso_days_target"], 0))),
        Column("達成率 Achievement", lambda r: esc(percent(r["dso_days_target_achievement_pct"]))),
        Column("前月差 Δ", lambda r: f'<span class="{trend_class(_float(r["dso_change_days"]), True)}">'
                                    f'{esc(signed(r["dso_change_days"], 1))}</span>'),
        Column("回収効率 Coll. eff.", lambda r: esc(percent(r["collection_efficiency_pct"]))),
        Column("CEI", lambda r: esc(percent(r["cei_pct"]))),
        Column("延滞比率 Overdue", lambda r: esc(percent(r["overdue_ratio_pct"]))),
    ], data.months)
    aging_table = table([
        Column("年齢区分 Aging bucket", lambda r: esc(r["aging_bucket"]), is_text=True),
        Column("件数 Invoices", lambda r: esc(f"{r['invoice_count']:,}")),
        Column("残高 Open AR", lambda r: esc(yen(r["open_amount"]))),
        Column("構成比 Share", lambda r: esc(percent(ratio_pct(r["open_amount"], latest_week["open_ar"])))),
    ], data.aging)
    alert_table = table([
        Column("重要度", lambda r: badge(r["severity"], SEVERITY_COLOURS.get(r["severity"], "#777")), is_text=True),
        Column("ルール Rule", lambda r: esc(r["rule_name_ja"]), is_text=True),
        Column("内容 Message", lambda r: esc(r["message_ja"]), is_text=True),
        Column("検知日 Detected", lambda r: esc(r["detected_date"])),
        Column("例外ID", lambda r: esc(r["exception_id"] or "—"), is_text=True),
    ], data.alerts, empty="今週のアラートなし / no alerts this week")
    counts = " · ".join(f"{name} {data.alert_counts.get(name, 0)}" for name in ("critical", "warning", "info"))
    return page(
        f"週次エグゼクティブレポート Weekly executive report — {data.as_of.isoformat()}",
        f"基準日 As of {data.as_of.isoformat()} · {iso.year}年 第{iso.week}週 (ISO week {iso.year}-W{iso.week:02d})",
        [
            header_tiles,
            section("未収残高 Open AR", ar_chart, note("各週末 (基準日から7日ごと) の未収残高と、うち期日が週末以前の残高 (延滞, kpis.md の定義)。"
                                                     " Open AR at each week-end counted back from the as-of date; overdue = due on or "
                                                     "before that day. 年齢区分 (fct_aging) は期日の翌日から延滞 — aging counts "
                                                     "days past due from the day after the due date."),
                    aging_table),
            section("DSOトレンド DSO trend", dso_chart, month_table,
                    note("DSO = 月末売掛金 / 当月純掛売上 × 当月日数 (kpis.md)。目標は seed 001 (65 → 55 → 45 → 40日)。"
                         " * = 月途中 month in progress.")),
            section("改善率 Improvement rates", improvement_table,
                    note("改善率 = (比較時点 − 現在) / 比較時点 × 100。プラスは改善 (未収・DSOの減少)。"
                         " Positive = better (less open AR, fewer days). 現金残高改善率は seed 001 の定義 (基準月末比)。")),
            section(f"今週のアラート Alerts this week ({counts})", alert_table),
        ],
        esc(data.publication),
    )


# ---------------------------------------------------------------------------------------------
# 月次 monthly report by department
# ---------------------------------------------------------------------------------------------


@dataclass
class MonthlyData:
    month_start: dt.date
    company: Row
    teams: list[Row]
    previous_teams: dict[str, Row]
    exceptions_by_rule: list[Row]
    exceptions_total: Row
    status_changes: dict[str, int]
    open_backlog: int
    resolution_tags: list[Row]
    publication: str


def report_month(connection: duckdb.DuckDBPyConnection) -> dt.date:
    """The last closed month (a monthly report is about a finished month), else the latest."""
    closed, latest = connection.execute(
        "select max(case when not is_month_in_progress then month_start end), max(month_start) "
        "from marts.rpt_executive_kpi_trend").fetchone()
    if latest is None:
        raise dg.Failure("The serving copy has no monthly KPIs: nothing to report.", allow_retries=False)
    return closed or latest


def read_monthly(connection: duckdb.DuckDBPyConnection) -> MonthlyData:
    month = report_month(connection)
    next_month = add_months(month, 1)
    company = one(connection, "select * from marts.rpt_executive_kpi_trend where month_start = ?", [month])
    teams = rows(connection, """
        select * from marts.rpt_management_team_progress where month_start = ?
        order by ending_ar desc nulls last, tasks_completed_count desc nulls last, team
    """, [month])
    previous = {row["team"]: row for row in rows(
        connection, "select * from marts.rpt_management_team_progress where month_start = ?", [add_months(month, -1)])}
    exception_columns = """
        count(*) as opened,
        count(*) filter (where status in ('acknowledged', 'resolved')) as acted_on,
        count(*) filter (where status = 'resolved') as resolved,
        median(time_to_resolve_hours) as median_hours_to_resolve,
        count(*) filter (where is_recurrence) as recurrences
    """
    in_month = "detected_date >= ? and detected_date < ?"
    by_rule = rows(connection, f"""
        select rule_name_ja, max(severity) as severity, {exception_columns}
        from marts.exception_ledger where {in_month}
        group by rule_name_ja order by opened desc, rule_name_ja
    """, [month, next_month])
    total = one(connection, f"select {exception_columns} from marts.exception_ledger where {in_month}",
                [month, next_month])
    changes = dict(connection.execute(
        "select status, count(*) from marts.exception_status_history where changed_at >= ? and changed_at < ? "
        "group by status", [month, next_month]).fetchall())
    backlog = connection.execute(
        "select count(*) from marts.exception_ledger where opened_at < ? and (resolved_at is null or resolved_at >= ?)",
        [next_month, next_month]).fetchone()[0]
    tags = rows(connection, """
        select trim(tag) as tag, count(*) as exception_count
        from (select unnest(string_split(resolution_tags, ';')) as tag from marts.exception_ledger
              where resolved_at >= ? and resolved_at < ? and resolution_tags is not null)
        where trim(tag) <> '' group by trim(tag) order by exception_count desc, tag limit 10
    """, [month, next_month])
    return MonthlyData(month, company, teams, previous, by_rule, total, changes, int(backlog), tags,
                       publication_note(connection))


def receivable_teams(teams: Sequence[Row]) -> list[Row]:
    return [row for row in teams if row.get("ending_ar") is not None]


def render_monthly(data: MonthlyData) -> str:
    total = data.exceptions_total
    completion = ratio_pct(total.get("resolved"), total.get("opened"))
    acted = ratio_pct(total.get("acted_on"), total.get("opened"))
    company = data.company
    header_tiles = tiles([
        Tile("全社 DSO Company DSO", figure("company_dso_days", company.get("dso_days"),
                                          number(company.get("dso_days"), 1, " 日")),
             f'目標 target {esc(number(company.get("dso_days_target"), 0, " 日"))}'),
        Tile("例外 起票 Exceptions opened", figure("exceptions_opened", total.get("opened"), f"{total.get('opened') or 0:,}"),
             f'対応着手 acted on {esc(percent(acted))}'),
        Tile("改善アクション実施率 Actions completed", figure("action_completion_pct", completion, percent(completion)),
             f'解決 resolved {total.get("resolved") or 0:,} / 起票 {total.get("opened") or 0:,}'),
        Tile("未解決の例外 (月末) Open exceptions", figure("open_exception_backlog", data.open_backlog,
                                                   f"{data.open_backlog:,}"),
             "月末時点で未解決 unresolved at month end"),
    ])
    ar_teams = receivable_teams(data.teams)
    dso_chart = bar_chart(
        "チーム別DSO DSO by team", [r["team"] for r in ar_teams],
        [Series("DSO", [_float(r["dso_days"]) for r in ar_teams], PALETTE[0])],
        formatter=lambda v: f"{v:,.1f}日",
        reference=(f"目標 {number(company.get('dso_days_target'), 0)}日", _float(company["dso_days_target"]))
        if company.get("dso_days_target") is not None else None,
        frame=Frame(height=240))
    kpi_table = table([
        Column("チーム Team", lambda r: esc(r["team"]), is_text=True),
        Column("月末未収 Ending AR", lambda r: esc(million_yen(r["ending_ar"]))),
        Column("DSO", lambda r: figure(f"team_dso_days:{r['team']}", r["dso_days"], number(r["dso_days"], 1))),
        Column("前月差 Δ", lambda r: _delta(r, data.previous_teams, "dso_days", lower_is_better=True)),
        Column("延滞比率 Overdue", lambda r: esc(percent(r["overdue_ratio_pct"]))),
        Column("CEI", lambda r: esc(percent(r["cei_pct"]))),
        Column("回収額 Collected", lambda r: esc(million_yen(r["collected_amount"]))),
    ], ar_teams)
    process_table = table([
        Column("チーム Team", lambda r: esc(r["team"]), is_text=True),
        Column("担当者 People", lambda r: esc(r["assignee_count"] if r["assignee_count"] is not None else "—")),
        Column("処理件数 Handled", lambda r: esc(number(r["tasks_completed_count"], 0))),
        Column("SLA違反率 SLA breach", lambda r: esc(percent(r["sla_breach_pct"]))),
        Column("滞留 Backlog", lambda r: esc(number(r["backlog_count"], 0))),
        Column("リードタイム中央値 Lead time (h)", lambda r: esc(number(r["lead_time_hours_median"], 1))),
        Column("再発率 Recurrence", lambda r: esc(percent(r["recurrence_pct"]))),
        Column("一次対応完結率 FCR", lambda r: esc(percent(r["first_contact_resolution_pct"]))),
        Column("約束履行率 Promises kept", lambda r: esc(percent(r["promise_kept_pct"]))),
    ], [r for r in data.teams if r.get("tasks_completed_count") or r.get("backlog_count")])
    error_teams = [r for r in data.teams if any(r.get(f"{c}_items_processed_count") for c in ("matching", "input", "processing"))]
    error_chart = bar_chart(
        "チーム別エラー率 Error rate by team and category", [r["team"] for r in error_teams],
        [Series("照合 matching", [_float(r["matching_error_rate_pct"]) for r in error_teams], PALETTE[0]),
         Series("入力 input", [_float(r["input_error_rate_pct"]) for r in error_teams], PALETTE[1]),
         Series("処理 processing", [_float(r["processing_error_rate_pct"]) for r in error_teams], PALETTE[2])],
        formatter=lambda v: f"{v:,.1f}%", frame=Frame(height=250))
    error_table = table([Column("チーム Team", lambda r: esc(r["team"]), is_text=True)] + [
        Column(f"{label} {category}", _error_cell(category)) for category, label in
        (("matching", "照合"), ("input", "入力"), ("processing", "処理"))
    ], error_teams)
    action_chart = bar_chart(
        "チーム別 例外対応 Exceptions by team: opened and resolved",
        [r["team"] for r in data.teams if r.get("exceptions_opened_count")],
        [Series("起票 opened", [_float(r["exceptions_opened_count"]) for r in data.teams if r.get("exceptions_opened_count")], PALETTE[1]),
         Series("解決 resolved", [_float(r["exceptions_opened_count"]) - _float(r["exceptions_unresolved_count"])
                                for r in data.teams if r.get("exceptions_opened_count")], PALETTE[2])],
        frame=Frame(height=230))
    rule_table = table([
        Column("ルール Rule", lambda r: esc(r["rule_name_ja"]), is_text=True),
        Column("起票 Opened", lambda r: esc(f"{r['opened']:,}")),
        Column("対応着手 Acted on", lambda r: esc(f"{r['acted_on']:,}")),
        Column("解決 Resolved", lambda r: esc(f"{r['resolved']:,}")),
        Column("実施率 Completion", lambda r: esc(percent(ratio_pct(r["resolved"], r["opened"])))),
        Column("解決時間中央値 Median h", lambda r: esc(number(r["median_hours_to_resolve"], 1))),
        Column("再発 Recurrences", lambda r: esc(f"{r['recurrences']:,}")),
    ], data.exceptions_by_rule, empty="当月の例外なし / no exceptions this month")
    changes = ", ".join(f"{status} {data.status_changes.get(status, 0):,}" for status in ("open", "acknowledged", "resolved"))
    tags_table = table([
        Column("再発防止策 Prevention tag", lambda r: esc(r["tag"]), is_text=True),
        Column("件数 Exceptions", lambda r: esc(f"{r['exception_count']:,}")),
    ], data.resolution_tags, empty="当月に解決された例外の再発防止策タグなし / no prevention tags this month")
    return page(
        f"月次部門別レポート Monthly report by department — {month_label(data.month_start)}",
        f"対象月 Month {month_label(data.month_start)} (締め済み closed month)",
        [
            header_tiles,
            section("チーム別KPI KPIs by team", dso_chart, kpi_table,
                    note("担当チーム (顧客の担当者の所属) ごとの債権KPI。DSO・延滞比率・CEIは kpis.md の定義、部分和から再計算。")),
            section("業務プロセス Process KPIs", process_table),
            section("エラー率 Error rates", error_chart, error_table,
                    note("エラー率 = エラー件数 / 処理件数 × 100 (照合: 消込取消・名寄せ不能入金, 入力: 隔離行, 処理: 失敗チェック等)。")),
            section("改善アクションと実施率 Improvement actions and completion", action_chart, rule_table,
                    note(f"当月に検知された例外 (例外管理台帳) の対応状況。実施率 = 解決 / 起票。当月のステータス変更: {changes}."),
                    tags_table),
        ],
        esc(data.publication),
    )


def _delta(row: Row, previous: Mapping[str, Row], column: str, lower_is_better: bool) -> str:
    before = previous.get(row["team"], {}).get(column)
    if before is None or row.get(column) is None:
        return "—"
    change = _float(row[column]) - _float(before)
    return f'<span class="{trend_class(change, lower_is_better)}">{esc(signed(change, 1))}</span>'


def _error_cell(category: str) -> Callable[[Row], str]:
    def render(row: Row) -> str:
        errors, items = row.get(f"{category}_error_count"), row.get(f"{category}_items_processed_count")
        if not items:
            return "—"
        return esc(f"{percent(row.get(f'{category}_error_rate_pct'), 2)} ({errors or 0:,}/{items:,})")

    return render


# ---------------------------------------------------------------------------------------------
# 四半期 quarterly risk report
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        return add_months(self.start, 3)  # exclusive

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    def shifted(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)


def report_quarter(connection: duckdb.DuckDBPyConnection) -> Quarter:
    """The last complete quarter: the one whose last month is closed; before any, the current one."""
    closed = connection.execute(
        "select max(month_start) from marts.rpt_executive_kpi_trend where not is_month_in_progress").fetchone()[0]
    if closed is None:
        latest = connection.execute("select max(month_start) from marts.rpt_executive_kpi_trend").fetchone()[0]
        if latest is None:
            raise dg.Failure("The serving copy has no monthly KPIs: nothing to report.", allow_retries=False)
        return Quarter.of(latest)
    quarter = Quarter.of(closed)
    return quarter if add_months(closed, 1) == quarter.end else quarter.shifted(-1)


@dataclass
class QuarterlyData:
    quarter: Quarter
    as_of: dt.date
    quarters: list[Row]
    write_offs_by_customer: list[Row]
    write_offs_by_segment: list[Row]
    risk_segments: list[Row]
    risk_matrix: list[Row]
    top_risks: list[Row]
    customers: list[Row]
    roll_rates: list[Row]
    publication: str


def read_quarterly(connection: duckdb.DuckDBPyConnection) -> QuarterlyData:
    quarter = report_quarter(connection)
    first = quarter.shifted(-(QUARTERS_SHOWN - 1))
    quarters = rows(connection, """
        select
            year(month_start) as year, quarter(month_start) as quarter,
            count(*) as month_count,
            sum(write_offs) as write_offs,
            sum(collection_pl_impact_amount) as collection_pl_impact_amount,
            sum(legal_cost_amount) as legal_cost_amount,
            sum(legal_recovered_amount) as legal_recovered_amount,
            sum(net_credit_sales) as net_credit_sales,
            arg_max(write_off_ratio_pct, month_start) as write_off_ratio_pct,
            arg_max(ending_ar, month_start) as ending_ar
        from marts.rpt_executive_kpi_trend
        where month_start >= ? and month_start < ?
        group by all order by year, quarter
    """, [first.start, quarter.end])
    write_off_events = """
        select events.customer_key, -sum(events.open_amount_effect) as written_off_amount,
               count(distinct events.invoice_id) as invoice_count
        from marts.fct_receivable_events as events
        where events.ledger_axis = 'write_off' and events.event_date >= ? and events.event_date < ?
        group by events.customer_key
    """
    by_customer = rows(connection, f"""
        with written_off as ({write_off_events})
        select written_off.*, risk.customer_name, risk.owner_team, risk.segment, risk.risk_segment_label_ja,
               risk.risk_segment
        from written_off left join marts.dim_customer_risk as risk using (customer_key)
        order by written_off_amount desc, customer_key
    """, [quarter.start, quarter.end])
    by_segment = rows(connection, f"""
        with written_off as ({write_off_events})
        select coalesce(risk.segment, '(未設定)') as segment, sum(written_off.written_off_amount) as written_off_amount,
               sum(written_off.invoice_count) as invoice_count, count(*) as customer_count
        from written_off left join marts.dim_customer_risk as risk using (customer_key)
        group by all order by written_off_amount desc
    """, [quarter.start, quarter.end])
    risk_filter = "where not is_unresolved"
    segments = rows(connection, f"""
        select risk_segment, risk_segment_label_ja, risk_severity_rank, count(*) as customer_count,
               sum(open_ar_amount) as open_ar_amount, sum(overdue_ar_amount) as overdue_ar_amount,
               count(*) filter (where is_over_credit_limit) as over_limit_count
        from marts.dim_customer_risk {risk_filter}
        group by all order by risk_severity_rank desc
    """)
    matrix = rows(connection, f"""
        select risk_segment, risk_severity_rank, coalesce(segment, '(未設定)') as segment, count(*) as customer_count,
               sum(open_ar_amount) as open_ar_amount
        from marts.dim_customer_risk {risk_filter} group by all
    """)
    top_risks = rows(connection, f"""
        select customer_name, owner_team, segment, risk_segment, risk_segment_label_ja, risk_segment_driver,
               open_ar_amount, overdue_ar_amount, overdue_share_pct, credit_limit_used_pct, max_days_past_due
        from marts.dim_customer_risk {risk_filter} and risk_severity_rank >= 3
        order by risk_severity_rank desc, overdue_ar_amount desc nulls last, open_ar_amount desc, customer_key
        limit {TOP_RISKS_SHOWN}
    """)
    customers = rows(connection, f"""
        select customer_name, risk_segment, risk_segment_label_ja, open_ar_amount, overdue_share_pct,
               credit_limit_used_pct
        from marts.dim_customer_risk {risk_filter} and open_ar_amount > 0
    """)
    roll_rates = rows(connection, """
        select from_aging_bucket, min(from_aging_bucket_order) as bucket_order, sum(from_bucket_amount) as from_amount,
               sum(rolled_forward_amount) as rolled_forward_amount, sum(cured_amount) as cured_amount,
               sum(paid_down_amount) as paid_down_amount
        from marts.fct_roll_rates where from_month_start >= ? and from_month_start < ?
        group by from_aging_bucket order by bucket_order
    """, [quarter.start, quarter.end])
    as_of = as_of_date(connection)
    return QuarterlyData(quarter, as_of, quarters, by_customer, by_segment, segments, matrix, top_risks, customers,
                         roll_rates, publication_note(connection))


def pl_impact(row: Row) -> float:
    """損益影響 as the executive view defines it: write-offs charged to profit (direct write-off)
    plus the cost of legal collection."""
    return _float(row.get("collection_pl_impact_amount")) or 0.0


def render_quarterly(data: QuarterlyData) -> str:
    quarter_rows = {Quarter(int(r["year"]), int(r["quarter"])).label: r for r in data.quarters}
    current = quarter_rows.get(data.quarter.label, {})
    previous = quarter_rows.get(data.quarter.shifted(-1).label, {})
    impact, previous_impact = pl_impact(current), pl_impact(previous) if previous else None
    critical = next((r for r in data.risk_segments if r["risk_segment"] == "critical"), {})
    open_ar_total = sum(_float(r["open_ar_amount"]) or 0 for r in data.risk_segments)
    header_tiles = tiles([
        Tile("貸倒損失 Write-offs", figure("write_offs", current.get("write_offs"), million_yen(current.get("write_offs"))),
             f'前四半期 prev. {esc(million_yen(previous.get("write_offs")))}'),
        Tile("損益影響 P&L impact", figure("pl_impact", impact, million_yen(impact)),
             f'<span class="{trend_class(None if previous_impact is None else impact - previous_impact, True)}">'
             f'前四半期 prev. {esc(million_yen(previous_impact))}</span>'),
        Tile("貸倒率 (12か月) Write-off ratio", figure("write_off_ratio_pct", current.get("write_off_ratio_pct"),
                                                  percent(current.get("write_off_ratio_pct"), 2)),
             "償却 / 純掛売上, 直近12か月 rolling 12 months"),
        Tile("要警戒先 Critical-risk customers", figure("critical_customers", critical.get("customer_count"),
                                                     f"{critical.get('customer_count') or 0:,} 社"),
             f'未収 {esc(million_yen(critical.get("open_ar_amount")))} '
             f'({esc(percent(ratio_pct(critical.get("open_ar_amount"), open_ar_total)))})'),
    ])
    labels = [Quarter(int(r["year"]), int(r["quarter"])).label for r in data.quarters]
    impact_chart = bar_chart(
        "四半期別 貸倒損失と回収費用 Write-offs and legal collection cost by quarter", labels,
        [Series("貸倒損失 write-offs", [(_float(r["write_offs"]) or 0) / 1e6 for r in data.quarters], PALETTE[3]),
         Series("法的回収費用 legal cost", [(_float(r["legal_cost_amount"]) or 0) / 1e6 for r in data.quarters], PALETTE[1]),
         Series("法的回収額 legal recovered", [(_float(r["legal_recovered_amount"]) or 0) / 1e6 for r in data.quarters],
                PALETTE[2])],
        formatter=lambda v: f"{v:,.1f}百万", frame=Frame(height=260))
    quarter_table = table([
        Column("四半期 Quarter", lambda r: esc(Quarter(int(r["year"]), int(r["quarter"])).label)
               + ("" if r["month_count"] == 3 else f" ({r['month_count']}か月)"), is_text=True),
        Column("純掛売上 Net credit sales", lambda r: esc(million_yen(r["net_credit_sales"]))),
        Column("貸倒損失 Write-offs", lambda r: esc(yen(r["write_offs"]))),
        Column("法的回収費用 Legal cost", lambda r: esc(yen(r["legal_cost_amount"]))),
        Column("損益影響 P&L impact", lambda r: esc(yen(pl_impact(r)))),
        Column("法的回収額 Legal recovered", lambda r: esc(yen(r["legal_recovered_amount"]))),
        Column("貸倒率12m Write-off ratio", lambda r: esc(percent(r["write_off_ratio_pct"], 2))),
    ], data.quarters)
    write_off_table = table([
        Column("顧客 Customer", lambda r: esc(r["customer_name"] or r["customer_key"]), is_text=True),
        Column("担当 Team", lambda r: esc(r["owner_team"] or "—"), is_text=True),
        Column("区分 Segment", lambda r: esc(r["segment"] or "—"), is_text=True),
        Column("請求書 Invoices", lambda r: esc(f"{r['invoice_count']:,}")),
        Column("貸倒額 Written off", lambda r: esc(yen(r["written_off_amount"]))),
        Column("現在のリスク Risk now", lambda r: esc(r["risk_segment_label_ja"] or "—"), is_text=True),
    ], data.write_offs_by_customer[:TOP_WRITE_OFFS_SHOWN], empty="当四半期の貸倒なし / no write-offs this quarter")
    segment_table = table([
        Column("区分 Segment", lambda r: esc(r["segment"]), is_text=True),
        Column("顧客数 Customers", lambda r: esc(f"{r['customer_count']:,}")),
        Column("請求書 Invoices", lambda r: esc(f"{r['invoice_count']:,}")),
        Column("貸倒額 Written off", lambda r: esc(yen(r["written_off_amount"]))),
    ], data.write_offs_by_segment, empty="—")
    return page(
        f"四半期リスクレポート Quarterly risk report — {data.quarter.label}",
        f"対象四半期 Quarter {data.quarter.label} ({data.quarter.start.isoformat()} 〜 "
        f"{(data.quarter.end - dt.timedelta(days=1)).isoformat()}) · リスクマップ基準日 Risk map as of "
        f"{data.as_of.isoformat()}",
        [
            header_tiles,
            section("貸倒と損益影響 Write-offs and P&L impact", impact_chart, quarter_table,
                    note("損益影響 = 貸倒損失 (直接償却: 償却額を当期の費用とする) + 法的回収費用。法的回収額は参考 (回収は売掛金の減少であり損益ではない)。"
                         " P&L impact = write-offs (direct write-off) + legal collection cost; legal recoveries shown for context."),
                    "<h3>当四半期の貸倒 上位 Largest write-offs this quarter</h3>", write_off_table,
                    "<h3>区分別 By customer segment</h3>", segment_table),
            section("リスクマップ Customer risk map", *render_risk_map(data)),
            section("延滞の悪化 Roll rates this quarter", render_roll_rates(data),
                    note("各月末の年齢区分の残高のうち、翌月末に一段階以上悪化 (rolled forward) した割合と、完済・期日内に戻った割合 (cured)。")),
        ],
        esc(data.publication),
    )


RISK_ORDER = ("critical", "high", "medium", "low")
RISK_LABELS: Mapping[str, str] = {"critical": "要警戒 critical", "high": "高 high", "medium": "中 medium", "low": "低 low"}
SEGMENT_ORDER = ("enterprise", "mid_market", "smb", "(未設定)")


def render_risk_map(data: QuarterlyData) -> list[str]:
    bubbles = [Bubble(f"{r['customer_name']} ({r['risk_segment_label_ja']}): 未収 {yen(r['open_ar_amount'])}",
                      _float(r["overdue_share_pct"]) or 0, _float(r["credit_limit_used_pct"]) or 0,
                      _float(r["open_ar_amount"]) or 0, RISK_COLOURS.get(r["risk_segment"], "#777"))
               for r in data.customers]
    chart = risk_map_chart("顧客リスクマップ Customer risk map", bubbles, x_line=20, y_line=100)
    legend = " ".join(badge(RISK_LABELS[key], RISK_COLOURS[key]) for key in RISK_ORDER)
    segment_table = table([
        Column("リスク区分 Risk", lambda r: badge(r["risk_segment_label_ja"], RISK_COLOURS.get(r["risk_segment"], "#777")),
               is_text=True),
        Column("顧客数 Customers", lambda r: figure(f"risk_customers:{r['risk_segment']}", r["customer_count"],
                                                 f"{r['customer_count']:,}")),
        Column("未収残高 Open AR", lambda r: figure(f"risk_open_ar:{r['risk_segment']}", r["open_ar_amount"],
                                                yen(r["open_ar_amount"]))),
        Column("うち延滞 Overdue", lambda r: esc(yen(r["overdue_ar_amount"]))),
        Column("与信超過 Over limit", lambda r: esc(f"{r['over_limit_count']:,}")),
    ], data.risk_segments)
    top_table = table([
        Column("顧客 Customer", lambda r: esc(r["customer_name"]), is_text=True),
        Column("リスク Risk", lambda r: badge(r["risk_segment_label_ja"], RISK_COLOURS.get(r["risk_segment"], "#777")),
               is_text=True),
        Column("要因 Driver", lambda r: esc(DRIVERS_JA.get(r["risk_segment_driver"], r["risk_segment_driver"] or "—")),
               is_text=True),
        Column("担当 Team", lambda r: esc(r["owner_team"] or "—"), is_text=True),
        Column("未収 Open AR", lambda r: esc(yen(r["open_ar_amount"]))),
        Column("延滞比率 Overdue", lambda r: esc(percent(r["overdue_share_pct"]))),
        Column("与信使用率 Limit use", lambda r: esc(percent(r["credit_limit_used_pct"]))),
        Column("最長延滞日数 Max DPD", lambda r: esc(number(r["max_days_past_due"], 0))),
    ], data.top_risks)
    return [chart, f'<p class="note">{legend} 円の大きさ = 未収残高 bubble area = open AR; '
                   '点線 = 延滞比率20% (seed 004) と与信限度100%。</p>',
            "<h3>リスク区分別 By risk segment</h3>", segment_table,
            "<h3>リスク × 顧客区分 Risk × customer segment (件数 / 未収)</h3>", risk_matrix_table(data.risk_matrix),
            f"<h3>上位リスク先 Top risks (高・要警戒 high and critical, 上位{TOP_RISKS_SHOWN})</h3>", top_table]


DRIVERS_JA: Mapping[str, str] = {
    "days_past_due": "長期延滞 days past due", "credit_limit_used": "与信使用率 limit use",
    "overdue_share": "延滞比率 overdue share", "paid_late": "支払遅延履歴 paid late",
}


def risk_matrix_table(matrix: Sequence[Row]) -> str:
    cells = {(r["risk_segment"], r["segment"]): r for r in matrix}
    segments = [s for s in SEGMENT_ORDER if any(key[1] == s for key in cells)]
    segments += sorted({key[1] for key in cells} - set(segments))
    largest = max((_float(r["open_ar_amount"]) or 0 for r in matrix), default=1) or 1
    head = "<th class=\"text\">リスク \\ 区分</th>" + "".join(f"<th>{esc(s)}</th>" for s in segments)
    body = []
    for risk in RISK_ORDER:
        row_cells = []
        for segment in segments:
            cell = cells.get((risk, segment))
            if not cell:
                row_cells.append("<td>—</td>")
                continue
            share = (_float(cell["open_ar_amount"]) or 0) / largest
            colour = RISK_COLOURS[risk]
            row_cells.append(f'<td style="background:{colour}{_alpha_hex(0.12 + 0.6 * share)}">'
                             f'{cell["customer_count"]:,} 社<br>{esc(million_yen(cell["open_ar_amount"]))}</td>')
        body.append(f'<tr><td class="text">{badge(RISK_LABELS[risk], RISK_COLOURS[risk])}</td>{"".join(row_cells)}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _alpha_hex(alpha: float) -> str:
    return f"{max(0, min(255, round(alpha * 255))):02x}"


def render_roll_rates(data: QuarterlyData) -> str:
    return table([
        Column("年齢区分 From bucket", lambda r: esc(r["from_aging_bucket"]), is_text=True),
        Column("月末残高計 Balance", lambda r: esc(million_yen(r["from_amount"]))),
        Column("悪化率 Rolled forward", lambda r: esc(percent(ratio_pct(r["rolled_forward_amount"], r["from_amount"])))),
        Column("回復率 Cured", lambda r: esc(percent(ratio_pct(r["cured_amount"], r["from_amount"])))),
    ], data.roll_rates)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    period: str
    figures: Mapping[str, Any] = field(default_factory=dict)


def write_atomically(path: Path, text: str) -> Path:
    """Write beside the target and rename: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def write_weekly_executive(serving_path: Path, out_dir: Path) -> WrittenReport:
    with duckdb_connection(serving_path, read_only=True) as connection:
        data = read_weekly(connection)
    path = write_atomically(out_dir / f"weekly_executive_{data.as_of.isoformat()}.html", render_weekly(data))
    latest = data.months[-1] if data.months else {}
    return WrittenReport(path, data.as_of.isoformat(), {"open_ar": _float(data.weeks[-1]["open_ar"]),
                                                         "dso_days": _float(latest.get("dso_days"))})


def write_monthly_departments(serving_path: Path, out_dir: Path) -> WrittenReport:
    with duckdb_connection(serving_path, read_only=True) as connection:
        data = read_monthly(connection)
    path = write_atomically(out_dir / f"monthly_departments_{month_label(data.month_start)}.html", render_monthly(data))
    return WrittenReport(path, month_label(data.month_start),
                         {"teams": len(data.teams), "exceptions_opened": data.exceptions_total.get("opened")})


def write_quarterly_risk(serving_path: Path, out_dir: Path) -> WrittenReport:
    with duckdb_connection(serving_path, read_only=True) as connection:
        data = read_quarterly(connection)
    path = write_atomically(out_dir / f"quarterly_risk_{data.quarter.label}.html", render_quarterly(data))
    current = next((r for r in data.quarters if Quarter(int(r["year"]), int(r["quarter"])) == data.quarter), {})
    return WrittenReport(path, data.quarter.label, {"write_offs": _float(current.get("write_offs")),
                                                    "customers": len(data.customers)})


# ---------------------------------------------------------------------------------------------
# Dagster assets
# ---------------------------------------------------------------------------------------------


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
    def report(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
        if not settings.serving_duckdb_path.exists():
            raise dg.Failure(f"No serving copy at {settings.serving_duckdb_path}: publish the marts first.",
                             allow_retries=False)
        written = spec.write(settings.serving_duckdb_path, reports_dir())
        context.log.info(f"Wrote {written.path}")
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(written.path)),
            "period": written.period,
            **{name: value for name, value in written.figures.items() if value is not None},
        })

    return report


def build_definitions(location: CodeLocation) -> dg.Definitions:
    return dg.Definitions(assets=[build_report_asset(spec) for spec in REPORTS])
