"""The exception ledger (例外管理台帳) is history: it survives a re-run and `dbt build --full-refresh`
without losing or duplicating a row, keeps what orchestration wrote to exception_deliveries, and
follows the CRM's exception tasks (acknowledged, resolved, recurrence) once they name its ids."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from orchestration.lib.deliveries import DeliveryAttempt, WarehouseDeliveryRecord
from warehouse import REPO_ROOT, query, run_dbt

SAMPLE = REPO_ROOT / "sample" / "landing"
LEDGER_MODELS = ["-s", "fct_kpi_alerts", "exception_deliveries", "exception_ledger", "exception_status_history"]
LEDGER = "select * from marts.exception_ledger order by exception_id"
HISTORY = "select * from marts.exception_status_history order by status_change_id"
DELIVERY_COLUMNS = {
    "delivery_attempt_count",
    "delivery_failed_count",
    "first_delivered_at",
    "last_delivery_attempted_at",
    "last_delivery_status",
}


def build(work_dir: Path, duckdb_path: Path, *args: str, landing_dir: Path = SAMPLE) -> None:
    # cautious: a test that also reads a model outside the selection (a tie-out) is not run.
    result = run_dbt(
        ["build", "--indirect-selection", "cautious", *args], work_dir, duckdb_path, landing_dir=landing_dir
    )
    assert result.returncode == 0, result.stdout[-4000:]


def columns(duckdb_path: Path, table: str) -> list[str]:
    return [
        row[0]
        for row in query(
            duckdb_path,
            f"select column_name from information_schema.columns "
            f"where table_schema = 'marts' and table_name = '{table}' "
            f"order by ordinal_position",
        )
    ]


def without(rows: list[tuple], names: list[str], dropped: set[str]) -> list[tuple]:
    keep = [i for i, name in enumerate(names) if name not in dropped]
    return [tuple(row[i] for i in keep) for row in rows]


def exception_task(
    task_id: str, exception_id: str, created: datetime, completed: datetime | None, tags: str = ""
) -> dict[str, str]:
    stamp = "%Y-%m-%dT%H:%M:%S"
    return {
        "task_id": task_id,
        "crm_account_id": "",
        "invoice_id": "",
        "assignee_id": "U013",
        "task_type": "exception",
        "created_at": created.strftime(stamp),
        "sla_due_at": (created + timedelta(hours=72)).strftime(stamp),
        "completed_at": completed.strftime(stamp) if completed else "",
        "status": "done" if completed else "open",
        "reopened_from_task_id": "",
        "resolved_on_first_contact": "false",
        "error_category": "",
        "external_ref": exception_id,
        "resolution_tags": tags,
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work_dir = tmp_path_factory.mktemp("ledger")
    duckdb_path = work_dir / "ar.duckdb"
    # Everything the ledger needs, once; its data tests run in `make test`, the ledger's rules here.
    build(work_dir, duckdb_path, "-s", "+exception_status_history", "--exclude-resource-type", "test", "unit_test")
    return work_dir, duckdb_path


def test_the_ledger_survives_reruns_and_full_refresh(warehouse: tuple[Path, Path]) -> None:
    work_dir, duckdb_path = warehouse
    first_ledger, first_history = query(duckdb_path, LEDGER), query(duckdb_path, HISTORY)
    assert len(first_ledger) > 100, "the sample opens exceptions"
    opening = query(duckdb_path, "select count(*) from marts.fct_kpi_alerts where opens_exception")
    assert opening == [(len(first_ledger),)]

    build(work_dir, duckdb_path, *LEDGER_MODELS)
    assert query(duckdb_path, LEDGER) == first_ledger, "a re-run on the same data rewrites nothing"
    assert query(duckdb_path, HISTORY) == first_history

    # What orchestration writes, through its own delivery record: a failed Slack delivery of one
    # exception's alert.
    exception_id, alert_id = first_ledger[0][0], first_ledger[0][1]
    WarehouseDeliveryRecord(duckdb_path).record(
        DeliveryAttempt(
            exception_id, alert_id, "slack", datetime(2026, 11, 1, 9), "failed", "HTTP 500 Internal Server Error"
        )
    )

    build(work_dir, duckdb_path, "--full-refresh", *LEDGER_MODELS)
    names = columns(duckdb_path, "exception_ledger")
    ledger = query(duckdb_path, LEDGER)
    assert without(ledger, names, DELIVERY_COLUMNS) == without(first_ledger, names, DELIVERY_COLUMNS), (
        "--full-refresh keeps every exception as first recorded"
    )
    assert query(duckdb_path, HISTORY) == first_history
    assert query(duckdb_path, "select count(*) from marts.exception_deliveries") == [(1,)]
    assert query(
        duckdb_path,
        "select delivery_attempt_count, delivery_failed_count, last_delivery_status "
        f"from marts.exception_ledger where exception_id = '{exception_id}'",
    ) == [(1, 1, "failed")]
    assert query(duckdb_path, "select count(*) - count(distinct exception_id) from marts.exception_ledger") == [(0,)]


def test_crm_tasks_acknowledge_resolve_and_link_recurrences(warehouse: tuple[Path, Path], tmp_path: Path) -> None:
    work_dir, duckdb_path = warehouse
    # Two consecutive cash-drop exceptions of the company: the CRM resolves the first before the second opens.
    first, second = query(
        duckdb_path,
        """
        select exception_id, opened_at from marts.exception_ledger
        where rule_id = 'cash_balance_drop' order by opened_at limit 2""",
    )
    acknowledged_only = query(
        duckdb_path,
        """
        select exception_id, opened_at from marts.exception_ledger
        where rule_id = 'overdue_ratio' and subject_type = 'company' order by opened_at limit 1""",
    )[0]
    assert second[1] - first[1] > timedelta(days=3)

    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    tasks_file = landing / "crm" / "tasks.csv"
    with tasks_file.open(newline="", encoding="utf-8") as handle:
        fieldnames = list(csv.DictReader(handle).fieldnames or [])
    new_tasks = [
        exception_task(
            "TSK-900001",
            first[0],
            first[1] + timedelta(hours=10),
            first[1] + timedelta(hours=30),
            "バッチ監視追加;顧客マスタ修正",
        ),
        exception_task("TSK-900002", acknowledged_only[0], acknowledged_only[1] + timedelta(hours=4), None),
    ]
    with tasks_file.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n").writerows(new_tasks)

    before = query(duckdb_path, LEDGER)
    names = columns(duckdb_path, "exception_ledger")
    # A full refresh, too, must pick up the CRM's answers without losing what was recorded.
    build(
        work_dir,
        duckdb_path,
        "--full-refresh",
        "-s",
        "base_crm__tasks",
        "stg_crm__tasks",
        *LEDGER_MODELS[1:],
        landing_dir=landing,
    )
    answered = query(duckdb_path, LEDGER)
    opening = {
        "exception_id",
        "alert_id",
        "rule_id",
        "kpi_name",
        "subject_type",
        "subject_id",
        "period_start",
        "detected_date",
        "observed_value",
        "threshold_value",
        "message_ja",
        "opened_at",
        "recorded_at",
    }
    kept = set(names) - opening
    assert without(answered, names, kept) == without(before, names, kept), "no exception lost, added or rewritten"

    assert query(
        duckdb_path,
        f"""
        select status, time_to_acknowledge_hours, time_to_resolve_hours, assignee_id, resolution_tags,
            acknowledging_task_id, resolving_task_id
        from marts.exception_ledger where exception_id = '{first[0]}'""",
    ) == [("resolved", 10, 30, "U013", "バッチ監視追加;顧客マスタ修正", "TSK-900001", "TSK-900001")]
    assert query(
        duckdb_path,
        f"""
        select status, time_to_acknowledge_hours, resolved_at
        from marts.exception_ledger where exception_id = '{acknowledged_only[0]}'""",
    ) == [("acknowledged", 4, None)]
    assert query(
        duckdb_path,
        f"""
        select recurs_exception_id, is_recurrence from marts.exception_ledger
        where exception_id = '{second[0]}'""",
    ) == [(first[0], True)]
    assert query(
        duckdb_path,
        f"""
        select status, changed_by_id from marts.exception_status_history
        where exception_id = '{first[0]}' order by changed_at, status_rank""",
    )[1:] == [("acknowledged", "TSK-900001"), ("resolved", "TSK-900001")]
