-- Region-to-region flows: paid value from clients in one region to workers in another (9 regions, 'unknown' kept).
-- One row per fiscal year x client region x worker region, plus margins: a null client_region or worker_region means "all" (grouping sets).
-- Key: (fiscal_year, client_region, worker_region). Only paid lines, in the fiscal year of payment.
-- sdc_* are the inputs of the disclosure rule (DisclosureControl in C#): a money cell needs enough clients and enough
-- workers (the smaller of the two counts), or its value would reveal one party's spend or income.
with paid as (select * from int_survey_paid_lines),
regions as (select code, region_code from ref_prefectures),

lines as (
    select paid.fiscal_year, paid.platform_id,
           coalesce(client.region_code, 'unknown') as client_region,
           coalesce(worker.region_code, 'unknown') as worker_region,
           paid.job_key, paid.paid_jpy, paid.fee_jpy, paid.client_person_key, paid.worker_person_key
    from paid
    left join regions as client on client.code = paid.client_prefecture
    left join regions as worker on worker.code = paid.worker_prefecture
),

cells as (
    select
        fiscal_year, client_region, worker_region,
        cast(sum(paid_jpy) as bigint) as paid_jpy,
        cast(sum(fee_jpy) as bigint) as fee_jpy,
        count(*) as lines_paid,
        count(distinct job_key) as jobs_paid,
        count(distinct client_person_key) as active_clients,
        count(distinct worker_person_key) as active_workers
    from lines
    group by grouping sets ((fiscal_year, client_region, worker_region), (fiscal_year, client_region), (fiscal_year, worker_region), (fiscal_year))
),

-- Each platform's paid value per cell, margins included: a margin's dominant platform is judged on the margin itself.
platform_values as (
    select fiscal_year, client_region, worker_region, platform_id, sum(paid_jpy) as platform_paid_jpy
    from lines
    group by grouping sets ((fiscal_year, client_region, worker_region, platform_id), (fiscal_year, client_region, platform_id),
                            (fiscal_year, worker_region, platform_id), (fiscal_year, platform_id))
),

platform_concentration as (
    select fiscal_year, client_region, worker_region,
           count(*) as paying_platforms,
           max(platform_paid_jpy) / nullif(sum(platform_paid_jpy), 0) as top_platform_paid_share
    from platform_values
    group by fiscal_year, client_region, worker_region
),

final as (
    select
        cells.*,
        platform_concentration.paying_platforms,
        platform_concentration.top_platform_paid_share,
        least(cells.active_clients, cells.active_workers) as sdc_persons,
        platform_concentration.paying_platforms as sdc_platforms,
        platform_concentration.top_platform_paid_share as sdc_top_platform_share
    from cells
    join platform_concentration
        on  platform_concentration.fiscal_year = cells.fiscal_year
        and platform_concentration.client_region is not distinct from cells.client_region
        and platform_concentration.worker_region is not distinct from cells.worker_region
)

select * from final
order by fiscal_year, client_region nulls last, worker_region nulls last
