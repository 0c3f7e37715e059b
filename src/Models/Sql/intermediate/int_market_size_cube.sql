-- The market by fiscal year and form, and by fiscal year over all forms: posted, contracted and paid value, each in
-- the fiscal year of its own event (a line posted in March and paid in April counts in two fiscal years).
-- One row per fiscal year x form, plus one per fiscal year with form null (all forms). Key: (fiscal_year, form)
-- Posted and contracted measures come from each job's events (int_job_events, kept between builds); paid measures
-- come from the survey's cross tabs, so the market size and the survey tables agree by construction.
with job_events as not materialized (select * from int_job_events where in_refreshed_years(fiscal_year)),
-- paid measures are the category-mix table's form margins (all categories), defined in int_survey_cross_tabs
paid as (
    select fiscal_year, column_code as form, lines_paid, paid_jpy, fee_jpy, active_clients, active_workers,
           paying_platforms, top_platform_paid_share, top_two_platforms_paid_share
    from int_survey_cross_tabs
    where family = 'category_form' and row_code is null
),

-- int_job_events has one posted row per fiscal year, platform, job and form: a form's jobs are its rows. Only over all
-- forms may a job count twice (posted in two forms), so only that margin counts distinct jobs (a distinct count under
-- both grouping sets hashed every row twice).
posted as (
    select fiscal_year, form, count(*) as jobs_posted, cast(sum(value_jpy) as bigint) as posted_jpy
    from job_events
    where event = 'posted'
    group by fiscal_year, form
    union all
    select fiscal_year, null,
           -- a job is unique within its platform
           count(distinct hash(platform_id, job_id)), cast(sum(value_jpy) as bigint)
    from job_events
    where event = 'posted'
    group by fiscal_year
),

contracted as (
    select fiscal_year, form,
           cast(sum(lines) as bigint) as lines_contracted,
           cast(sum(value_jpy) as bigint) as contracted_jpy
    from job_events
    -- a contract later cancelled is not part of the contracted market (int_job_events)
    where event = 'contracted'
    group by grouping sets ((fiscal_year, form), (fiscal_year))
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
        coalesce(paid.paying_platforms, 0) as paying_platforms,
        paid.top_platform_paid_share,
        least(coalesce(paid.active_clients, 0), coalesce(paid.active_workers, 0)) as sdc_persons,
        coalesce(paid.paying_platforms, 0) as sdc_platforms,
        paid.top_platform_paid_share as sdc_top_platform_share,
        paid.top_two_platforms_paid_share as sdc_top_two_platforms_share
    from keys
    left join posted on posted.fiscal_year = keys.fiscal_year and posted.form is not distinct from keys.form
    left join contracted on contracted.fiscal_year = keys.fiscal_year and contracted.form is not distinct from keys.form
    left join paid on paid.fiscal_year = keys.fiscal_year and paid.form is not distinct from keys.form
)

select * from final
