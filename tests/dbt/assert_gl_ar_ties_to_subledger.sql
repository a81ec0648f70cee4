-- Rule: each month-end, the AR sub-ledger (invoices − cash applied − fees − notes received + notes
-- dishonoured − write-offs) equals the general ledger's accounts_receivable balance, within the
-- absolute tolerance in yen of the seed gl_tie_out_tolerances (0 when the seed has no
-- accounts_receivable row). An error: a controller
-- signs these numbers, so a build whose ledgers do not tie does not publish.
{{ config(severity='error') }}

with fct_gl_ar_reconciliation as (
    select * from {{ ref('fct_gl_ar_reconciliation') }}
),

gl_tie_out_tolerances as (
    select * from {{ ref('gl_tie_out_tolerances') }}
    where account_category = 'accounts_receivable'
),

tolerance as (
    select coalesce(max(tolerance_amount), 0) as tolerance_amount
    from gl_tie_out_tolerances
)

select
    fct_gl_ar_reconciliation.month_start,
    fct_gl_ar_reconciliation.month_end_date,
    fct_gl_ar_reconciliation.subledger_ending_ar,
    fct_gl_ar_reconciliation.gl_ending_ar,
    fct_gl_ar_reconciliation.difference_amount,
    tolerance.tolerance_amount
from fct_gl_ar_reconciliation
cross join tolerance
where abs(fct_gl_ar_reconciliation.difference_amount) > tolerance.tolerance_amount
