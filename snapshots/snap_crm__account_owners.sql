{#- Ownership history of the CRM accounts (SCD2): who owns each account (owner_assignee_id) and that
    owner's team, one row per version, dbt_valid_from … dbt_valid_to (null = current). The CRM export
    carries no assignment dates (sources.md): a change is known from the build that first sees it, so
    history starts with the first build. Not on Spark: dbt-spark snapshots need Delta, Iceberg or Hudi
    and the project's tables are Parquet; int_customer_owners_versioned then takes today's owners. -#}
{% snapshot snap_crm__account_owners %}
{{ config(
    unique_key='crm_account_id',
    strategy='check',
    check_cols=['owner_assignee_id', 'owner_team'],
    enabled=target.type != 'spark',
) }}

    with stg_crm__accounts as (
        select * from {{ ref('stg_crm__accounts') }}
    ),

    stg_crm__assignees as (
        select * from {{ ref('stg_crm__assignees') }}
    )

    select
        stg_crm__accounts.crm_account_id,
        stg_crm__accounts.owner_assignee_id,
        stg_crm__assignees.team as owner_team
    from stg_crm__accounts
    left join stg_crm__assignees on stg_crm__accounts.owner_assignee_id = stg_crm__assignees.assignee_id

{% endsnapshot %}
