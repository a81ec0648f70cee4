-- 目標未達 (rule target_achievement_below, seed 001: Warning 目標達成率80%未満): a targeted KPI of the
-- company whose target achievement % (fct_kpi_monthly, target / actual where lower is better) is
-- below the threshold in a closed month. One alert per KPI and month (kpi_name is part of the alert id).
with alert_rules as (
    select * from {{ ref('alert_rules') }}
),

int_kpi_target_achievements_unpivoted as (
    select * from {{ ref('int_kpi_target_achievements_unpivoted') }}
),

active_rule as (
    {{ alert_rule('target_achievement_below') }}
),

observations as (
    select
        'company' as subject_type,
        'company' as subject_id,
        '全社' as subject_name,
        month_start,
        period_end_date,
        kpi_name,
        kpi_name_ja,
        kpi_value,
        target_value,
        cast(round(target_achievement_pct, 4) as decimal(18, 4)) as target_achievement_pct
    from int_kpi_target_achievements_unpivoted
),

evaluated as (
    {{ evaluate_alert_rule('observations', value_column='target_achievement_pct') }}
),

final as (
    select
        {{ alert_row_columns(
            kpi_name='kpi_name',
            period_grain="'month'",
            period_start='month_start',
            period_end_date='period_end_date',
            observed_value='target_achievement_pct',
            measured_value='kpi_value',
            baseline_value='target_value',
        ) }},
        kpi_name_ja
        || ' 目標未達: 実績 '
        || {{ number_text('kpi_value', decimals=2) }}
        || ' / 目標 '
        || {{ number_text('target_value', decimals=2) }}
        || ' (達成率 '
        || {{ number_text('target_achievement_pct') }}
        || '%)' as finding_ja
    from evaluated
    where is_fired
)

select * from final
