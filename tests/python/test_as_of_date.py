"""No model reads the clock: rebuilding with an earlier AR_AS_OF_DATE gives that date's answers."""

from __future__ import annotations

from pathlib import Path

from warehouse import REPO_ROOT, query, run_dbt

EARLIER = "2026-03-31"


def test_an_earlier_as_of_date_reproduces_the_past(sample_warehouse: Path, tmp_path: Path) -> None:
    past = tmp_path / "past.duckdb"
    result = run_dbt(
        ["build", "--exclude-resource-type", "test", "unit_test"],
        tmp_path,
        past,
        landing_dir=REPO_ROOT / "sample" / "landing",
        as_of_date=EARLIER,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert query(past, "select as_of_date::varchar from intermediate.int_reporting_dates") == [(EARLIER,)]
    assert query(past, "select max(month_start)::varchar from marts.fct_kpi_monthly") == [("2026-03-01",)]
    assert query(past, f"select count(*) from marts.fct_receivable_events where event_date > '{EARLIER}'") == [(0,)]
    for table, key in [("fct_kpi_monthly", "month_start"), ("fct_ar_monthly", "customer_key, month_start")]:
        select = f"select * from marts.{table} where month_start <= '{EARLIER}' order by {key}"
        assert query(past, select) == query(sample_warehouse, select), table
    aging = f"select * from marts.fct_aging where as_of_date <= '{EARLIER}' order by as_of_date, invoice_id"
    assert query(past, aging) == query(sample_warehouse, aging)


def test_no_model_reads_the_clock() -> None:
    offenders = [
        path
        for path in (REPO_ROOT / "models").rglob("*.sql")
        if any(word in path.read_text().lower() for word in ("current_date", "now()", "current_timestamp"))
    ]
    assert offenders == []
