{#- dbt-spark snapshots need Delta, Iceberg or Hudi; the project's Spark tables are Parquet, so
    snap_crm__account_owners is disabled there and no version is recorded: int_customer_owners_versioned
    gives every account today's owner for all time, which is what a DuckDB warehouse's first build gives. -#}
{% macro spark__account_owner_versions() -%}
    select
        cast(null as string) as crm_account_id,
        cast(null as string) as owner_assignee_id,
        cast(null as timestamp) as dbt_valid_from,
        cast(null as timestamp) as dbt_valid_to
    from {{ ref('stg_crm__accounts') }}
    where 1 = 0
{%- endmacro %}
