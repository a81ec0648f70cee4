-- Rule: each month-end, the AR sub-ledger (invoices − cash applied − fees − notes received + notes
-- dishonoured − write-offs) equals the general ledger's accounts_receivable balance.
{{ config(severity='warn') }}

select
    month_start,
    month_end_date,
    subledger_ending_ar,
    gl_ending_ar,
    difference_amount
from {{ ref('fct_gl_ar_reconciliation') }}
where not is_reconciled
