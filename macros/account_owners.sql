{#- The recorded versions of the CRM accounts' owners: crm_account_id, owner_assignee_id, dbt_valid_from,
    dbt_valid_to, read from the snapshot snap_crm__account_owners. Dispatched, because Spark has no
    snapshot here (spark__account_owner_versions, macros/spark/spark_snapshots.sql). -#}
{% macro account_owner_versions() -%}
    {{ return(adapter.dispatch('account_owner_versions')()) }}
{%- endmacro %}

{% macro default__account_owner_versions() -%}
    select
        crm_account_id,
        owner_assignee_id,
        dbt_valid_from,
        dbt_valid_to
    from {{ ref('snap_crm__account_owners') }}
{%- endmacro %}
