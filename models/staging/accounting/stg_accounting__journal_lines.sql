-- 仕訳明細: the rows of accounting/journal_lines that keep the landing contract.
with base_journal_lines as (
    select * from {{ ref('base_accounting__journal_lines') }}
),

valid as (
    select
        journal_id,
        line_number,
        posting_date,
        account_code,
        debit as debit_amount,
        credit as credit_amount,
        accounting_customer_code,
        invoice_id,
        entry_type,
        entered_by,
        description
    from base_journal_lines
    where rejection_reason is null
)

select * from valid
