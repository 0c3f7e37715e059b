-- The rates' lines and events as code groups: lines with a client per posting year, contract year, platform, form and
-- category, and how many were cancelled or disputed (mart_survey_rates). A running total (MartModels.RunningTotals):
-- a refresh adds the new lines' counts. Key: (posted_fiscal_year, contracted_fiscal_year, platform_id, form, category).
with lines as (select * from stg_transactions)

select posted_fiscal_year, contracted_fiscal_year, platform_id, form, category,
       count(*) as lines,
       count(*) filter (where status = 'cancelled') as cancelled,
       count(*) filter (where status = 'disputed') as disputed
from lines
-- every line has one client: lines and events are counted on lines with a client
where client_account_id is not null
group by all
