-- Columns written by Jinja loops: layout (LT02) unchecked, see .sqlfluff.
-- noqa: disable=LT02
-- アラート — every alert that fired: one row per rule, KPI, subject and detection period, from the
-- rule models in models/alerting/rules (thresholds and severities from the seed alert_rules,
-- kpis.md "Targets and alerts"; seed documents 000, 001, 004). alert_id is a hash of what the alert
-- is about, never of when it was computed, so the same finding keeps its id across runs and the
-- delivery sends it once; exception_id is derived from it for the rules that open an exception.
{%- set rule_models = [
    'alert_rule_dso_deteriorations',
    'alert_rule_ar_growth_beyond_sales',
    'alert_rule_sla_breaches',
    'alert_rule_backlog_growths',
    'alert_rule_overdue_ratios',
    'alert_rule_credit_limit_exceedances',
    'alert_rule_cash_balance_drops',
    'alert_rule_target_achievements',
] %}
{%- set alert_columns = [
    'rule_id', 'rule_name_ja', 'severity', 'opens_exception', 'kpi_name', 'subject_type', 'subject_id',
    'subject_name', 'period_grain', 'period_start', 'period_end_date', 'detected_date', 'observed_value',
    'threshold_value', 'measured_value', 'baseline_value', 'finding_ja',
] %}

with {% for rule_model in rule_models %}{{ rule_model }} as (
    select * from {{ ref(rule_model) }}
),

{% endfor -%}

fired_alerts as (
    {%- for rule_model in rule_models %}
    select {{ alert_columns | join(', ') }} from {{ rule_model }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

identified as (
    select
        {{ dbt.hash(dbt.concat([
            'rule_id', "'|'", 'kpi_name', "'|'", 'subject_type', "'|'", 'subject_id', "'|'",
            'cast(period_start as ' ~ dbt.type_string() ~ ')',
        ])) }} as alert_id,
        fired_alerts.*
    from fired_alerts
),

final as (
    select
        alert_id,
        case when opens_exception then 'EXC-' || substr(alert_id, 1, 12) end as exception_id,
        rule_id,
        rule_name_ja,
        severity,
        case severity when 'critical' then 1 when 'warning' then 2 else 3 end as severity_rank,
        kpi_name,
        subject_type,
        subject_id,
        subject_name,
        period_grain,
        period_start,
        period_end_date,
        detected_date,
        observed_value,
        threshold_value,
        measured_value,
        baseline_value,
        subject_name || ': ' || finding_ja as message_ja,
        opens_exception
    from identified
)

select * from final
