-- Every vintage balances at every month-end: incurred = collected + fees deducted + written off + open.
select
    incurrence_month,
    months_since_incurrence,
    owner_team,
    segment,
    incurred_amount,
    cumulative_collected_amount,
    cumulative_fees_deducted_amount,
    cumulative_written_off_amount,
    open_amount
from {{ ref('fct_vintages') }}
where
    incurred_amount <> cumulative_collected_amount + cumulative_fees_deducted_amount
    + cumulative_written_off_amount + open_amount
