-- Every row of accounting/journal_lines as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('accounting', 'journal_lines'),
    references=[
        {'column': 'account_code', 'to': ref('stg_accounting__accounts')},
    ]
) }}
