-- Every row of billing/invoices as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('billing', 'invoices'),
    references=[
        {'column': 'billing_customer_id', 'to': ref('stg_billing__customers')},
        {'column': 'original_invoice_id', 'to': 'self', 'key': 'invoice_id'},
    ],
    checks=[
        ('due_date < invoice_date', 'due_before_issue', 'due_date'),
        ("document_type = 'invoice' and amount < 0", 'bad_amount', 'amount'),
        ("document_type = 'credit_note' and amount > 0", 'bad_amount', 'amount'),
    ]
) }}
