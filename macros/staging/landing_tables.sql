{#- Every landing table of the contract, with its main amount and business-date columns: the one
    list that models spanning all landing tables (rejected_rows, int_source_rows_counted) loop over. -#}
{% macro landing_tables() -%}
    {{ return([
        {'system': 'billing', 'table': 'customers', 'amount_column': none, 'date_column': none},
        {'system': 'billing', 'table': 'invoices', 'amount_column': 'amount', 'date_column': 'invoice_date'},
        {'system': 'bank', 'table': 'transactions', 'amount_column': 'amount', 'date_column': 'value_date'},
        {'system': 'bank', 'table': 'balances', 'amount_column': 'balance', 'date_column': 'balance_at'},
        {'system': 'accounting', 'table': 'accounts', 'amount_column': none, 'date_column': none},
        {'system': 'accounting', 'table': 'customers', 'amount_column': none, 'date_column': none},
        {'system': 'accounting', 'table': 'journal_lines', 'amount_column': 'debit', 'date_column': 'posting_date'},
        {'system': 'accounting', 'table': 'cash_applications', 'amount_column': 'applied_amount', 'date_column': 'applied_date'},
        {'system': 'accounting', 'table': 'notes_receivable', 'amount_column': 'amount', 'date_column': 'received_date'},
        {'system': 'crm', 'table': 'accounts', 'amount_column': none, 'date_column': none},
        {'system': 'crm', 'table': 'assignees', 'amount_column': none, 'date_column': none},
        {'system': 'crm', 'table': 'activities', 'amount_column': 'promise_amount', 'date_column': 'activity_at'},
        {'system': 'crm', 'table': 'tasks', 'amount_column': none, 'date_column': 'created_at'},
        {'system': 'legal', 'table': 'cases', 'amount_column': none, 'date_column': 'opened_date'},
        {'system': 'legal', 'table': 'case_invoices', 'amount_column': 'transferred_amount', 'date_column': none},
        {'system': 'legal', 'table': 'events', 'amount_column': 'cost', 'date_column': 'event_date'},
        {'system': 'legal', 'table': 'recoveries', 'amount_column': 'amount', 'date_column': 'recovery_date'},
        {'system': 'guarantee', 'table': 'claims', 'amount_column': 'claimed_amount', 'date_column': 'claim_date'},
        {'system': 'treasury', 'table': 'cash_forecasts', 'amount_column': 'forecast_balance', 'date_column': 'made_on'},
    ]) }}
{%- endmacro %}
