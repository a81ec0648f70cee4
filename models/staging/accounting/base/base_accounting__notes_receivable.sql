-- Every row of accounting/notes_receivable as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('accounting', 'notes_receivable'),
    references=[
        {'column': 'accounting_customer_code', 'to': ref('stg_accounting__customers')},
        {'column': 'invoice_id', 'to': ref('stg_billing__invoices')},
        {'column': 'bank_transaction_id', 'to': ref('stg_bank__transactions')},
    ],
    checks=[
        ("status <> 'held' and settled_date is null", 'missing_required', 'settled_date'),
        ('maturity_date < received_date', 'maturity_before_receipt', 'maturity_date'),
        ('settled_date < received_date', 'settled_before_receipt', 'settled_date'),
        ('discount_fee > amount', 'bad_amount', 'discount_fee'),
    ]
) }}
