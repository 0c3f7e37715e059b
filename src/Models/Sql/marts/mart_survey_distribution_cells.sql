-- Each distribution cell of the survey (value per job by form, pay per worker by age band x gender, margins
-- included) with its size and the inputs of the disclosure rule. One row per fiscal year x distribution x cell.
-- Key: (fiscal_year, distribution, row_code, column_code); a null code is "all".
-- sdc_persons: distinct persons behind the units (for job values the smaller of the jobs' clients and the form's active
-- workers, as money cells count them); platforms and dominance on the units (a distribution nearly all of one
-- platform's units would describe that platform's prices or pay).
with units as (select * from int_survey_distribution_units),
-- the workers paid in each form: the category x form table's form margins
form_workers as (
    select fiscal_year, column_code as form, active_workers
    from int_survey_cross_tabs where family = 'category_form' and row_code is null
),

-- One pass, two groupings: units per person (persons are then rows, not a count(distinct)) and per platform.
grouped as (
    select fiscal_year, distribution, row_code, column_code, person_key, platform_id,
           grouping(person_key) = 0 as per_person, count(*) as units, sum(value_jpy) as value_jpy
    from units
    group by grouping sets ((fiscal_year, distribution, row_code, column_code, person_key),
                            (fiscal_year, distribution, row_code, column_code, platform_id))
),

concentration as (
    select fiscal_year, distribution, row_code, column_code,
           count(*) as platforms,
           max(units) / sum(units) as top_platform_share,
           list_sum(max(units, 2)) / sum(units) as top_two_platforms_share
    from grouped where not per_person group by all
),

cells as (
    select fiscal_year, distribution, row_code, column_code,
           cast(sum(units) as bigint) as units, count(*) as persons, cast(sum(value_jpy) as bigint) as value_jpy
    from grouped where per_person group by all
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
