"""The shared customer key on the shipped sample (customer_key.md)."""

from __future__ import annotations

from pathlib import Path

from warehouse import query

SPEC_EXAMPLES = [
    ("billing", "株式会社山田商事"),
    ("accounting", "(株)山田商事"),
    ("crm", "山田商事 株式会社"),
    ("bank", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
    ("bank", "ヤマダショウジ（カ"),
    ("legal", "株式会社　山田商事"),
]


def test_the_spec_examples_resolve_to_one_customer(sample_warehouse: Path) -> None:
    keys: set[str] = set()
    for system, name in SPEC_EXAMPLES:
        rows = query(
            sample_warehouse,
            f"""
            select customer_key, match_status from marts.customer_identity_map
            where source_system = '{system}' and record_name = '{name}'
        """,
        )
        assert rows, f"{system} {name} is not in the identity map"
        assert all(status == "resolved" for _, status in rows), (system, name, rows)
        keys.update(key for key, _ in rows)
    assert len(keys) == 1 and "unresolved" not in keys


def test_a_remitter_fitting_two_customers_is_not_guessed(sample_warehouse: Path) -> None:
    rows = query(
        sample_warehouse,
        """
        select match_status, customer_key, name_candidate_count from marts.customer_identity_map
        where source_system = 'bank' and source_identifier = 'ﾄｳﾜｺｳｷﾞﾖｳ(ｶ'
    """,
    )
    assert rows == [("ambiguous_name", "unresolved", 2)]


def test_unresolved_deposits_keep_their_money_under_the_unresolved_customer(sample_warehouse: Path) -> None:
    [(total, resolved, unresolved)] = query(
        sample_warehouse,
        """
        select sum(deposit_amount),
               sum(case when customer_key <> 'unresolved' then deposit_amount end),
               sum(case when customer_key = 'unresolved' then deposit_amount end)
        from intermediate.int_deposits_resolved
    """,
    )
    assert unresolved > 0 and resolved + unresolved == total
    [(exception_amount,)] = query(
        sample_warehouse, "select sum(unresolved_deposit_amount) from marts.customer_match_exceptions"
    )
    [(unresolved_without_virtual_account,)] = query(
        sample_warehouse,
        """
        select sum(deposit_amount) from intermediate.int_deposits_resolved where customer_key = 'unresolved'
    """,
    )
    assert exception_amount == unresolved_without_virtual_account


def test_keys_do_not_depend_on_row_order(sample_warehouse: Path) -> None:
    rows = query(
        sample_warehouse,
        """
        select count(*) from marts.customer_identity_map
        where source_system = 'billing' and match_method = 'anchor'
            and customer_key <> md5('billing:' || source_identifier)
    """,
    )
    assert rows == [(0,)]
