-- The category x form cells each account's lines fall in, per rate and fiscal year (mart_survey_rates counts persons
-- through them): cancellation, each client by the posting year; dispute, each client and each worker by the contract
-- year (null for lines without a contract). One scan, three grouping sets. A running total (MartModels.RunningTotals):
-- a refresh ORs the new lines' cells in. Key: (rate, fiscal_year, platform_id, kind, account_id).
with lines as (select * from stg_transactions),
-- the family fits 64 bits (as in int_survey_line_cells): OR-ing ubigint over every line costs less than uhugeint
finest as (
    select row_code as category, column_code as form, cast(mask as ubigint) as mask
    from int_survey_cells where family = 'category_form'
)

select
    case when grouping(posted_fiscal_year) = 0 then 'cancellation' else 'dispute' end as rate,
    coalesce(posted_fiscal_year, contracted_fiscal_year) as fiscal_year,
    platform_id,
    case when grouping(worker_account_id) = 0 then 'worker' else 'client' end as kind,
    coalesce(client_account_id, worker_account_id) as account_id,
    bit_or(finest.mask) as mask
from lines
join finest on finest.category = lines.category and finest.form = lines.form
group by grouping sets ((posted_fiscal_year, platform_id, client_account_id),
                        (contracted_fiscal_year, platform_id, client_account_id),
                        (contracted_fiscal_year, platform_id, worker_account_id))
-- Stored ordered by platform and fiscal year, so a refresh combining one file's rows touches that platform-year only.
order by platform_id, fiscal_year
