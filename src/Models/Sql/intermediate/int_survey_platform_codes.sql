-- Paid value, fees and paid lines per fiscal year, platform and line codes (category, form, client and worker
-- prefecture; a missing prefecture is 'unknown'): hundreds of thousands of rows instead of millions of lines, which
-- int_survey_platform_cells places in their cells. A running total (MartModels.RunningTotals): a refresh adds the new
-- lines' sums. Key: (fiscal_year, platform_id, category, form, client_prefecture, worker_prefecture).
with lines as (select * from stg_transactions where paid_on is not null)

select paid_fiscal_year as fiscal_year, platform_id, category, form,
       coalesce(client_prefecture, 'unknown') as client_prefecture,
       coalesce(worker_prefecture, 'unknown') as worker_prefecture,
       cast(sum(paid_jpy) as bigint) as paid_jpy, cast(sum(fee_jpy) as bigint) as fee_jpy, count(*) as lines_paid
from lines
group by all
-- Stored ordered by platform and fiscal year, so a refresh combining one file's rows touches that platform-year only.
order by platform_id, fiscal_year
