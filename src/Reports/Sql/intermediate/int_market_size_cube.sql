-- The market by fiscal year and form, and by fiscal year over all forms: posted, contracted and paid value, each in
-- the fiscal year of its own event (a line posted in March and paid in April counts in two fiscal years).
-- One row per fiscal year x form, plus one per fiscal year with form null (all forms). Key: (fiscal_year, form)
-- Three narrow scans (one per event) instead of one scan of a three-way union: each reads only its own columns.
-- Posted and contracted measures need no person, so they read staging directly; paid ones read the paid lines.
with lines as (select * from stg_transactions),
paid_lines as (select * from int_survey_paid_lines),

posted as (
    select posted_fiscal_year as fiscal_year, form,
           -- a job is unique within its platform (same key as int_market_lines.job_key)
           count(distinct hash(platform_id, job_id)) as jobs_posted,
           cast(sum(posted_jpy) as bigint) as posted_jpy
    from lines
    group by grouping sets ((posted_fiscal_year, form), (posted_fiscal_year))
),

contracted as (
    select contracted_fiscal_year as fiscal_year, form,
           count(*) as lines_contracted,
           cast(sum(contracted_jpy) as bigint) as contracted_jpy
    from lines
    -- a contract later cancelled is not part of the contracted market
    where contracted_on is not null and status <> 'cancelled'
    group by grouping sets ((contracted_fiscal_year, form), (contracted_fiscal_year))
),

paid as (
    select fiscal_year, form,
           count(*) as lines_paid,
           cast(sum(paid_jpy) as bigint) as paid_jpy,
           cast(sum(fee_jpy) as bigint) as fee_jpy,
           -- active persons: at least one paid line in the fiscal year, distinct across platforms
           count(distinct client_person_key) as active_clients,
           count(distinct worker_person_key) as active_workers
    from paid_lines
    group by grouping sets ((fiscal_year, form), (fiscal_year))
),

-- Inputs of the survey's disclosure rule (DisclosureControl in C#): how many platforms were paid in the row and the
-- largest one's share of paid value; persons are the smaller of active clients and active workers.
platform_values as (
    select fiscal_year, form, platform_id, sum(paid_jpy) as platform_paid_jpy
    from paid_lines
    group by grouping sets ((fiscal_year, form, platform_id), (fiscal_year, platform_id))
),

platform_concentration as (
    select fiscal_year, form,
           count(*) as paying_platforms,
           max(platform_paid_jpy) / nullif(sum(platform_paid_jpy), 0) as top_platform_paid_share
    from platform_values
    group by fiscal_year, form
),

keys as (
    select fiscal_year, form from posted
    union select fiscal_year, form from contracted
    union select fiscal_year, form from paid
),

final as (
    select
        keys.fiscal_year,
        keys.form,
        coalesce(posted.jobs_posted, 0) as jobs_posted,
        coalesce(posted.posted_jpy, 0) as posted_jpy,
        coalesce(contracted.lines_contracted, 0) as lines_contracted,
        coalesce(contracted.contracted_jpy, 0) as contracted_jpy,
        coalesce(paid.lines_paid, 0) as lines_paid,
        coalesce(paid.paid_jpy, 0) as paid_jpy,
        coalesce(paid.fee_jpy, 0) as fee_jpy,
        coalesce(paid.active_clients, 0) as active_clients,
        coalesce(paid.active_workers, 0) as active_workers,
        coalesce(platform_concentration.paying_platforms, 0) as paying_platforms,
        platform_concentration.top_platform_paid_share,
        least(coalesce(paid.active_clients, 0), coalesce(paid.active_workers, 0)) as sdc_persons,
        coalesce(platform_concentration.paying_platforms, 0) as sdc_platforms,
        platform_concentration.top_platform_paid_share as sdc_top_platform_share
    from keys
    left join posted on posted.fiscal_year = keys.fiscal_year and posted.form is not distinct from keys.form
    left join contracted on contracted.fiscal_year = keys.fiscal_year and contracted.form is not distinct from keys.form
    left join paid on paid.fiscal_year = keys.fiscal_year and paid.form is not distinct from keys.form
    left join platform_concentration on platform_concentration.fiscal_year = keys.fiscal_year and platform_concentration.form is not distinct from keys.form
)

select * from final
