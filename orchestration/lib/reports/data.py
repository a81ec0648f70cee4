"""Reading the report models (models/reports, schema marts) from the serving copy: select and order, no computing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from orchestration.lib.serving import PUBLICATION_TABLE  # written by the publication
from orchestration.lib.warehouse import table_exists

Row = dict[str, Any]

SCHEMA = "marts"
ALERTS_SHOWN = 12
TOP_WRITE_OFFS_SHOWN = 10
TOP_RISKS_SHOWN = 15
TAGS_SHOWN = 10


class ReportDataMissing(RuntimeError):
    """The serving copy holds nothing to report on (no aging snapshot, no month)."""


def rows(connection: duckdb.DuckDBPyConnection, model: str, where: str = "", order_by: str = "",
         parameters: Sequence[Any] = ()) -> list[Row]:
    sql = f"select * from {SCHEMA}.{model}"
    if where:
        sql += f" where {where}"
    if order_by:
        sql += f" order by {order_by}"
    cursor = connection.execute(sql, list(parameters))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def one(connection: duckdb.DuckDBPyConnection, model: str) -> Row:
    found = rows(connection, model)
    if len(found) != 1:
        raise ReportDataMissing(f"{SCHEMA}.{model} holds {len(found)} rows, not one: nothing to report "
                                "(is the serving copy empty?).")
    return found[0]


def publication_note(connection: duckdb.DuckDBPyConnection) -> str:
    published = None
    if table_exists(connection, PUBLICATION_TABLE):
        found = connection.execute(f"select max(published_at) from {PUBLICATION_TABLE}").fetchone()
        published = found[0] if found else None
    published_text = f"公開 Published {published:%Y-%m-%d %H:%M} (Asia/Tokyo) · " if published else ""
    return (f"{published_text}出典 Source: 公開コピー serving copy of the warehouse (marts, models/reports). "
            "数値は BI ツールと同一 — the same numbers the BI tools show.")


@dataclass(frozen=True)
class WeeklyData:
    headline: Row
    weeks: list[Row]
    months: list[Row]
    improvements: list[Row]
    aging: list[Row]
    alerts: list[Row]
    publication: str

    @property
    def as_of(self) -> dt.date:
        value: dt.date = self.headline["as_of_date"]
        return value


def read_weekly(connection: duckdb.DuckDBPyConnection) -> WeeklyData:
    return WeeklyData(
        headline=one(connection, "rpt_weekly_executive"),
        weeks=rows(connection, "rpt_weekly_open_ar", order_by="balance_date"),
        months=rows(connection, "rpt_weekly_dso_trend", order_by="month_start"),
        improvements=rows(connection, "rpt_weekly_improvements", order_by="measure_order"),
        aging=rows(connection, "rpt_weekly_aging", order_by="aging_bucket_order"),
        alerts=rows(connection, "rpt_weekly_alerts", where="alert_rank <= ?", order_by="alert_rank",
                    parameters=[ALERTS_SHOWN]),
        publication=publication_note(connection),
    )


@dataclass(frozen=True)
class MonthlyData:
    headline: Row
    teams: list[Row]
    exception_rules: list[Row]
    resolution_tags: list[Row]
    publication: str

    @property
    def month_start(self) -> dt.date:
        value: dt.date = self.headline["month_start"]
        return value


def read_monthly(connection: duckdb.DuckDBPyConnection) -> MonthlyData:
    return MonthlyData(
        headline=one(connection, "rpt_monthly_departments"),
        teams=rows(connection, "rpt_monthly_team_kpis", order_by="team_order"),
        exception_rules=rows(connection, "rpt_monthly_exception_rules", order_by="rule_order"),
        resolution_tags=rows(connection, "rpt_monthly_resolution_tags", where="tag_rank <= ?", order_by="tag_rank",
                             parameters=[TAGS_SHOWN]),
        publication=publication_note(connection),
    )


@dataclass(frozen=True)
class QuarterlyData:
    headline: Row
    quarters: list[Row]
    write_offs: list[Row]
    write_off_segments: list[Row]
    risk_segments: list[Row]
    risk_matrix: list[Row]
    top_risks: list[Row]
    risk_map: list[Row]
    roll_rates: list[Row]
    publication: str

    @property
    def label(self) -> str:
        return f"{self.headline['quarter_year']}Q{self.headline['quarter_number']}"


def read_quarterly(connection: duckdb.DuckDBPyConnection) -> QuarterlyData:
    return QuarterlyData(
        headline=one(connection, "rpt_quarterly_risk"),
        quarters=rows(connection, "rpt_quarterly_pl_impact", order_by="quarter_start"),
        write_offs=rows(connection, "rpt_quarterly_write_offs", where="write_off_rank <= ?", order_by="write_off_rank",
                        parameters=[TOP_WRITE_OFFS_SHOWN]),
        write_off_segments=rows(connection, "rpt_quarterly_write_off_segments",
                                order_by="written_off_amount desc, segment"),
        risk_segments=rows(connection, "rpt_quarterly_risk_segments", order_by="risk_severity_rank desc"),
        risk_matrix=rows(connection, "rpt_quarterly_risk_matrix", order_by="risk_severity_rank desc, segment"),
        top_risks=rows(connection, "rpt_quarterly_risk_customers", where="top_risk_rank <= ?",
                       order_by="top_risk_rank", parameters=[TOP_RISKS_SHOWN]),
        risk_map=rows(connection, "rpt_quarterly_risk_customers", where="is_on_risk_map", order_by="customer_key"),
        roll_rates=rows(connection, "rpt_quarterly_roll_rates", order_by="from_aging_bucket_order"),
        publication=publication_note(connection),
    )
