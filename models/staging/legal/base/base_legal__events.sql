-- Every row of legal/events as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('legal', 'events'),
    references=[
        {'column': 'legal_case_id', 'to': ref('stg_legal__cases')},
    ]
) }}
