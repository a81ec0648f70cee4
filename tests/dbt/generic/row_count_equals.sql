{#- A model that must hold exactly `expected` rows (e.g. a one-row settings model). -#}
{% test row_count_equals(model, expected) %}
select count(*) as row_count from {{ model }} having count(*) <> {{ expected }}
{% endtest %}
