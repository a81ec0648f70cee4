-- Each deposit (入金) with its customer: the virtual account it came in on decides first, then an
-- invoice named in the transfer's EDI情報, then the remitter name as resolved in the identity map;
-- otherwise the explicit unresolved customer. A deposit reversed by a cancellation (取消) is no
-- longer a deposit to apply, and one that settles a note receivable (期日入金, 割引代り金) is no receipt of
-- 売掛金: the note settled the invoice when it was received.
with stg_bank__transactions as (
    select * from {{ ref('stg_bank__transactions') }}
),

identity_map as (
    select * from {{ ref('int_customer_identifiers_resolved') }}
),

int_invoices_resolved as (
    select * from {{ ref('int_invoices_resolved') }}
),

stg_accounting__notes_receivable as (
    select * from {{ ref('stg_accounting__notes_receivable') }}
),

note_settlements as (
    select bank_transaction_id
    from stg_accounting__notes_receivable
    where bank_transaction_id is not null
    group by bank_transaction_id
),

reversed_transactions as (
    select reverses_bank_transaction_id as bank_transaction_id
    from stg_bank__transactions
    where reverses_bank_transaction_id is not null
    group by reverses_bank_transaction_id
),

deposits as (
    select stg_bank__transactions.*
    from stg_bank__transactions
    left join reversed_transactions
        on stg_bank__transactions.bank_transaction_id = reversed_transactions.bank_transaction_id
    left join note_settlements
        on stg_bank__transactions.bank_transaction_id = note_settlements.bank_transaction_id
    where
        stg_bank__transactions.transaction_amount > 0
        and reversed_transactions.bank_transaction_id is null
        and note_settlements.bank_transaction_id is null
),

by_virtual_account as (
    select source_identifier as virtual_account_number, customer_key, match_method
    from identity_map
    where identifier_type = 'virtual_account_number' and match_status = 'resolved'
),

-- EDI情報 names an invoice when it is exactly that invoice's id (letter case aside).
by_edi_invoice as (
    select
        upper(invoice_id) as edi_info_key,
        invoice_id as edi_invoice_id,
        customer_key
    from int_invoices_resolved
),

by_remitter_name as (
    select source_identifier as remitter_name, customer_key, match_method, match_status
    from identity_map
    where identifier_type = 'remitter_name'
),

final as (
    select
        deposits.bank_transaction_id,
        deposits.bank_account_id,
        deposits.value_date,
        deposits.transaction_amount as deposit_amount,
        deposits.remitter_name,
        deposits.virtual_account_number,
        deposits.edi_info,
        by_edi_invoice.edi_invoice_id,
        coalesce(
            by_virtual_account.customer_key,
            by_edi_invoice.customer_key,
            by_remitter_name.customer_key,
            {{ unresolved_customer_key() }}
        ) as customer_key,
        case
            when by_virtual_account.customer_key is not null then by_virtual_account.match_method
            when by_edi_invoice.customer_key is not null then 'edi_invoice'
            else by_remitter_name.match_method
        end as match_method,
        case
            when by_virtual_account.customer_key is not null or by_edi_invoice.customer_key is not null
                then 'resolved'
            else coalesce(by_remitter_name.match_status, 'no_match')
        end as match_status
    from deposits
    left join by_virtual_account on deposits.virtual_account_number = by_virtual_account.virtual_account_number
    left join by_edi_invoice on upper(trim(deposits.edi_info)) = by_edi_invoice.edi_info_key
    left join by_remitter_name on deposits.remitter_name = by_remitter_name.remitter_name
)

select * from final
