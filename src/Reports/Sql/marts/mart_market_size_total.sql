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
)

select * from by_year
order by fiscal_year
