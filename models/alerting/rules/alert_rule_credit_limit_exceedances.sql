-- 与信限度超過 (rule credit_limit_exceeded, seed 002 与信管理): a customer whose net exposure as of
-- as_of_date is above its credit limit: open AR less the 仮受金 (deposits resolved to the customer and
-- not applied yet), limit use % = net exposure / credit_limit × 100, compared with the threshold (100 by
-- default); fct_customer_exposures publishes the same netting as of today. One alert per exceedance
-- episode: period_start is the day the current exceedance began (open AR from
-- fct_invoice_balance_history, 仮受金 from int_unapplied_deposits_dated, judged against today's credit limit),
-- so the alert keeps its id from one daily run to the next while the exceedance lasts, and a new
-- exceedance after the customer came back under the limit is a new alert. A customer without a
-- credit limit (null or 0) is not judged.
with {{ alert_rule_inputs(
    'credit_limit_exceeded',
    ['fct_invoice_balance_history', 'int_unapplied_deposits_dated', 'dim_customer', 'int_reporting_dates']
) }},

limited_customers as (
    select
        customer_key,
        customer_name,
        credit_limit
    from dim_customer
    where credit_limit > 0
),

-- Each balance interval adds its open amount on valid_from and takes it away on valid_to; each change of
-- a deposit's unapplied remainder (dated up to the as-of date) moves the 仮受金.
balance_deltas as (
    select
        fct_invoice_balance_history.customer_key,
        fct_invoice_balance_history.valid_from as change_date,
        fct_invoice_balance_history.open_amount as open_amount_delta,
        0 as unapplied_amount_delta
    from fct_invoice_balance_history
    cross join int_reporting_dates
    where fct_invoice_balance_history.valid_from <= int_reporting_dates.as_of_date
    union all
    select
        fct_invoice_balance_history.customer_key,
        fct_invoice_balance_history.valid_to as change_date,
        -fct_invoice_balance_history.open_amount as open_amount_delta,
        0 as unapplied_amount_delta
    from fct_invoice_balance_history
    cross join int_reporting_dates
    where fct_invoice_balance_history.valid_to <= int_reporting_dates.as_of_date
    union all
    select
        customer_key,
        change_date,
        0 as open_amount_delta,
        unapplied_amount_change as unapplied_amount_delta
    from int_unapplied_deposits_dated
),

daily_deltas as (
    select
        customer_key,
        change_date,
        sum(open_amount_delta) as open_amount_delta,
        sum(unapplied_amount_delta) as unapplied_amount_delta
    from balance_deltas
    group by customer_key, change_date
),

-- The customer's open AR and 仮受金 from each change date until the next one.
running_steps as (
    select
        customer_key,
        change_date,
        sum(open_amount_delta) over (
            partition by customer_key order by change_date rows between unbounded preceding and current row
        ) as open_ar,
        sum(unapplied_amount_delta) over (
            partition by customer_key order by change_date rows between unbounded preceding and current row
        ) as unapplied_amount
    from daily_deltas
),

open_ar_steps as (
    select
        customer_key,
        change_date,
        open_ar,
        unapplied_amount,
        open_ar - unapplied_amount as net_exposure
    from running_steps
),

judged_steps as (
    select
        open_ar_steps.customer_key,
        limited_customers.customer_name,
        limited_customers.credit_limit,
        open_ar_steps.change_date,
        open_ar_steps.open_ar,
        open_ar_steps.unapplied_amount,
        open_ar_steps.net_exposure,
        cast(
            {{ pct('open_ar_steps.net_exposure', 'limited_customers.credit_limit', decimals=4) }}
            as decimal(18, 4)
        ) as limit_use_pct,
        active_rule.rule_id,
        active_rule.rule_name_ja,
        active_rule.severity,
        active_rule.opens_exception,
        active_rule.threshold,
        active_rule.comparison
    from open_ar_steps
    inner join limited_customers
        on open_ar_steps.customer_key = limited_customers.customer_key
    inner join active_rule
        on {{ rule_watches_subject('active_rule', "'customer'") }}
),

evaluated_steps as (
    select
        judged_steps.*,
        {{ threshold_fired('judged_steps.limit_use_pct', 'judged_steps') }} as is_exceeded,
        row_number() over (partition by customer_key order by change_date desc) as recency_rank
    from judged_steps
),

last_compliant_dates as (
    select
        customer_key,
        max(change_date) as last_compliant_date
    from evaluated_steps
    where not is_exceeded
    group by customer_key
),

episode_starts as (
    select
        evaluated_steps.customer_key,
        min(evaluated_steps.change_date) as exceeded_since_date
    from evaluated_steps
    left join last_compliant_dates
        on evaluated_steps.customer_key = last_compliant_dates.customer_key
    where
        evaluated_steps.is_exceeded
        and (
            last_compliant_dates.last_compliant_date is null
            or evaluated_steps.change_date > last_compliant_dates.last_compliant_date
        )
    group by evaluated_steps.customer_key
),

current_exceedances as (
    select
        evaluated_steps.*,
        episode_starts.exceeded_since_date,
        int_reporting_dates.as_of_date
    from evaluated_steps
    inner join episode_starts
        on evaluated_steps.customer_key = episode_starts.customer_key
    cross join int_reporting_dates
    where evaluated_steps.recency_rank = 1 and evaluated_steps.is_exceeded
),

final as (
    select
        {{ alert_row_columns(
            kpi_name="'credit_limit_use_pct'",
            subject_type="'customer'",
            subject_id='customer_key',
            subject_name='customer_name',
            period_grain='day',
            period_start='exceeded_since_date',
            period_end_date='as_of_date',
            observed_value='limit_use_pct',
            measured_value='net_exposure',
            baseline_value='credit_limit',
        ) }},
        '与信残高 '
        || {{ yen_text('net_exposure') }}
        || '円 (売掛残高 '
        || {{ yen_text('open_ar') }}
        || '円 − 仮受金 '
        || {{ yen_text('unapplied_amount') }}
        || '円) が与信限度 '
        || {{ yen_text('credit_limit') }}
        || '円を超過 (利用率 '
        || {{ number_text('limit_use_pct') }}
        || '%、'
        || cast(exceeded_since_date as {{ dbt.type_string() }})
        || 'から)' as finding_ja
    from current_exceedances
)

select * from final
