-- How each distribution cell's units fall into value bands, with the inputs of the disclosure rule per band.
-- Bands (defined in this file only, in `bands` and in `banded`; the workbook prints them from here):
--   job_value:  the 2016 market report's ranges per job ("数十円～数百円" for tasks, "数千円～数十万円超" for
--               competitions, "数千円～数百万円超" for projects) as decades, with ¥50,000 splitting the tens of thousands:
--               under ¥1,000; ¥1,000–9,999; ¥10,000–49,999; ¥50,000–99,999; ¥100,000–999,999; ¥1,000,000 and over.
--   worker_pay: the equivalent of ¥50,000 and ¥150,000 a month over a year (×12): under ¥600,000; ¥600,000–1,799,999;
--               ¥1,800,000 and over.
-- One row per fiscal year x distribution x cell x band, empty bands included (a true zero). Key: (fiscal_year,
-- distribution, row_code, column_code, band). upper_jpy is exclusive, null for the open top band.
-- Not materialized (here and below): a CTE read more than once is otherwise copied whole into memory first, and
-- re-reading the stored units is cheaper than holding them (at 30M transactions the copy ran out of the build's memory).
with units as not materialized (select * from int_survey_distribution_units),
cells as (select fiscal_year, distribution, row_code, column_code from mart_survey_distribution_cells),
bands as (
    select * from (values
        ('job_value', 1, 0, 1000), ('job_value', 2, 1000, 10000), ('job_value', 3, 10000, 50000),
        ('job_value', 4, 50000, 100000), ('job_value', 5, 100000, 1000000), ('job_value', 6, 1000000, null),
        ('worker_pay', 1, 0, 600000), ('worker_pay', 2, 600000, 1800000), ('worker_pay', 3, 1800000, null)
    ) as b(distribution, band, lower_jpy, upper_jpy)
),

-- Each unit's band by its value, not by a join to `bands` (the same lower bounds; the reconciliation tests compare
-- the bands with the raw exports): in the build's transaction the units have no statistics, and the planner hashed
-- every unit to join the nine bands, which is what ran out of memory at 30M transactions.
banded as not materialized (
    select fiscal_year, distribution, row_code, column_code, person_key, platform_id,
           case distribution
               when 'job_value' then case when value_jpy < 1000 then 1 when value_jpy < 10000 then 2 when value_jpy < 50000 then 3
                                          when value_jpy < 100000 then 4 when value_jpy < 1000000 then 5 else 6 end
               when 'worker_pay' then case when value_jpy < 600000 then 1 when value_jpy < 1800000 then 2 else 3 end
           end as band
    from units
),

per_platform as (
    select fiscal_year, distribution, row_code, column_code, band, platform_id, count(*) as platform_units
    from banded group by all
),

-- Persons without a distinct count over every unit (a hash table of every unit's person): a worker-pay
-- unit is a person (int_survey_worker_persons has one row per person and year, with one profile, so each person is one
-- unit of each cell), so only job-value units, whose clients may have several jobs in a band, are grouped by person.
-- (summed from the platforms' counts, a few thousand rows, rather than counted over every unit again)
counted as (
    select fiscal_year, distribution, row_code, column_code, band, cast(sum(platform_units) as bigint) as units,
           cast(coalesce(sum(platform_units) filter (where distribution = 'worker_pay'), 0) as bigint) as worker_persons
    from per_platform group by all
),

client_persons as (
    select fiscal_year, distribution, row_code, column_code, band, count(*) as persons
    from (select distinct fiscal_year, distribution, row_code, column_code, band, person_key from banded where distribution = 'job_value')
    group by all
),

concentration as (
    select fiscal_year, distribution, row_code, column_code, band,
           count(*) as platforms,
           max(platform_units) / sum(platform_units) as top_platform_share,
           list_sum(max(platform_units, 2)) / sum(platform_units) as top_two_platforms_share
    from per_platform group by all
)

select cells.fiscal_year, cells.distribution, cells.row_code, cells.column_code, bands.band, bands.lower_jpy, bands.upper_jpy,
       coalesce(counted.units, 0) as units,
       coalesce(counted.worker_persons, 0) + coalesce(client_persons.persons, 0) as sdc_persons,
       coalesce(concentration.platforms, 0) as sdc_platforms,
       concentration.top_platform_share as sdc_top_platform_share,
       concentration.top_two_platforms_share as sdc_top_two_platforms_share
from cells
join bands using (distribution)
left join counted
    on counted.fiscal_year = cells.fiscal_year and counted.distribution = cells.distribution and counted.band = bands.band
   and counted.row_code is not distinct from cells.row_code and counted.column_code is not distinct from cells.column_code
left join client_persons
    on client_persons.fiscal_year = cells.fiscal_year and client_persons.distribution = cells.distribution and client_persons.band = bands.band
   and client_persons.row_code is not distinct from cells.row_code and client_persons.column_code is not distinct from cells.column_code
left join concentration
    on concentration.fiscal_year = cells.fiscal_year and concentration.distribution = cells.distribution and concentration.band = bands.band
   and concentration.row_code is not distinct from cells.row_code and concentration.column_code is not distinct from cells.column_code
order by fiscal_year, distribution, row_code nulls last, column_code nulls last, band
