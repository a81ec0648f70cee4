{#- The two forms of 支払条件 text that int_payment_terms_parsed reads, as regular expressions both
    DuckDB (RE2) and Spark (Java) accept. Closing terms: group 1 締め (月末 or N日), group 2 the month
    (当月, 翌月, 翌々月), group 3 the day (末 or N日); 締め, 払い and 支払 are optional words. Net days:
    group 1 the days after the invoice date. -#}
{% macro closing_terms_pattern() -%}
    ^(月末|[0-9]{1,2}日)締め?(当月|翌月|翌々月)(末|[0-9]{1,2}日)(?:払い|払|支払い|支払)?$
{%- endmacro %}

{% macro net_days_terms_pattern() -%}
    ^請求日?(?:から|より)([0-9]{1,3})日(?:後|以内)?(?:払い|払)?$
{%- endmacro %}
