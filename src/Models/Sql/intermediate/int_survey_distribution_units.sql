-- The units of the survey's distributions, one row per unit per cell it counts in (margins included):
--   job_value:  each job paid in the fiscal year, its paid value in the year (all its paid lines); cells: form, and all
--               forms (row_code = form, null = all); the unit's person is its client (the linker's person).
--   worker_pay: each active worker (a person, across platforms), their paid value in the year; cells: age band x
--               gender with margins (row_code = age band, column_code = gender, null = all); the unit's person is the worker.
-- unit_rank orders each cell's units by value (ties by person), from 0: what quantiles, bands and top shares read.
-- Key: (fiscal_year, distribution, row_code, column_code, unit_rank). platform_id is the job's platform, or the
-- worker's main platform (the one that paid them most): what a distribution's dominance is judged on.
-- Jobs come from their paid lines reduced per job and form (int_job_events; a job is unique within its platform); workers come from
-- int_survey_worker_persons, so the pay distribution counts exactly the persons "who works" counts.
with clients as (select fiscal_year, platform_id, id, person_key from int_survey_account_cells where kind = 'client'),
workers as (select * from int_survey_worker_persons),

-- A job has one form and one client. Should an export give one job lines of two forms, each form's part is a unit of
-- its own, in all forms too, so that every band over all forms is the sum of the forms' (the release relies on it).
-- (int_job_events' paid rows: one per fiscal year, platform, job and form, kept between builds)
jobs_by_form as (
    select fiscal_year, platform_id, job_id, form, value_jpy, client_account_id
    from int_job_events
    where event = 'paid' and in_refreshed_years(fiscal_year)
),

job_units as (
    select jobs.fiscal_year, jobs.platform_id, jobs.job_id, jobs.form, jobs.value_jpy,
           coalesce(clients.person_key, account_person_key(null, jobs.platform_id, jobs.client_account_id)) as person_key
    from jobs_by_form as jobs
    left join clients
        on clients.fiscal_year = jobs.fiscal_year and clients.platform_id = jobs.platform_id and clients.id = jobs.client_account_id
),

worker_units as (
    select fiscal_year, main_platform_id as platform_id, profile.age_band as age_band, profile.gender as gender,
           paid_jpy as value_jpy, person_key
    from workers
),

-- Each unit once per cell it counts in, by unnesting its cells (a CTE read several times would be materialized first).
stacked as (
    select fiscal_year, 'job_value' as distribution, unnest([form, null]) as row_code, cast(null as varchar) as column_code,
           value_jpy, person_key, platform_id
    from job_units
    union all
    select fiscal_year, 'worker_pay', cell.row_code, cell.column_code, value_jpy, person_key, platform_id
    from (
        select fiscal_year, value_jpy, person_key, platform_id,
               unnest([{'row_code': age_band, 'column_code': gender}, {'row_code': age_band, 'column_code': null},
                       {'row_code': null, 'column_code': gender}, {'row_code': null, 'column_code': null}]) as cell
        from worker_units
    )
),

ranked as (
    select *, row_number() over (partition by fiscal_year, distribution, row_code, column_code order by value_jpy, person_key) - 1 as unit_rank
    from stacked
)

select * from ranked
