{#- 法人番号 check digit (法人番号の指定等に関する省令 第二条): the first of the 13 digits is
    9 − (Σ_{n=1..12} P_n × Q_n mod 9), P_n the n-th digit of the 12-digit base number counted from
    its lowest (rightmost) digit, Q_n 1 for odd n and 2 for even n; e.g. 7000012050002 (国税庁).
    Digit by digit with substring, so it runs on every engine (no list functions). The column holds
    13 digits already (parse_landing_value's corporate_number). -#}
{% macro corporate_number_check_digit(column_name) -%}
    9 - ((
        {%- for n in range(1, 13) %}
        {{ '+ ' if not loop.first }}{{ 1 if n % 2 == 1 else 2 }} * cast(substring({{ column_name }}, {{ 14 - n }}, 1) as {{ dbt.type_int() }})
        {%- endfor %}
    ) % 9)
{%- endmacro %}

{% macro has_valid_check_digit(column_name) -%}
    (cast(substring({{ column_name }}, 1, 1) as {{ dbt.type_int() }}) = {{ corporate_number_check_digit(column_name) }})
{%- endmacro %}

{#- The corporate number as staged: null when its check digit is wrong, so it never matches (名寄せ
    rule 1); corporate_number_findings lists the row. -#}
{% macro checked_corporate_number(column_name) -%}
    case when {{ has_valid_check_digit(column_name) }} then {{ column_name }} end
{%- endmacro %}
