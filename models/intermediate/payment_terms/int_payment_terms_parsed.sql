-- 支払条件 of each billing customer, parsed from the master's text into 締め日, 支払月 and 支払日:
-- `<締め>締め<月><日>払い` (締め 月末 or N日; 月 当月, 翌月, 翌々月; 日 末 or N日, 末日 = 末) or net days
-- `請求日からN日` (後 / 以内 may follow). Day 31 stands for the month's last day, as does 末. Spaces and
-- full-width digits are normalised first. A text that fits neither form, or names a day outside
-- 1–31, is `unparseable` with its reason (the customer stays staged: the terms are flagged, not the
-- customer); a customer without terms is `missing`.
with stg_billing__customers as (
    select * from {{ ref('stg_billing__customers') }}
),

normalised as (
    select
        billing_customer_id,
        payment_terms,
        replace(
            replace(
                translate(payment_terms, '０１２３４５６７８９　 ', '0123456789'),
                '末日', '末'
            ),
            '翌翌月', '翌々月'
        ) as terms_text
    from stg_billing__customers
),

matched as (
    select
        normalised.*,
        regexp_extract(terms_text, '{{ closing_terms_pattern() }}', 1) as closing_part,
        regexp_extract(terms_text, '{{ closing_terms_pattern() }}', 2) as month_part,
        regexp_extract(terms_text, '{{ closing_terms_pattern() }}', 3) as payment_part,
        regexp_extract(terms_text, '{{ net_days_terms_pattern() }}', 1) as net_days_part
    from normalised
),

parsed as (
    select
        matched.*,
        case
            when closing_part = '月末' then 31
            when closing_part <> '' then {{ try_cast_to("replace(closing_part, '日', '')", dbt.type_int()) }}
        end as closing_day,
        case month_part when '当月' then 0 when '翌月' then 1 when '翌々月' then 2 end as payment_month_offset,
        case
            when payment_part = '末' then 31
            when payment_part <> '' then {{ try_cast_to("replace(payment_part, '日', '')", dbt.type_int()) }}
        end as payment_day,
        case when net_days_part <> '' then {{ try_cast_to('net_days_part', dbt.type_int()) }} end as net_days
    from matched
),

checked as (
    select
        parsed.*,
        net_days is null and closing_day between 1 and 31 and payment_day between 1 and 31 as is_closing_terms
    from parsed
),

final as (
    select
        billing_customer_id,
        payment_terms,
        case
            when payment_terms is null then 'missing'
            when net_days is not null or is_closing_terms then 'parsed'
            else 'unparseable'
        end as terms_status,
        case
            when payment_terms is null or net_days is not null or is_closing_terms then null
            when closing_day is null and payment_day is null then 'unrecognised_terms_text'
            when closing_day not between 1 and 31 then 'bad_closing_day'
            else 'bad_payment_day'
        end as terms_issue_reason,
        case when is_closing_terms then closing_day end as closing_day,
        case when is_closing_terms then payment_month_offset end as payment_month_offset,
        case when is_closing_terms then payment_day end as payment_day,
        net_days,
        case
            when payment_terms is null then '(unassigned)'
            when net_days is not null
                then {{ dbt.concat(["'請求日から'", dbt.safe_cast('net_days', dbt.type_string()), "'日'"]) }}
            when is_closing_terms then {{ dbt.concat([
                "case when closing_day = 31 then '月末' else " ~ dbt.concat([dbt.safe_cast('closing_day', dbt.type_string()), "'日'"]) ~ " end",
                "'締め'",
                "case payment_month_offset when 0 then '当月' when 1 then '翌月' else '翌々月' end",
                "case when payment_day = 31 then '末' else " ~ dbt.concat([dbt.safe_cast('payment_day', dbt.type_string()), "'日'"]) ~ " end",
                "'払い'",
            ]) }}  -- noqa: LT05
            else '(unparsed)'
        end as payment_terms_segment
    from checked
)

select * from final
