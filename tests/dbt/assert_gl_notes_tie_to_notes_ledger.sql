-- Rule: each month-end, the notes ledger's notes receivable (received − collected − discounted −
-- endorsed − dishonoured) equals the general ledger's notes_receivable balance (受取手形, 電子記録債権).
{{ config(severity='warn') }}

select
    month_start,
    ending_notes_receivable_amount,
    gl_ending_notes_receivable_amount,
    gl_difference_amount
from {{ ref('fct_notes_receivable_monthly') }}
where gl_difference_amount <> 0
