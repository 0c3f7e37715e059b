-- The category x form cells each account's lines fall in, per rate and fiscal year (mart_survey_rates counts persons
-- through them): cancellation, each client by the posting year; dispute, each client and each worker by the contract
-- year (null for lines without a contract). One scan; each line's three accounts unnested into one plain group-by
-- (not grouping sets: their three hash tables stay in memory together and cannot spill, see int_survey_paid_ids).
-- A running total (MartModels.RunningTotals):
-- a refresh ORs the new lines' cells in. Key: (rate, fiscal_year, platform_id, kind, account_id).
with lines as (select * from stg_transactions),
-- the family fits 64 bits (as in int_survey_line_cells): OR-ing ubigint over every line costs less than uhugeint
finest as (
    select row_code as category, column_code as form, cast(mask as ubigint) as mask
    from int_survey_cells where family = 'category_form'
),

ids as (
    select platform_id, finest.mask,
           unnest([{'rate': 'cancellation', 'fiscal_year': posted_fiscal_year, 'kind': 'client', 'account_id': client_account_id},
                   {'rate': 'dispute', 'fiscal_year': contracted_fiscal_year, 'kind': 'client', 'account_id': client_account_id},
                   {'rate': 'dispute', 'fiscal_year': contracted_fiscal_year, 'kind': 'worker', 'account_id': worker_account_id}]) as account
    from lines
    join finest on finest.category = lines.category and finest.form = lines.form
)

select account.rate as rate, account.fiscal_year as fiscal_year, platform_id, account.kind as kind,
       account.account_id as account_id, bit_or(mask) as mask
from ids
group by account.rate, account.fiscal_year, platform_id, account.kind, account.account_id
