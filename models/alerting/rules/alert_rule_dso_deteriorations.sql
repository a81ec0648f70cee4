-- DSO悪化 (rule dso_deterioration, seed 000): DSO up by at least the threshold in days on the
-- previous month, for the company and each owner team. The seed's compared_kpi chooses the DSO:
-- dso_trailing_3m_days (the default, the trailing three months, which a single month of 締め日
-- billing does not swing) or dso_days (the month's own; also when empty). Closed months only, so an
-- alert does not come and go while a month is still running; a month without that DSO (no sales,
-- or fewer than three months of data for the trailing one) does not compare.
with {{ alert_rule_inputs('dso_deterioration', ['fct_kpi_monthly', 'fct_kpi_team_monthly']) }},

subject_dso as (
    {{ company_and_team_months(['is_month_in_progress', 'dso_days', 'dso_trailing_3m_days']) }}
),

compared_dso as (
    select
        subject_dso.subject_type,
        subject_dso.subject_id,
        subject_dso.subject_name,
        subject_dso.month_start,
        subject_dso.period_end_date,
        subject_dso.is_month_in_progress,
        coalesce(active_rule.compared_kpi, 'dso_days') as compared_kpi,
        case
            when active_rule.compared_kpi = 'dso_trailing_3m_days' then subject_dso.dso_trailing_3m_days
            else subject_dso.dso_days
        end as dso_days
    from subject_dso
    cross join active_rule
),

month_on_month as (
    select
        current_month.subject_type,
        current_month.subject_id,
        current_month.subject_name,
        current_month.month_start,
        current_month.period_end_date,
        current_month.compared_kpi,
        current_month.dso_days,
        previous_month.dso_days as previous_dso_days,
        cast(round(cast(current_month.dso_days - previous_month.dso_days as double), 4) as decimal(18, 4))
            as dso_change_days
    from compared_dso as current_month
    inner join compared_dso as previous_month
        on {{ follows_previous_period('month', 'current_month', 'previous_month') }}
    where
        not current_month.is_month_in_progress
        and current_month.dso_days is not null
        and previous_month.dso_days is not null
),

{% call fired_alerts(
    'month_on_month',
    value_column='dso_change_days',
    kpi_name='compared_kpi',
    period_grain='month',
    measured_value='dso_days',
    baseline_value='previous_dso_days',
) -%}
        case when compared_kpi = 'dso_trailing_3m_days' then 'DSO (3か月移動) が前月比 ' else 'DSOが前月比 ' end
        || {{ number_text('dso_change_days', signed=true) }}
        || '日 悪化 ('
        || {{ number_text('dso_days') }}
        || '日)'
{%- endcall %}

select * from final
