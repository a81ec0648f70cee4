"""The landing-file contract: every table and its columns, in the contract's order.

The generator writes exactly these columns. The only deliberate deviation is listed in
OMITTED_COLUMNS (an optional column left out to exercise absent optional columns).
"""

from __future__ import annotations

TABLE_COLUMNS: dict[str, list[str]] = {
    "billing/customers": [
        "billing_customer_id",
        "customer_name",
        "customer_name_kana",
        "corporate_number",
        "payment_terms_days",
        "credit_limit",
        "virtual_account_number",
        "payment_terms",
    ],
    "billing/invoices": [
        "invoice_id",
        "billing_customer_id",
        "invoice_date",
        "due_date",
        "amount",
        "currency",
        "document_type",
        "original_invoice_id",
        "deal_id",
        "sales_rep_id",
        "issue_method",
        "delivered_date",
    ],
    "bank/transactions": [
        "bank_transaction_id",
        "bank_account_id",
        "value_date",
        "amount",
        "currency",
        "remitter_name",
        "virtual_account_number",
        "description",
    ],
    "bank/balances": ["bank_account_id", "balance_at", "balance", "currency"],
    "accounting/accounts": ["account_code", "account_name", "account_category"],
    "accounting/customers": ["accounting_customer_code", "customer_name", "corporate_number"],
    "accounting/journal_lines": [
        "journal_id",
        "line_number",
        "posting_date",
        "account_code",
        "debit",
        "credit",
        "accounting_customer_code",
        "invoice_id",
        "entry_type",
        "entered_by",
        "description",
    ],
    "accounting/cash_applications": [
        "application_id",
        "bank_transaction_id",
        "invoice_id",
        "applied_amount",
        "applied_date",
        "method",
        "fee_deducted",
        "reverses_application_id",
    ],
    "accounting/notes_receivable": [
        "note_id",
        "note_type",
        "accounting_customer_code",
        "invoice_id",
        "amount",
        "received_date",
        "maturity_date",
        "status",
        "settled_date",
        "bank_transaction_id",
        "discount_fee",
    ],
    "crm/accounts": [
        "crm_account_id",
        "account_name",
        "account_name_kana",
        "corporate_number",
        "billing_customer_id",
        "accounting_customer_code",
        "segment",
        "industry",
        "owner_assignee_id",
    ],
    "crm/assignees": ["assignee_id", "assignee_name", "team", "role", "active"],
    "crm/activities": [
        "activity_id",
        "crm_account_id",
        "invoice_id",
        "assignee_id",
        "activity_at",
        "channel",
        "stage",
        "outcome",
        "promise_date",
        "promise_amount",
        "automated",
        "disputed_amount",
    ],
    "crm/tasks": [
        "task_id",
        "crm_account_id",
        "invoice_id",
        "assignee_id",
        "task_type",
        "created_at",
        "sla_due_at",
        "completed_at",
        "status",
        "reopened_from_task_id",
        "resolved_on_first_contact",
        "error_category",
        "external_ref",
        "resolution_tags",
    ],
    "legal/cases": [
        "legal_case_id",
        "debtor_name",
        "debtor_corporate_number",
        "crm_account_id",
        "opened_date",
        "current_stage",
        "closed_date",
        "outcome",
        "agency",
        "assignee_id",
    ],
    "legal/case_invoices": ["legal_case_id", "invoice_id", "transferred_amount"],
    "legal/events": ["legal_case_id", "event_date", "event_type", "stage", "cost"],
    "legal/recoveries": ["legal_case_id", "recovery_date", "amount", "cost"],
    "guarantee/claims": [
        "claim_id",
        "invoice_id",
        "claim_date",
        "claimed_amount",
        "paid_date",
        "paid_amount",
        "guarantor",
    ],
    "treasury/cash_forecasts": [
        "forecast_id",
        "made_on",
        "target_date",
        "horizon",
        "forecast_balance",
        "bank_account_id",
    ],
}

# Optional columns deliberately left out of the written file, so the warehouse's handling
# of an absent optional column is exercised by the shipped sample.
OMITTED_COLUMNS: dict[str, set[str]] = {"bank/transactions": {"description"}}

# Tables written as parquet instead of CSV, to exercise the parquet reader.
PARQUET_TABLES: frozenset[str] = frozenset({"treasury/cash_forecasts"})

# Tables whose CSV starts with a UTF-8 byte-order mark, to exercise BOM tolerance.
BOM_TABLES: frozenset[str] = frozenset({"crm/accounts"})


def written_columns(table: str) -> list[str]:
    """The columns the generator actually writes for a table, in contract order."""
    omitted = OMITTED_COLUMNS.get(table, set())
    return [c for c in TABLE_COLUMNS[table] if c not in omitted]
