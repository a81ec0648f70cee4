-- DSO悪化 (rule dso_deterioration, seed 000): DSO up by at least the threshold in days on the
-- previous month, for the company and each owner team. Closed months only, so an alert does not
-- come and go while a month is still running; a month without a DSO (no sales) does not compare.
with {{ alert_rule_inputs('dso_deterioration', ['fct_kpi_monthly', 'fct_kpi_team_monthly']) }},

subject_dso as (
    {{ company_and_team_months(['is_month_in_progress', 'dso_days']) }}
),

month_on_month as (
    select
        current_month.subject_type,
        current_month.subject_id,
        current_month.subject_name,
        current_month.month_start,
        current_month.period_end_date,
        current_month.dso_days,
        previous_month.dso_days as previous_dso_days,
        cast(round(cast(current_month.dso_days - previous_month.dso_days as double), 4) as decimal(18, 4))
            as dso_change_days
    from subject_dso as current_month
    inner join subject_dso as previous_month
        on {{ follows_previous_period('month', 'current_month', 'previous_month') }}
    where
        not current_month.is_month_in_progress
        and current_month.dso_days is not null
        and previous_month.dso_days is not null
),

{% call fired_alerts(
    'month_on_month',
    value_column='dso_change_days',
    kpi_name="'dso_days'",
    period_grain='month',
    measured_value='dso_days',
    baseline_value='previous_dso_days',
) -%}
        'DSOが前月比 '
        || {{ number_text('dso_change_days', signed=true) }}
        || '日 悪化 ('
        || {{ number_text('dso_days') }}
        || '日)'
{%- endcall %}

select * from final
