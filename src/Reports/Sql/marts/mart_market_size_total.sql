-- The market by fiscal year, all forms together; same measures and definitions as mart_market_size.
-- One row per fiscal year. Key: fiscal_year
-- Money and line counts equal the sums of mart_market_size's rows; active persons do not (distinct across forms).
with events as (select * from int_market_line_events),

by_year as (
    select
        fiscal_year,
        count(distinct job_key) filter (where event = 'posted') as jobs_posted,
        cast(coalesce(sum(value_jpy) filter (where event = 'posted'), 0) as bigint) as posted_jpy,
        count(*) filter (where event = 'contracted') as lines_contracted,
        cast(coalesce(sum(value_jpy) filter (where event = 'contracted'), 0) as bigint) as contracted_jpy,
        count(*) filter (where event = 'paid') as lines_paid,
        cast(coalesce(sum(value_jpy) filter (where event = 'paid'), 0) as bigint) as paid_jpy,
        cast(coalesce(sum(fee_jpy) filter (where event = 'paid'), 0) as bigint) as fee_jpy,
        count(distinct client_person_key) filter (where event = 'paid') as active_clients,
        count(distinct worker_person_key) filter (where event = 'paid') as active_workers
    from events
    group by fiscal_year
),

-- Inputs of the survey's disclosure rule (DisclosureControl in C#): how many platforms were paid in the row and the
-- largest one's share of paid value; persons are the smaller of active clients and active workers.
platform_values as (
    select fiscal_year, platform_id, sum(value_jpy) as platform_paid_jpy
    from events
    where event = 'paid'
    group by fiscal_year, platform_id
),

platform_concentration as (
    select fiscal_year,
           count(*) as paying_platforms,
           max(platform_paid_jpy) / nullif(sum(platform_paid_jpy), 0) as top_platform_paid_share
    from platform_values
    group by fiscal_year
),

final as (
    select
        by_year.*,
        coalesce(platform_concentration.paying_platforms, 0) as paying_platforms,
        platform_concentration.top_platform_paid_share,
        least(by_year.active_clients, by_year.active_workers) as sdc_persons,
        coalesce(platform_concentration.paying_platforms, 0) as sdc_platforms,
        platform_concentration.top_platform_paid_share as sdc_top_platform_share
    from by_year
    left join platform_concentration using (fiscal_year)
)

select * from final
order by fiscal_year
