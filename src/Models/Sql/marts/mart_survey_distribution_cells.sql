-- Each distribution cell of the survey (value per job by form, pay per worker by age band x gender, margins
-- included) with its size and the inputs of the disclosure rule. One row per fiscal year x distribution x cell.
-- Key: (fiscal_year, distribution, row_code, column_code); a null code is "all".
-- sdc_persons: distinct persons behind the units (for job values the smaller of the jobs' clients and the form's active
-- workers, as money cells count them); platforms and dominance on the units (a distribution nearly all of one
-- platform's units would describe that platform's prices or pay).
-- Not materialized: read twice, a CTE is otherwise copied whole into memory first (re-reading the stored units is cheaper).
with units as not materialized (select * from int_survey_distribution_units),
-- the workers paid in each form: the category x form table's form margins
form_workers as (
    select fiscal_year, column_code as form, active_workers
    from int_survey_cross_tabs where family = 'category_form' and row_code is null
),

per_platform as (
    select fiscal_year, distribution, row_code, column_code, platform_id, count(*) as platform_units, sum(value_jpy) as platform_value_jpy
    from units group by all
),

concentration as (
    select fiscal_year, distribution, row_code, column_code,
           count(*) as platforms,
           max(platform_units) / sum(platform_units) as top_platform_share,
           list_sum(max(platform_units, 2)) / sum(platform_units) as top_two_platforms_share
    from per_platform group by all
),

-- Persons without a distinct count over every unit: a worker-pay unit is a person (one row per person and year in
-- int_survey_worker_persons, one profile each, so one unit per cell); only job-value units are grouped by client.
-- (summed from the platforms' counts, a few hundred rows, rather than counted over every unit again)
counted as (
    select fiscal_year, distribution, row_code, column_code,
           cast(sum(platform_units) as bigint) as units,
           cast(coalesce(sum(platform_units) filter (where distribution = 'worker_pay'), 0) as bigint) as worker_persons,
           cast(sum(platform_value_jpy) as bigint) as value_jpy
    from per_platform group by all
),

client_persons as (
    select fiscal_year, distribution, row_code, column_code, count(*) as persons
    from (select distinct fiscal_year, distribution, row_code, column_code, person_key from units where distribution = 'job_value')
    group by all
),

cells as (
    select counted.fiscal_year, counted.distribution, counted.row_code, counted.column_code, counted.units,
           counted.worker_persons + coalesce(client_persons.persons, 0) as persons, counted.value_jpy
    from counted
    left join client_persons
        on client_persons.fiscal_year = counted.fiscal_year and client_persons.distribution = counted.distribution
       and client_persons.row_code is not distinct from counted.row_code and client_persons.column_code is not distinct from counted.column_code
)

select cells.*,
       case when cells.distribution = 'job_value' then least(cells.persons, coalesce(form_workers.active_workers, 0)) else cells.persons end as sdc_persons,
       concentration.platforms as sdc_platforms,
       concentration.top_platform_share as sdc_top_platform_share,
       concentration.top_two_platforms_share as sdc_top_two_platforms_share
from cells
join concentration
    on concentration.fiscal_year = cells.fiscal_year and concentration.distribution = cells.distribution
   and concentration.row_code is not distinct from cells.row_code and concentration.column_code is not distinct from cells.column_code
left join form_workers
    on cells.distribution = 'job_value' and form_workers.fiscal_year = cells.fiscal_year and form_workers.form is not distinct from cells.row_code
order by fiscal_year, distribution, row_code nulls last, column_code nulls last
