-- The top 10%'s share of all pay, per worker-pay cell (age band x gender with margins): the pay of the ceil(10%) best
-- paid persons over the cell's pay, with the inputs of the disclosure rule for that top group: its persons, the
-- platforms that paid it, and dominance both by platform (of its pay: a top group paid by one platform shows that
-- platform's pay) and by person (one person holding most of the top group's pay would be readable from the share).
-- One row per fiscal year x cell. Key: (fiscal_year, row_code, column_code); a null code is "all".
with ranked as (select * from int_survey_distribution_units where distribution = 'worker_pay'),
cells as (select fiscal_year, row_code, column_code, units, value_jpy from mart_survey_distribution_cells where distribution = 'worker_pay'),
accounts as (select * from int_survey_worker_accounts),

top as (
    select r.fiscal_year, r.row_code, r.column_code, r.person_key, r.value_jpy
    from ranked as r
    join cells
        on cells.fiscal_year = r.fiscal_year and cells.row_code is not distinct from r.row_code
       and cells.column_code is not distinct from r.column_code
    -- ranks run upwards from 0: the top ceil(10%) are the last ones
    where r.unit_rank >= cells.units - cast(ceil(cells.units * 0.1) as bigint)
),

top_totals as (
    select fiscal_year, row_code, column_code, count(*) as top_units, cast(sum(value_jpy) as bigint) as top_value_jpy,
           max(value_jpy) / nullif(sum(value_jpy), 0) as top_person_share,
           list_sum(max(value_jpy, 2)) / nullif(sum(value_jpy), 0) as top_two_persons_share
    from top group by all
),

top_platforms as (
    select top.fiscal_year, top.row_code, top.column_code, accounts.platform_id, sum(accounts.paid_jpy) as platform_jpy
    from top
    join accounts on accounts.fiscal_year = top.fiscal_year and accounts.person_key = top.person_key
    group by all
),

concentration as (
    select fiscal_year, row_code, column_code, count(*) as platforms,
           max(platform_jpy) / nullif(sum(platform_jpy), 0) as top_platform_share,
           list_sum(max(platform_jpy, 2)) / nullif(sum(platform_jpy), 0) as top_two_platforms_share
    from top_platforms group by all
)

select cells.fiscal_year, cells.row_code, cells.column_code, cells.units, cells.value_jpy,
       top_totals.top_units, top_totals.top_value_jpy,
       top_totals.top_value_jpy / nullif(cells.value_jpy, 0) as top_share,
       top_totals.top_units as sdc_persons,
       concentration.platforms as sdc_platforms,
       greatest(concentration.top_platform_share, top_totals.top_person_share) as sdc_top_platform_share,
       -- the stricter of the two dominance readings, by platform and by person (so for n = 1 as for n = 2)
       greatest(concentration.top_two_platforms_share, top_totals.top_two_persons_share) as sdc_top_two_platforms_share
from cells
join top_totals
    on top_totals.fiscal_year = cells.fiscal_year and top_totals.row_code is not distinct from cells.row_code
   and top_totals.column_code is not distinct from cells.column_code
join concentration
    on concentration.fiscal_year = cells.fiscal_year and concentration.row_code is not distinct from cells.row_code
   and concentration.column_code is not distinct from cells.column_code
order by fiscal_year, row_code nulls last, column_code nulls last
