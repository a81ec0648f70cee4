{#- The additive per-day parts of int_assignee_days_summarised that the collector marts sum to their
    grain (week, month): one list, so a new part is added once. -#}
{% macro assignee_part_columns(with_legal=false) -%}
    {%- set parts = [
        'tasks_created_count', 'tasks_completed_count', 'activity_count', 'call_count', 'email_count',
        'letter_count', 'visit_count', 'sms_count', 'portal_count', 'other_count', 'automated_activity_count',
        'lead_time_seconds_sum', 'tasks_due_count', 'tasks_sla_breached_count', 'reopened_task_count',
        'first_contact_resolved_count', 'promises_due_count', 'promises_kept_count', 'collected_amount',
    ] -%}
    {%- if with_legal -%}
        {%- set parts = parts + ['legal_filings_count', 'judgments_won_count', 'judgments_lost_count'] -%}
    {%- endif -%}
    {{ return(parts) }}
{%- endmacro %}

{#- sum(<relation>.<part>) as <part>, for every assignee part. -#}
{% macro sum_assignee_parts(relation, with_legal=false) -%}
    {%- for part in assignee_part_columns(with_legal) %}
        sum({{ relation }}.{{ part }}) as {{ part }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
