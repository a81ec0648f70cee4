-- 与信管理 computed (dim_customer_risk publishes it): one row per customer as of the as-of date: open
-- AR against the credit limit (与信限度額), the overdue share, the oldest overdue invoice, the payment
-- history of the last 12 months (average days to pay, share paid late) and the risk segment those put
-- the customer in (seed document 002): the most severe segment of the seed risk_segment_thresholds for
-- which the customer reaches at least one threshold; `low` when none is reached.
with int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

int_invoices_aged as (
    select * from {{ ref('int_invoices_aged') }}
),

risk_segment_thresholds as (
    select * from {{ ref('risk_segment_thresholds') }}
),

int_reporting_dates as (
    select * from {{ ref('int_reporting_dates') }}
),

history_windows as (
    select
        as_of_date,
        cast({{ dbt.dateadd('month', -12, 'as_of_date') }} as date) as history_start_date
    from int_reporting_dates
),

open_items as (
    select
        customer_key,
        sum(open_amount) as open_ar_amount,
        sum(case when is_overdue then open_amount else 0 end) as overdue_ar_amount,
        max(case when is_overdue then days_past_due end) as max_days_past_due
    from int_invoices_aged
    where is_open
    group by customer_key
),

-- Invoices settled by collection whose last payment fell in the 12 months up to the as-of date.
payment_history as (
    select
        int_invoices_aged.customer_key,
        count(*) as paid_invoices_12m_count,
        sum(case when int_invoices_aged.last_payment_date > int_invoices_aged.due_date then 1 else 0 end)
            as paid_late_invoices_12m_count,
        sum(int_invoices_aged.days_to_pay) as days_to_pay_12m_sum
    from int_invoices_aged
    cross join history_windows
    where
        int_invoices_aged.days_to_pay is not null
        and int_invoices_aged.last_payment_date > history_windows.history_start_date
        and int_invoices_aged.last_payment_date <= history_windows.as_of_date
    group by int_invoices_aged.customer_key
),

measured as (
    select
        int_customers_attributed.customer_key,
        int_customers_attributed.customer_name,
        int_customers_attributed.billing_customer_id,
        int_customers_attributed.owner_assignee_id,
        int_customers_attributed.owner_team,
        int_customers_attributed.segment,
        int_customers_attributed.is_unresolved,
        history_windows.as_of_date,
        coalesce(open_items.open_ar_amount, 0) as open_ar_amount,
        coalesce(open_items.overdue_ar_amount, 0) as overdue_ar_amount,
        open_items.max_days_past_due,
        int_customers_attributed.credit_limit as credit_limit_amount,
        coalesce(payment_history.paid_invoices_12m_count, 0) as paid_invoices_12m_count,
        coalesce(payment_history.paid_late_invoices_12m_count, 0) as paid_late_invoices_12m_count,
        coalesce(payment_history.days_to_pay_12m_sum, 0) as days_to_pay_12m_sum
    from int_customers_attributed
    cross join history_windows
    left join open_items on int_customers_attributed.customer_key = open_items.customer_key
    left join payment_history on int_customers_attributed.customer_key = payment_history.customer_key
),

-- Published to two decimals, and the thresholds are compared with the published value, so the
-- segment always agrees with what a report shows.
ratios as (
    select
        measured.*,
        round(cast(case
            when measured.open_ar_amount > 0
                then {{ ratio('measured.overdue_ar_amount', 'measured.open_ar_amount', 100) }}
        end as double), 2) as overdue_share_pct,
        {{ pct('measured.open_ar_amount', 'measured.credit_limit_amount') }}
            as credit_limit_used_pct,
        {{ pct(
            'measured.paid_late_invoices_12m_count',
            'measured.paid_invoices_12m_count'
        ) }} as paid_late_12m_pct,
        {{ pct('measured.days_to_pay_12m_sum', 'measured.paid_invoices_12m_count', scale=1) }}
            as average_days_to_pay_12m
    from measured
),

-- Which thresholds of which segment each customer reaches (an empty threshold is not used).
thresholds_reached as (
    select
        ratios.customer_key,
        risk_segment_thresholds.risk_segment,
        risk_segment_thresholds.severity_rank,
        coalesce(ratios.credit_limit_used_pct >= risk_segment_thresholds.min_credit_limit_used_pct, false)
            as is_credit_limit_reached,
        coalesce(ratios.overdue_share_pct >= risk_segment_thresholds.min_overdue_share_pct, false)
            as is_overdue_share_reached,
        coalesce(ratios.max_days_past_due >= risk_segment_thresholds.min_max_days_past_due, false)
            as is_days_past_due_reached,
        coalesce(
            ratios.paid_late_12m_pct >= risk_segment_thresholds.min_paid_late_pct
            and ratios.paid_invoices_12m_count >= coalesce(risk_segment_thresholds.min_paid_invoices_count, 0),
            false
        ) as is_paid_late_reached
    from ratios
    cross join risk_segment_thresholds
),

segments_reached as (
    select
        customer_key,
        risk_segment,
        severity_rank,
        case
            when is_credit_limit_reached then 'credit_limit_used'
            when is_overdue_share_reached then 'overdue_share'
            when is_days_past_due_reached then 'days_past_due'
            when is_paid_late_reached then 'paid_late'
        end as risk_segment_driver,
        row_number() over (partition by customer_key order by severity_rank desc) as severity_order
    from thresholds_reached
    where is_credit_limit_reached or is_overdue_share_reached or is_days_past_due_reached or is_paid_late_reached
),

default_segment as (
    select
        risk_segment,
        row_number() over (order by severity_rank) as severity_order
    from risk_segment_thresholds
),

segmented as (
    select
        ratios.customer_key,
        ratios.customer_name,
        ratios.billing_customer_id,
        ratios.owner_assignee_id,
        ratios.owner_team,
        ratios.segment,
        ratios.is_unresolved,
        ratios.as_of_date,
        cast(ratios.open_ar_amount as decimal(38, 2)) as open_ar_amount,
        cast(ratios.overdue_ar_amount as decimal(38, 2)) as overdue_ar_amount,
        ratios.overdue_share_pct,
        cast(ratios.max_days_past_due as bigint) as max_days_past_due,
        cast(ratios.credit_limit_amount as decimal(38, 2)) as credit_limit_amount,
        ratios.credit_limit_used_pct,
        coalesce(ratios.open_ar_amount > ratios.credit_limit_amount, false) as is_over_credit_limit,
        cast(ratios.paid_invoices_12m_count as bigint) as paid_invoices_12m_count,
        cast(ratios.paid_late_invoices_12m_count as bigint) as paid_late_invoices_12m_count,
        cast(ratios.days_to_pay_12m_sum as bigint) as days_to_pay_12m_sum,
        ratios.average_days_to_pay_12m,
        ratios.paid_late_12m_pct,
        coalesce(segments_reached.risk_segment, default_segment.risk_segment) as risk_segment,
        segments_reached.risk_segment_driver
    from ratios
    left join segments_reached
        on ratios.customer_key = segments_reached.customer_key and segments_reached.severity_order = 1
    cross join default_segment
    where default_segment.severity_order = 1
),

final as (
    select
        segmented.customer_key,
        segmented.customer_name,
        segmented.billing_customer_id,
        segmented.owner_assignee_id,
        segmented.owner_team,
        segmented.segment,
        segmented.is_unresolved,
        segmented.as_of_date,
        segmented.open_ar_amount,
        segmented.overdue_ar_amount,
        segmented.overdue_share_pct,
        segmented.max_days_past_due,
        segmented.credit_limit_amount,
        segmented.credit_limit_used_pct,
        segmented.is_over_credit_limit,
        segmented.paid_invoices_12m_count,
        segmented.paid_late_invoices_12m_count,
        segmented.days_to_pay_12m_sum,
        segmented.average_days_to_pay_12m,
        segmented.paid_late_12m_pct,
        segmented.risk_segment,
        risk_segment_thresholds.segment_label_ja as risk_segment_label_ja,
        risk_segment_thresholds.severity_rank as risk_severity_rank,
        segmented.risk_segment_driver,
        cast(risk_segment_thresholds.risk_weight as decimal(18, 4)) as risk_weight
    from segmented
    inner join risk_segment_thresholds on segmented.risk_segment = risk_segment_thresholds.risk_segment
)

select * from final
