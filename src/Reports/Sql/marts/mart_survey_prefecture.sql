-- Regional adoption: per prefecture, active clients located there and the value they paid (side 'client'), and
-- active workers located there and the value paid to them (side 'worker'), with the 2020 census population.
-- One row per fiscal year x side x prefecture, plus the national margin per side (prefecture null).
-- Key: (fiscal_year, side, prefecture). 'unknown' holds lines whose prefecture code is not one of the 47.
-- sdc_* are the inputs of the disclosure rule (DisclosureControl in C#): a money cell needs enough clients and
-- enough workers (the smaller of the two counts), or its value would reveal one party's spend or income.
with paid as (select * from int_survey_paid_lines),
prefectures as (select * from ref_prefectures),

-- The same paid line seen twice: once where its client is, once where its worker is.
lines as (
    select fiscal_year, platform_id, 'client' as side, client_prefecture as prefecture,
           paid_jpy, client_person_key, worker_person_key
    from paid
    union all
    select fiscal_year, platform_id, 'worker' as side, worker_prefecture as prefecture,
           paid_jpy, client_person_key, worker_person_key
    from paid
),

cells as (
    select
        fiscal_year, side, prefecture,
        cast(sum(paid_jpy) as bigint) as paid_jpy,
        count(*) as lines_paid,
        count(distinct client_person_key) as active_clients,
        count(distinct worker_person_key) as active_workers
    from lines
    group by grouping sets ((fiscal_year, side, prefecture), (fiscal_year, side))
),

platform_values as (
    select fiscal_year, side, prefecture, platform_id, sum(paid_jpy) as platform_paid_jpy
    from lines
    group by grouping sets ((fiscal_year, side, prefecture, platform_id), (fiscal_year, side, platform_id))
),

platform_concentration as (
    select fiscal_year, side, prefecture,
           count(*) as paying_platforms,
           max(platform_paid_jpy) / nullif(sum(platform_paid_jpy), 0) as top_platform_paid_share
    from platform_values
    group by fiscal_year, side, prefecture
),

final as (
    select
        cells.*,
        -- the national margin's population is the 47 prefectures' sum (the 2020 national total)
        coalesce(prefectures.population_2020, case when cells.prefecture is null then (select sum(population_2020) from prefectures) end)
            as population_2020,
        platform_concentration.paying_platforms,
        platform_concentration.top_platform_paid_share,
        least(cells.active_clients, cells.active_workers) as sdc_persons,
        platform_concentration.paying_platforms as sdc_platforms,
        platform_concentration.top_platform_paid_share as sdc_top_platform_share
    from cells
    join platform_concentration
        on  platform_concentration.fiscal_year = cells.fiscal_year
        and platform_concentration.side = cells.side
        and platform_concentration.prefecture is not distinct from cells.prefecture
    left join prefectures on prefectures.code = cells.prefecture
)

select * from final
order by fiscal_year, side, prefecture nulls last
