-- Every row of bank/transactions as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(source('bank', 'transactions'), references=[
    {'column': 'reverses_bank_transaction_id', 'to': 'self', 'key': 'bank_transaction_id'},
]) }}
