-- 控除 (差引) judged: every application up to the as-of date on which cash application booked a
-- shortfall (fee_deducted, whole yen: a half yen left by rounding is not a shortfall), judged against the
-- bank fee table (seed transfer_fees). A shortfall equal to a table fee is the transfer fee; any other is
-- a deduction of shortfall − the applicable fee, the applicable fee being the customer's usual one (the
-- table fee it deducts most often, the larger on a tie) where that is not above the shortfall, else the
-- largest table fee that is not. The deduction belongs to the invoice and customer of the application the
-- shortfall was booked on. A fee given back by the application's reversal is no shortfall.
with int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

transfer_fees as (
    select * from {{ ref('transfer_fees') }}
),

-- A reversal that gives the fee back (a negative fee_deducted) takes the shortfall back with it: the
-- re-application to the right invoice books it again, and it is judged there, once.
reversed_fees as (
    select
        reverses_application_id as application_id,
        sum(fee_deducted_amount) as reversed_fee_amount
    from int_cash_applications_resolved
    where is_reversal
    group by reverses_application_id
),

net_fees as (
    select
        int_cash_applications_resolved.application_id,
        int_cash_applications_resolved.bank_transaction_id,
        int_cash_applications_resolved.invoice_id,
        int_cash_applications_resolved.customer_key,
        int_cash_applications_resolved.applied_date,
        int_cash_applications_resolved.applied_amount,
        int_cash_applications_resolved.fee_deducted_amount,
        floor(
            int_cash_applications_resolved.fee_deducted_amount + coalesce(reversed_fees.reversed_fee_amount, 0)
        ) as shortfall_amount
    from int_cash_applications_resolved
    left join reversed_fees
        on int_cash_applications_resolved.application_id = reversed_fees.application_id
    where not int_cash_applications_resolved.is_reversal
),

shortfalls as (
    select * from net_fees
    where shortfall_amount > 0
),

table_fees as (
    select distinct cast(transfer_fee_amount as decimal(18, 2)) as fee_amount
    from transfer_fees
),

judged as (
    select
        shortfalls.*,
        table_fees.fee_amount is not null as is_table_fee
    from shortfalls
    left join table_fees
        on shortfalls.shortfall_amount = table_fees.fee_amount
),

customer_fee_counts as (
    select
        customer_key,
        shortfall_amount as fee_amount,
        count(*) as fee_count
    from judged
    where is_table_fee
    group by customer_key, shortfall_amount
),

usual_fees as (
    select
        customer_key,
        fee_amount,
        row_number() over (partition by customer_key order by fee_count desc, fee_amount desc) as fee_rank
    from customer_fee_counts
),

largest_fees_below as (
    select
        judged.application_id,
        max(table_fees.fee_amount) as fee_amount
    from judged
    inner join table_fees
        on table_fees.fee_amount <= judged.shortfall_amount
    group by judged.application_id
),

final as (
    select
        judged.application_id,
        judged.bank_transaction_id,
        judged.invoice_id,
        judged.customer_key,
        judged.applied_date,
        judged.applied_amount,
        judged.fee_deducted_amount,
        judged.shortfall_amount,
        judged.is_table_fee,
        case
            when judged.is_table_fee then judged.shortfall_amount
            when usual_fees.fee_amount <= judged.shortfall_amount then usual_fees.fee_amount
            else coalesce(largest_fees_below.fee_amount, 0)
        end as applicable_fee_amount,
        case
            when judged.is_table_fee then 0
            when usual_fees.fee_amount <= judged.shortfall_amount then judged.shortfall_amount - usual_fees.fee_amount
            else judged.shortfall_amount - coalesce(largest_fees_below.fee_amount, 0)
        end as deduction_amount,
        not judged.is_table_fee as is_deduction
    from judged
    left join usual_fees
        on
            judged.customer_key = usual_fees.customer_key
            and usual_fees.fee_rank = 1
    left join largest_fees_below
        on judged.application_id = largest_fees_below.application_id
)

select * from final
