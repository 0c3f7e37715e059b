-- The market by fiscal year and form of work: posted, contracted and paid value, each in the fiscal year of its own
-- event (a line posted in March and paid in April counts in two fiscal years). The headline figure is paid_jpy.
-- One row per fiscal year x form. Key: (fiscal_year, form)
-- Persons are distinct within the row: summing active_clients / active_workers over forms overcounts people who
-- work in several forms; mart_market_size_total has the distinct counts across forms.
with events as (select * from int_market_line_events),

by_year_and_form as (
    select
        fiscal_year,
        form,
        ---------- posted (by posted_on): jobs are distinct per platform; value is summed over contract lines
        count(distinct job_key) filter (where event = 'posted') as jobs_posted,
        cast(coalesce(sum(value_jpy) filter (where event = 'posted'), 0) as bigint) as posted_jpy,
        ---------- contracted (by contracted_on), cancelled contracts excluded
        count(*) filter (where event = 'contracted') as lines_contracted,
        cast(coalesce(sum(value_jpy) filter (where event = 'contracted'), 0) as bigint) as contracted_jpy,
        ---------- paid (by paid_on): the headline
        count(*) filter (where event = 'paid') as lines_paid,
        cast(coalesce(sum(value_jpy) filter (where event = 'paid'), 0) as bigint) as paid_jpy,
        cast(coalesce(sum(fee_jpy) filter (where event = 'paid'), 0) as bigint) as fee_jpy,
        ---------- active persons: at least one paid line in the fiscal year
        count(distinct client_person_key) filter (where event = 'paid') as active_clients,
        count(distinct worker_person_key) filter (where event = 'paid') as active_workers
    from events
    group by fiscal_year, form
),

-- Inputs of the survey's disclosure rule (DisclosureControl in C#): how many platforms were paid in the row and the
-- largest one's share of paid value; persons are the smaller of active clients and active workers.
platform_values as (
    select fiscal_year, form, platform_id, sum(value_jpy) as platform_paid_jpy
    from events
    where event = 'paid'
    group by fiscal_year, form, platform_id
),

platform_concentration as (
    select fiscal_year, form,
           count(*) as paying_platforms,
           max(platform_paid_jpy) / nullif(sum(platform_paid_jpy), 0) as top_platform_paid_share
    from platform_values
    group by fiscal_year, form
),

final as (
    select
        by_year_and_form.*,
        coalesce(platform_concentration.paying_platforms, 0) as paying_platforms,
        platform_concentration.top_platform_paid_share,
        least(by_year_and_form.active_clients, by_year_and_form.active_workers) as sdc_persons,
        coalesce(platform_concentration.paying_platforms, 0) as sdc_platforms,
        platform_concentration.top_platform_paid_share as sdc_top_platform_share
    from by_year_and_form
    left join platform_concentration using (fiscal_year, form)
)

select * from final
order by fiscal_year, form
