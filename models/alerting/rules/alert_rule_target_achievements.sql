-- 目標未達 and 目標達成 (rules target_achievement_below, seed 001: Warning 目標達成率80%未満, and
-- target_met, seed 001: Info 目標達成): a targeted KPI of the company whose target achievement %
-- (fct_kpi_monthly, target / actual where lower is better) is below the one rule's threshold, or
-- reaches the other's (100 %), in a closed month. The two rules read the same observations and differ
-- only in their seed row and the word of the finding, so one model evaluates both: each rule's alerts
-- are its own rows (rule_id is part of the alert id). One alert per rule, KPI and month; target_met
-- opens no exception by default (alert_rules.opens_exception).
{%- set finding_words = {'target_achievement_below': '目標未達', 'target_met': '目標達成'} %}

with {{ alert_rule_inputs(finding_words.keys() | list, ['alert_observations_kpi_target_achievements']) }},

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
    from alert_observations_kpi_target_achievements
),

{% call fired_alerts(
    'observations',
    value_column='target_achievement_pct',
    kpi_name='kpi_name',
    period_grain='month',
    measured_value='kpi_value',
    baseline_value='target_value',
) -%}
        kpi_name_ja
        || case rule_id
{%- for rule_id, word in finding_words.items() %}
            when '{{ rule_id }}' then ' {{ word }}: 実績 '
{%- endfor %}
        end
        || {{ number_text('kpi_value', decimals=2) }}
        || ' / 目標 '
        || {{ number_text('target_value', decimals=2) }}
        || ' (達成率 '
        || {{ number_text('target_achievement_pct') }}
        || '%)'
{%- endcall %}

select * from final
