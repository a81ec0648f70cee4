-- Every row of treasury/cash_forecasts as read, typed, with the contract rule it breaks (null = valid).
{{ stage_landing(
    source('treasury', 'cash_forecasts'),
    checks=[
        ('target_date < made_on', 'target_before_forecast', 'target_date'),
    ]
) }}
