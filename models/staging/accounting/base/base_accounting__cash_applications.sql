-- Every row of accounting/cash_applications as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('accounting', 'cash_applications'),
    references=[
        {'column': 'bank_transaction_id', 'to': ref('stg_bank__transactions')},
        {'column': 'invoice_id', 'to': ref('stg_billing__invoices')},
        {'column': 'reverses_application_id', 'to': 'self', 'key': 'application_id'},
    ]
) }}
