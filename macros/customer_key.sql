{#- The shared customer key, derived from the anchoring billing customer id (customer_key.md
    rule 7): the same customer gets the same key on every run, whatever the row order or new data. -#}
{% macro customer_key_for(billing_customer_id) -%}
    {{ dbt.hash(dbt.concat(["'billing:'", billing_customer_id])) }}
{%- endmacro %}

{#- The explicit customer that holds whatever could not be resolved (rule 5), so totals still add up. -#}
{% macro unresolved_customer_key() -%}
    'unresolved'
{%- endmacro %}
