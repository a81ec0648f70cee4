"""The management reports (seed document 000: weekly, monthly, quarterly) are written from the serving
copy, show the figures of the report models (models/reports) and nothing computed elsewhere, hold no
reference to anything outside the file, draw their charts as deterministic SVG with text as text, and
render in a headless browser (Chromium) without network."""

from __future__ import annotations

import html
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `pytest` run without `python -m` from elsewhere
    sys.path.insert(0, str(REPO_ROOT))

import dagster as dg  # noqa: E402
import duckdb  # noqa: E402

from orchestration.defs import reports as report_defs  # noqa: E402
from orchestration.lib import reports  # noqa: E402
from orchestration.resources import Settings  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1000,1800",
]
FIGURE = re.compile(r'data-figure="([^"]+)" data-value="([^"]*)"')
SOURCED = re.compile(r'data-value="([^"]*)" data-source="([^"]+)">([^<]*)</span>')
REPORT_MODELS = {
    "weekly": {
        "rpt_weekly_executive",
        "rpt_weekly_open_ar",
        "rpt_weekly_dso_trend",
        "rpt_weekly_improvements",
        "rpt_weekly_aging",
    },
    "monthly": {"rpt_monthly_departments", "rpt_monthly_team_kpis", "rpt_monthly_exception_rules"},
    "quarterly": {
        "rpt_quarterly_risk",
        "rpt_quarterly_pl_impact",
        "rpt_quarterly_write_offs",
        "rpt_quarterly_write_off_segments",
        "rpt_quarterly_risk_segments",
        "rpt_quarterly_risk_matrix",
        "rpt_quarterly_risk_customers",
        "rpt_quarterly_roll_rates",
    },
}


@pytest.fixture(scope="module")
def serving_copy(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample warehouse, copied: reports read a serving copy, never the build file."""
    copy = tmp_path_factory.mktemp("serving") / "serving.duckdb"
    shutil.copy(sample_warehouse, copy)
    return copy


@pytest.fixture(scope="module")
def written(serving_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, reports.WrittenReport]:
    out_dir = tmp_path_factory.mktemp("reports")
    return {
        "weekly": reports.write_weekly_executive(serving_copy, out_dir),
        "monthly": reports.write_monthly_departments(serving_copy, out_dir),
        "quarterly": reports.write_quarterly_risk(serving_copy, out_dir),
    }


def query(path: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def figures(path: Path) -> dict[str, str]:
    return dict(FIGURE.findall(path.read_text(encoding="utf-8")))


def test_the_weekly_report_shows_open_ar_and_the_latest_dso(written: dict, serving_copy: Path) -> None:
    [(as_of,)] = query(serving_copy, "select max(as_of_date) from marts.fct_aging")
    report = written["weekly"].path
    assert report.name == f"weekly_executive_{as_of.isoformat()}.html"
    shown = figures(report)
    [(month, dso)] = query(
        serving_copy,
        "select month_start, dso_days from marts.fct_kpi_monthly "
        "where month_start <= ? order by month_start desc limit 1",
        [as_of],
    )
    assert float(shown["dso_days"]) == pytest.approx(float(dso)), "the latest DSO is fct_kpi_monthly's"
    [(open_ar,)] = query(serving_copy, "select sum(open_amount) from marts.fct_invoices")
    assert float(shown["open_ar"]) == pytest.approx(float(open_ar)), "open AR on the as-of date ties to the invoices"
    [(overdue_ar,)] = query(
        serving_copy, "select sum(open_amount) from marts.fct_invoices where due_date <= ?", [as_of]
    )
    assert float(shown["overdue_ar"]) == pytest.approx(float(overdue_ar)), "overdue as kpis.md defines it"
    text = report.read_text(encoding="utf-8")
    assert f"{month:%Y-%m}" in text and "DSOトレンド" in text and "改善率" in text


def test_the_monthly_report_shows_each_teams_kpis_for_the_last_closed_month(written: dict, serving_copy: Path) -> None:
    [(month,)] = query(
        serving_copy, "select max(month_start) from marts.fct_kpi_monthly where not is_month_in_progress"
    )
    report = written["monthly"].path
    assert report.name == f"monthly_departments_{month:%Y-%m}.html"
    shown = figures(report)
    teams = query(
        serving_copy, "select owner_team, dso_days from marts.fct_kpi_team_monthly where month_start = ?", [month]
    )
    assert teams
    for team, dso in teams:
        assert float(shown[f"team_dso_days:{team}"]) == pytest.approx(float(dso)), team
    [(opened, resolved)] = query(
        serving_copy,
        """
        select count(*), count(*) filter (where status = 'resolved') from marts.exception_ledger
        where detected_date >= ? and detected_date < ? + interval 1 month""",
        [month, month],
    )
    assert int(shown["exceptions_opened"]) == opened
    completion = shown["action_completion_pct"]
    assert (completion == "" and opened == 0) or float(completion) == pytest.approx(resolved / opened * 100)


def test_the_quarterly_report_shows_write_offs_and_the_risk_map(written: dict, serving_copy: Path) -> None:
    quarter = written["quarterly"].period
    year, number = int(quarter[:4]), int(quarter[-1])
    report = written["quarterly"].path
    assert report.name == f"quarterly_risk_{quarter}.html"
    shown = figures(report)
    [(write_offs, months)] = query(
        serving_copy,
        """
        select sum(write_offs), count(*) from marts.fct_kpi_monthly
        where year(month_start) = ? and quarter(month_start) = ?""",
        [year, number],
    )
    assert months == 3, "the last complete quarter"
    assert float(shown["write_offs"]) == pytest.approx(float(write_offs))
    [(legal_cost,)] = query(
        serving_copy,
        """
        select coalesce(sum(total_cost_amount), 0) from marts.fct_legal_monthly
        where year(month_start) = ? and quarter(month_start) = ?""",
        [year, number],
    )
    assert float(shown["pl_impact"]) == pytest.approx(float(write_offs) + float(legal_cost)), (
        "P&L impact = write-offs + legal collection cost"
    )
    segments = query(
        serving_copy,
        "select risk_segment, count(*), sum(open_ar_amount) from marts.dim_customer_risk "
        "where not is_unresolved group by risk_segment",
    )
    assert len(segments) >= 2
    for segment, customers, open_ar in segments:
        assert int(shown[f"risk_customers:{segment}"]) == customers
        assert float(shown[f"risk_open_ar:{segment}"]) == pytest.approx(float(open_ar))


def test_the_reports_are_self_contained(written: dict) -> None:
    for written_report in written.values():
        text = written_report.path.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
        lowered = text.lower()
        for reference in ("http://", "https://", "<script", "<link", " src=", "url(", "@import", "<iframe"):
            assert reference not in lowered, f"{written_report.path.name} refers outside the file: {reference}"
        assert lowered.count("<svg") >= 2, "charts are inline SVG"


def test_the_report_assets_write_into_the_reports_dir(
    serving_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AR_SERVING_DUCKDB_PATH", str(serving_copy))
    monkeypatch.setenv("AR_REPORTS_DIR", str(tmp_path / "out"))
    assets = [report_defs.build_report_asset(spec) for spec in report_defs.REPORTS]
    result = dg.materialize(
        assets, resources={"settings": Settings.from_env()}, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    paths = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert [name.split("_")[0] for name in paths] == ["monthly", "quarterly", "weekly"]
    assert not any(name.startswith(".") for name in paths), "written atomically, no partial file left"
    materialization = result.asset_materializations_for_node("reports__weekly_executive")[0]
    assert str(materialization.metadata["path"].value).startswith(str(tmp_path / "out"))


def model_value(serving_copy: Path, figure_source: str) -> Any:
    """The cell `<model>.<column>?<key>=<value>&…` of a report model in the serving copy."""
    relation, _, keys = html.unescape(figure_source).partition("?")
    model, column = relation.split(".")
    assert model.startswith("rpt_"), f"{figure_source}: a report figure comes from a report model"
    conditions = [pair.split("=", 1) for pair in keys.split("&")] if keys else []
    where = " and ".join(f"cast({name} as varchar) = ?" for name, _ in conditions) or "true"
    found = query(serving_copy, f"select {column} from marts.{model} where {where}", [value for _, value in conditions])
    assert len(found) == 1, f"{figure_source} names {len(found)} rows"
    return found[0][0]


def shown_number(text: str) -> tuple[float, float]:
    """The number a figure's text shows, in the figure's unit, and half its last displayed digit."""
    match = re.search(r"[+-]?[\d,]+(?:\.(\d+))?", text.replace("−", "-"))
    assert match, f"no number in {text!r}"
    shown = float(match.group(0).replace(",", ""))
    scale = 1e6 if "百万" in text else 1.0
    return shown * scale, 0.5 * 10 ** -len(match.group(1) or "") * scale


def test_every_figure_shown_is_a_report_model_cell(written: dict, serving_copy: Path) -> None:
    """Each figure's raw value is the report model's cell, read back from the serving copy, and its
    text shows that value (to the digits displayed): no figure is computed outside dbt."""
    for name, written_report in written.items():
        text = written_report.path.read_text(encoding="utf-8")
        sourced = SOURCED.findall(text)
        assert len(sourced) > 30, name
        models = set()
        for raw, figure_source, shown in sourced:
            expected = model_value(serving_copy, figure_source)
            models.add(figure_source.split(".")[0])
            if expected is None or (isinstance(expected, float) and math.isnan(expected)):
                assert raw == "" and html.unescape(shown) == "—", figure_source
                continue
            assert float(raw) == pytest.approx(float(expected), rel=1e-12, abs=1e-9), figure_source
            value, tolerance = shown_number(html.unescape(shown))
            assert abs(value - float(expected)) <= tolerance + 1e-6, f"{figure_source}: {shown!r} for {expected}"
        assert REPORT_MODELS[name] <= models, f"{name} shows figures of {sorted(models)}"


def test_the_reports_show_every_row_of_their_main_tables(written: dict, serving_copy: Path) -> None:
    weekly = written["weekly"].path.read_text(encoding="utf-8")
    for balance_date, open_ar in query(
        serving_copy, "select balance_date, open_ar_amount from marts.rpt_weekly_open_ar"
    ):
        assert (
            f'data-value="{open_ar}" data-source="rpt_weekly_open_ar.open_ar_amount?balance_date={balance_date}"'
            in weekly
        )
    for (measure,) in query(serving_copy, "select measure_id from marts.rpt_weekly_improvements"):
        assert f'data-figure="improvement:{measure}"' in weekly
    monthly = figures(written["monthly"].path)
    for (team,) in query(serving_copy, "select team from marts.rpt_monthly_team_kpis where has_receivables"):
        assert f"team_dso_days:{team}" in monthly
    quarterly = written["quarterly"].path.read_text(encoding="utf-8")
    for (quarter_start,) in query(serving_copy, "select quarter_start from marts.rpt_quarterly_pl_impact"):
        assert f"rpt_quarterly_pl_impact.write_offs?quarter_start={quarter_start}" in quarterly
    [(top_risks,)] = query(
        serving_copy, "select count(*) from marts.rpt_quarterly_risk_customers where top_risk_rank <= 15"
    )
    assert quarterly.count('data-source="rpt_quarterly_risk_customers.open_ar_amount?') == top_risks


def test_the_charts_are_deterministic_svg_with_japanese_text(written: dict, serving_copy: Path, tmp_path: Path) -> None:
    again = {
        "weekly": reports.write_weekly_executive(serving_copy, tmp_path),
        "monthly": reports.write_monthly_departments(serving_copy, tmp_path),
        "quarterly": reports.write_quarterly_risk(serving_copy, tmp_path),
    }
    for name, written_report in written.items():
        text = written_report.path.read_text(encoding="utf-8")
        assert again[name].path.read_text(encoding="utf-8") == text, f"{name}: the same copy gives the same file"
        svgs = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
        assert svgs and all("font-family: 'Noto Sans CJK JP'" in svg for svg in svgs), "Noto Sans CJK JP first"
        labels = [label for svg in svgs for label in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]
        assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label) for label in labels), (
            f"{name}: Japanese labels are SVG text (svg.fonttype none), not paths"
        )
        assert "<path" in text and "Matplotlib" not in text and "dc:date" not in text


# ---------------------------------------------------------------------------------------------
# In a browser
# ---------------------------------------------------------------------------------------------


def chromium() -> str:
    for candidate in (
        os.environ.get("AR_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    if os.environ.get("AR_SKIP_BROWSER_TESTS") == "1":
        pytest.skip("AR_SKIP_BROWSER_TESTS=1")
    pytest.fail(
        "Chromium is needed to check the reports render: `apt-get install -y chromium` (Debian), or set "
        "AR_CHROMIUM to a Chromium binary; AR_SKIP_BROWSER_TESTS=1 skips this test."
    )


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) scanlines of a PNG, read by hand."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    offset, idat, width, height = 8, b"", 0, 0
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        chunk = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    return width, height, zlib.decompress(idat)


def test_the_reports_render_in_headless_chromium(written: dict, tmp_path: Path) -> None:
    browser = chromium()
    for name, written_report in written.items():
        screenshot = tmp_path / f"{name}.png"
        opened = subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                f"--screenshot={screenshot}",
                "--dump-dom",
                written_report.path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert opened.returncode == 0, opened.stderr[-2000:]
        dom = opened.stdout
        assert "<svg" in dom and "<h1>" in dom and "</main>" in dom, "the browser parsed the whole report"
        heading = re.search(r"<h1>(.*?)</h1>", written_report.path.read_text(encoding="utf-8"))
        assert heading and heading.group(1) in dom
        width, height, pixels = png_pixels(screenshot)
        assert (width, height) == (1000, 1800)
        assert screenshot.stat().st_size > 30_000 and len(set(pixels)) > 64, "the screenshot is not blank"
    keep = os.environ.get("AR_REPORT_SCREENSHOTS_DIR")
    if keep:  # to look at them: AR_REPORT_SCREENSHOTS_DIR=/tmp/shots pytest tests/python/test_reports.py
        shutil.copytree(tmp_path, keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("profile"))
