-- The lines of each event per fiscal year of that event, platform and form: posted (every line) and paid per job,
-- with the job's client for paid; contracted (a contract not later cancelled) per platform and form only, with job_id
-- null. A job is unique within its platform. Read by the market size (jobs posted, contracted lines and value) and the
-- job-value distribution. A running total (MartModels.RunningTotals): a refresh adds the new lines' rows (lines and
-- value add; the client is the smallest account id, one client per job in practice).
-- One row per event x fiscal year x platform x job x form. Key: (event, fiscal_year, platform_id, job_id, form).
with lines as (select * from stg_transactions),

events as (
    select 'posted' as event, posted_fiscal_year as fiscal_year, platform_id, job_id, form,
           cast(null as varchar) as client_account_id, posted_jpy as value_jpy
    from lines
    union all
    select 'contracted', contracted_fiscal_year, platform_id, null, form, null, contracted_jpy
    from lines
    -- a contract later cancelled is not part of the contracted market
    where contracted_on is not null and status <> 'cancelled'
    union all
    select 'paid', paid_fiscal_year, platform_id, job_id, form, client_account_id, paid_jpy
    from lines
    where paid_on is not null
)

select event, fiscal_year, platform_id, job_id, form,
       count(*) as lines, cast(sum(value_jpy) as bigint) as value_jpy, min(client_account_id) as client_account_id
from events
group by event, fiscal_year, platform_id, job_id, form
-- Stored ordered by platform and fiscal year, so a refresh combining one file's rows touches that platform-year only.
order by platform_id, fiscal_year
