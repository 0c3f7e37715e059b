-- Regional adoption: per prefecture, active clients located there and the value they paid (side 'client'), and
-- active workers located there and the value paid to them (side 'worker'), with the 2020 census population.
-- One row per fiscal year x side x prefecture, plus the national margin per side (prefecture null).
-- Key: (fiscal_year, side, prefecture). 'unknown' holds lines whose prefecture code is not one of the 47.
-- Measures and disclosure inputs (sdc_*) are defined once, in int_survey_cross_tabs.
with cells as (select * from int_survey_cross_tabs where family in ('client_prefecture', 'worker_prefecture')),
prefectures as (select * from ref_prefectures),

final as (
    select
        cells.fiscal_year, split_part(cells.family, '_', 1) as side, cells.row_code as prefecture,
        cells.* exclude (fiscal_year, family, row_code, column_code),
        -- the national margin's population is the 47 prefectures' sum (the 2020 national total)
        coalesce(prefectures.population_2020, case when cells.row_code is null then (select sum(population_2020) from prefectures) end)
            as population_2020
    from cells
    left join prefectures on prefectures.code = cells.row_code
)

select * from final
order by fiscal_year, side, prefecture nulls last
