-- Every row of accounting/cash_applications as read, typed, with the contract rule it breaks (null = valid).
-- A fee is negative only on a reversal row (the fee deducted is reversed with the cash); a negative fee
-- on any other row, or a positive one on a reversal, is bad_amount.
{{ stage_landing(
    source('accounting', 'cash_applications'),
    references=[
        {'column': 'bank_transaction_id', 'to': ref('stg_bank__transactions')},
        {'column': 'invoice_id', 'to': ref('stg_billing__invoices')},
        {'column': 'reverses_application_id', 'to': 'self', 'key': 'application_id'},
    ],
    checks=[
        ('fee_deducted < 0 and reverses_application_id is null', 'bad_amount', 'fee_deducted'),
        ('fee_deducted > 0 and reverses_application_id is not null', 'bad_amount', 'fee_deducted'),
    ]
) }}
