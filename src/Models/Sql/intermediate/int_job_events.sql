-- The lines of each event per fiscal year of that event, platform and form: posted (every line) and paid per job,
-- with the job's client for paid; contracted (a contract not later cancelled) per platform and form only, with job_id
-- null. A job is unique within its platform. Read by the market size (jobs posted, contracted lines and value) and the
-- job-value distribution. A running total (MartModels.RunningTotals): a refresh adds the new lines' rows (lines and
-- value add; the client is the smallest account id, one client per job in practice).
-- One row per event x fiscal year x platform x job x form. Key: (event, fiscal_year, platform_id, job_id, form).
-- Not materialized: read three times, a CTE is otherwise copied whole first (scanning the table again costs less).
with lines as not materialized (select * from stg_transactions),

-- One aggregate per event rather than one over the three events stacked: contracted lines group by platform and form
-- only (a few hundred rows) instead of going through the job-keyed hash table, and each hash table holds one event's
-- jobs (a quarter less CPU at 1M transactions).
by_event as (
    select 'posted' as event, posted_fiscal_year as fiscal_year, platform_id, job_id, form,
           count(*) as lines, cast(sum(posted_jpy) as bigint) as value_jpy, cast(null as varchar) as client_account_id
    from lines
    group by posted_fiscal_year, platform_id, job_id, form
    union all
    select 'contracted', contracted_fiscal_year, platform_id, null, form, count(*), cast(sum(contracted_jpy) as bigint), null
    from lines
    -- a contract later cancelled is not part of the contracted market
    where contracted_on is not null and status <> 'cancelled'
    group by contracted_fiscal_year, platform_id, form
    union all
    select 'paid', paid_fiscal_year, platform_id, job_id, form, count(*), cast(sum(paid_jpy) as bigint), min(client_account_id)
    from lines
    where paid_on is not null
    group by paid_fiscal_year, platform_id, job_id, form
)

select * from by_event
-- Stored ordered by platform and fiscal year, so a refresh combining one file's rows touches that platform-year only.
order by platform_id, fiscal_year
