-- Who owned each customer when: one row per customer and ownership interval, valid_from (inclusive;
-- null = since before the first build) to valid_to (exclusive; null = still the owner), from the
-- ownership history that every build records (snap_crm__account_owners). The owner is the one of
-- the customer's CRM account that int_customers_attributed reads today's owner from. The CRM export
-- carries no assignment date, so a reassignment takes effect on the day of the build that first saw
-- it, and the earliest recorded owner holds back to the beginning. An account the history has not
-- seen (always so on Spark, which keeps no snapshot) has today's owner for all time. The collector
-- marts attribute a collection to the owner of the interval its date falls in.
with int_customers_attributed as (
    select * from {{ ref('int_customers_attributed') }}
),

account_owner_versions as (
    {{ account_owner_versions() | indent(4) }}
),

versions as (
    select
        crm_account_id,
        owner_assignee_id,
        cast(dbt_valid_from as date) as observed_from_date,
        cast(dbt_valid_to as date) as observed_to_date,
        row_number() over (partition by crm_account_id order by dbt_valid_from) as version_rank
    from account_owner_versions
),

customer_accounts as (
    select
        customer_key,
        crm_account_id,
        owner_assignee_id
    from int_customers_attributed
    where crm_account_id is not null
),

recorded_intervals as (
    select
        customer_accounts.customer_key,
        customer_accounts.crm_account_id,
        versions.owner_assignee_id,
        case when versions.version_rank > 1 then versions.observed_from_date end as valid_from,
        versions.observed_to_date as valid_to
    from customer_accounts
    inner join versions on customer_accounts.crm_account_id = versions.crm_account_id
),

unrecorded_intervals as (
    select
        customer_accounts.customer_key,
        customer_accounts.crm_account_id,
        customer_accounts.owner_assignee_id,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
    from customer_accounts
    left join versions
        on customer_accounts.crm_account_id = versions.crm_account_id and versions.version_rank = 1
    where versions.crm_account_id is null
),

intervals as (
    select * from recorded_intervals
    union all
    select * from unrecorded_intervals
),

-- Two reassignments seen on one day leave an empty interval: the last owner of the day holds it.
final as (
    select
        customer_key,
        crm_account_id,
        owner_assignee_id,
        valid_from,
        valid_to
    from intervals
    where valid_from is null or valid_to is null or valid_from < valid_to
)

select * from final
