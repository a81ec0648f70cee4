-- Every row of legal/case_invoices as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('legal', 'case_invoices'),
    references=[
        {'column': 'legal_case_id', 'to': ref('stg_legal__cases')},
        {'column': 'invoice_id', 'to': ref('stg_billing__invoices')},
    ]
) }}
