-- Every roll-rate row splits its bucket's balance in full: from_bucket_amount = cured (paid) +
-- credited + charged off + paid down + stayed + rolled forward + rolled beyond + rolled back.
select
    from_month_end_date,
    from_aging_bucket,
    owner_team,
    segment,
    from_bucket_amount,
    cured_amount,
    credited_amount,
    charged_off_amount,
    paid_down_amount,
    stayed_amount,
    rolled_forward_amount,
    rolled_beyond_amount,
    rolled_back_amount
from {{ ref('fct_roll_rates') }}
where
    from_bucket_amount <> cured_amount + credited_amount + charged_off_amount + paid_down_amount + stayed_amount
    + rolled_forward_amount + rolled_beyond_amount + rolled_back_amount
