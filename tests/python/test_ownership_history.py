"""Reassigning an account moves what comes after, never the history: each build records the owners
(snap_crm__account_owners) and the collector marts attribute a collection to its day's owner."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from warehouse import REPO_ROOT, query, run_dbt

SAMPLE = REPO_ROOT / "sample" / "landing"
SELECT = ["--select", "+fct_collector_monthly", "--exclude-resource-type", "test", "unit_test"]
COLLECTED = "select month_start::varchar, collected_amount from marts.fct_collector_monthly where assignee_id = '{}'"

# The account with the largest collections of one collector, and another collector to give it to.
BUSIEST_ACCOUNT = """
select
    int_customer_owners_versioned.crm_account_id,
    int_customer_owners_versioned.owner_assignee_id,
    (
        select min(assignee_id) from staging.stg_crm__assignees
        where role = 'collector' and assignee_id <> int_customer_owners_versioned.owner_assignee_id
    ) as new_owner_assignee_id
from intermediate.int_customer_owners_versioned
inner join intermediate.int_invoices_resolved
    on int_customer_owners_versioned.customer_key = int_invoices_resolved.customer_key
inner join intermediate.int_receivable_events_unioned
    on int_invoices_resolved.invoice_id = int_receivable_events_unioned.invoice_id
where int_receivable_events_unioned.event_type = 'cash_applied' and owner_assignee_id is not null
group by all
order by -sum(int_receivable_events_unioned.open_amount_effect) desc, 1
limit 1
"""


def reassign(accounts_csv: Path, crm_account_id: str, new_owner: str) -> None:
    with accounts_csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, accounts_csv
    for row in rows:
        if row["crm_account_id"] == crm_account_id:
            row["owner_assignee_id"] = new_owner
    with accounts_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_reassignment_leaves_the_past_with_the_old_owner(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE, landing)
    warehouse = tmp_path / "ar.duckdb"
    first = run_dbt(["build", *SELECT], tmp_path, warehouse, landing_dir=landing)
    assert first.returncode == 0, first.stdout[-3000:]

    [(account, old_owner, new_owner)] = query(warehouse, BUSIEST_ACCOUNT)
    old_owner_before = query(warehouse, COLLECTED.format(old_owner))
    new_owner_before = query(warehouse, COLLECTED.format(new_owner))
    assert sum(amount for _, amount in old_owner_before) > 0

    reassign(landing / "crm" / "accounts.csv", account, new_owner)
    second = run_dbt(["build", *SELECT], tmp_path, warehouse, landing_dir=landing)
    assert second.returncode == 0, second.stdout[-3000:]

    # Today's owner has changed, and the history knows both owners.
    today = f"select owner_assignee_id from intermediate.int_customers_attributed where crm_account_id = '{account}'"
    assert query(warehouse, today) == [(new_owner,)]
    versions = query(
        warehouse,
        "select owner_assignee_id, dbt_valid_to is null from snapshots.snap_crm__account_owners "
        f"where crm_account_id = '{account}' order by dbt_valid_from",
    )
    assert versions == [(old_owner, False), (new_owner, True)]
    intervals = query(
        warehouse,
        "select owner_assignee_id, valid_from is null, valid_to is null "
        f"from intermediate.int_customer_owners_versioned where crm_account_id = '{account}' "
        "order by valid_from nulls first",
    )
    assert intervals == [(old_owner, True, False), (new_owner, False, True)]

    # Every month collected so far stays where it was: the reassignment happened after all of it.
    assert query(warehouse, COLLECTED.format(old_owner)) == old_owner_before
    assert query(warehouse, COLLECTED.format(new_owner)) == new_owner_before
