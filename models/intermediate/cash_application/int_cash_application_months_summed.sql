-- The additive parts of 消込実績 by month and application method: applications and reversals by the
-- month they were booked (a reversal counts against the method of the application it reverses),
-- deposits by the month they arrived and how each was matched (only by auto applications, with any
-- manual one, or not at all). Every deposit and every application counts on exactly one row.
-- fct_cash_application_monthly adds the month's auto-match rates.
with int_cash_applications_resolved as (
    select * from {{ ref('int_cash_applications_resolved') }}
),

int_deposits_resolved as (
    select * from {{ ref('int_deposits_resolved') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

application_methods as (
    select
        application_id,
        application_method
    from int_cash_applications_resolved
),

-- A reversal counts against the method of the application it reverses (an auto match gone wrong).
applications as (
    select
        {{ month_start('int_cash_applications_resolved.applied_date') }} as month_start,
        coalesce(reversed.application_method, int_cash_applications_resolved.application_method) as application_method,
        int_cash_applications_resolved.bank_transaction_id,
        int_cash_applications_resolved.applied_amount,
        int_cash_applications_resolved.fee_deducted_amount,
        int_cash_applications_resolved.is_reversal,
        not int_cash_applications_resolved.is_reversal
        and not int_cash_applications_resolved.is_reversed as is_effective_match
    from int_cash_applications_resolved
    left join application_methods as reversed
        on int_cash_applications_resolved.reverses_application_id = reversed.application_id
),

application_measures as (
    select
        month_start,
        application_method,
        sum(case when not is_reversal then 1 else 0 end) as application_count,
        sum(case when not is_reversal then applied_amount else 0 end) as applied_amount,
        sum(case when not is_reversal then fee_deducted_amount else 0 end) as fee_deducted_amount,
        sum(case when is_reversal then 1 else 0 end) as reversal_count,
        sum(case when is_reversal then -applied_amount else 0 end) as reversal_amount,
        sum(case when is_effective_match then 1 else 0 end) as matched_application_count,
        sum(case when is_effective_match then applied_amount else 0 end) as matched_applied_amount,
        sum(case when is_effective_match and application_method = 'auto' then 1 else 0 end)
            as auto_matched_application_count,
        sum(case when is_effective_match and application_method = 'auto' then applied_amount else 0 end)
            as auto_matched_applied_amount
    from applications
    group by month_start, application_method
),

deposit_applications as (
    select
        bank_transaction_id,
        sum(applied_amount) as applied_amount,
        sum(case when is_effective_match then 1 else 0 end) as matched_count,
        sum(case when is_effective_match and application_method = 'auto' then 1 else 0 end) as auto_matched_count,
        sum(case when is_effective_match and application_method = 'manual' then 1 else 0 end) as manual_matched_count
    from applications
    group by bank_transaction_id
),

-- How each deposit was matched: only by auto applications, with any manual one, or not at all.
deposits as (
    select
        {{ month_start('int_deposits_resolved.value_date') }} as month_start,
        case
            when coalesce(deposit_applications.matched_count, 0) = 0 then 'unmatched'
            when deposit_applications.auto_matched_count = deposit_applications.matched_count then 'auto'
            when deposit_applications.manual_matched_count > 0 then 'manual'
            else 'unknown'
        end as application_method,
        int_deposits_resolved.deposit_amount,
        int_deposits_resolved.deposit_amount - coalesce(deposit_applications.applied_amount, 0) as unapplied_amount
    from int_deposits_resolved
    cross join int_reporting_dates
    left join deposit_applications
        on int_deposits_resolved.bank_transaction_id = deposit_applications.bank_transaction_id
    where int_deposits_resolved.value_date <= int_reporting_dates.as_of_date
),

deposit_measures as (
    select
        month_start,
        application_method,
        count(*) as received_deposit_count,
        sum(deposit_amount) as received_deposit_amount,
        sum(case when unapplied_amount <= 0 then 1 else 0 end) as fully_applied_deposit_count,
        sum(case when unapplied_amount <= 0 then deposit_amount else 0 end) as fully_applied_deposit_amount,
        sum(case when unapplied_amount > 0 then 1 else 0 end) as unapplied_deposit_count,
        sum(case when unapplied_amount > 0 then unapplied_amount else 0 end) as unapplied_amount,
        sum(case when unapplied_amount <= 0 and application_method = 'auto' then 1 else 0 end)
            as auto_matched_deposit_count,
        sum(case when unapplied_amount <= 0 and application_method = 'auto' then deposit_amount else 0 end)
            as auto_matched_deposit_amount
    from deposits
    group by month_start, application_method
),

month_methods as (
    select month_start, application_method from application_measures
    union
    select month_start, application_method from deposit_measures
),

final as (
    select
        month_methods.month_start,
        month_methods.application_method,
        coalesce(application_measures.application_count, 0) as application_count,
        coalesce(application_measures.applied_amount, 0) as applied_amount,
        coalesce(application_measures.fee_deducted_amount, 0) as fee_deducted_amount,
        coalesce(application_measures.reversal_count, 0) as reversal_count,
        coalesce(application_measures.reversal_amount, 0) as reversal_amount,
        coalesce(application_measures.matched_application_count, 0) as matched_application_count,
        coalesce(application_measures.matched_applied_amount, 0) as matched_applied_amount,
        coalesce(application_measures.auto_matched_application_count, 0) as auto_matched_application_count,
        coalesce(application_measures.auto_matched_applied_amount, 0) as auto_matched_applied_amount,
        coalesce(deposit_measures.received_deposit_count, 0) as received_deposit_count,
        coalesce(deposit_measures.received_deposit_amount, 0) as received_deposit_amount,
        coalesce(deposit_measures.fully_applied_deposit_count, 0) as fully_applied_deposit_count,
        coalesce(deposit_measures.fully_applied_deposit_amount, 0) as fully_applied_deposit_amount,
        coalesce(deposit_measures.unapplied_deposit_count, 0) as unapplied_deposit_count,
        coalesce(deposit_measures.unapplied_amount, 0) as unapplied_amount,
        coalesce(deposit_measures.auto_matched_deposit_count, 0) as auto_matched_deposit_count,
        coalesce(deposit_measures.auto_matched_deposit_amount, 0) as auto_matched_deposit_amount
    from month_methods
    left join application_measures
        on
            month_methods.month_start = application_measures.month_start
            and month_methods.application_method = application_measures.application_method
    left join deposit_measures
        on
            month_methods.month_start = deposit_measures.month_start
            and month_methods.application_method = deposit_measures.application_method
)

select * from final
