-- Every row of guarantee/claims as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('guarantee', 'claims'),
    references=[
        {'column': 'invoice_id', 'to': ref('stg_billing__invoices')},
    ]
) }}
