-- The quantiles of each distribution cell, each published as the mean of a window of units around it, never as one
-- unit's value (docs/disclosure.md, "Distributions"): quartiles of value per job, deciles of pay per worker.
-- One row per fiscal year x distribution x cell x quantile. Key: (fiscal_year, distribution, row_code, column_code, quantile).
-- The window: the `width` units whose ranks are nearest the quantile's position q·(n − 1), for the smallest width of
-- 5, 10, 20, … 1,280 whose units belong to at least 5 distinct persons (a job window of one client's jobs widens);
-- value_jpy is null when no width reaches 5 persons (the cell is then too small to publish anyway). The report
-- publishes a row only when window_persons reaches the policy's quantileWindowPersons, its window shares no unit with
-- a neighbouring quantile's (window_overlaps) and the cell passes the primary rule (mart_survey_distribution_cells).
with ranked as (select * from int_survey_distribution_units),
cells as (select fiscal_year, distribution, row_code, column_code, units from mart_survey_distribution_cells),
quantiles as (
    select * from (values ('job_value', 0.25), ('job_value', 0.5), ('job_value', 0.75),
                          ('worker_pay', 0.1), ('worker_pay', 0.2), ('worker_pay', 0.3), ('worker_pay', 0.4), ('worker_pay', 0.5),
                          ('worker_pay', 0.6), ('worker_pay', 0.7), ('worker_pay', 0.8), ('worker_pay', 0.9)) as q(distribution, quantile)
),
-- the persons a window must hold; twin of disclosure-policy.json's survey.quantileWindowPersons (the report refuses a
-- window with fewer, so a stricter policy suppresses rather than publishes)
window_persons as (select 5 as persons),
widths as (select (select persons from window_persons) * (1 << range) as width from range(0, 9)),

windows as (
    select cells.fiscal_year, cells.distribution, cells.row_code, cells.column_code, quantiles.quantile, widths.width,
           greatest(0, least(cells.units - widths.width, cast(round(quantiles.quantile * (cells.units - 1)) as bigint) - (widths.width - 1) // 2)) as first_rank
    from cells
    join quantiles using (distribution)
    cross join widths
    where widths.width <= cells.units
),

window_ranks as (
    select *, unnest(range(first_rank, first_rank + width)) as unit_rank from windows
),

window_means as (
    select w.fiscal_year, w.distribution, w.row_code, w.column_code, w.quantile, w.width, w.first_rank,
           count(distinct r.person_key) as persons, avg(r.value_jpy) as mean_jpy
    from window_ranks as w
    join ranked as r
        on r.fiscal_year = w.fiscal_year and r.distribution = w.distribution
       and r.row_code is not distinct from w.row_code and r.column_code is not distinct from w.column_code
       and r.unit_rank = w.unit_rank
    group by all
),

chosen as (
    select fiscal_year, distribution, row_code, column_code, quantile,
           arg_min({'width': width, 'first_rank': first_rank, 'persons': persons, 'mean_jpy': mean_jpy}, width) filter (where persons >= (select persons from window_persons)) as pick
    from window_means
    group by all
),

picked as (
    select cells.fiscal_year, cells.distribution, cells.row_code, cells.column_code, quantiles.quantile,
           chosen.pick.mean_jpy as value_jpy,
           coalesce(chosen.pick.width, 0) as window_units,
           coalesce(chosen.pick.persons, 0) as window_persons,
           chosen.pick.first_rank as first_rank
    from cells
    join quantiles using (distribution)
    left join chosen
        on chosen.fiscal_year = cells.fiscal_year and chosen.distribution = cells.distribution
       and chosen.row_code is not distinct from cells.row_code and chosen.column_code is not distinct from cells.column_code
       and chosen.quantile = quantiles.quantile
)

select * exclude (first_rank),
       -- Two windows sharing units give away the difference of single units (the means' difference is (v_out - v_in) / width):
       -- in a small cell neighbouring quantiles' windows overlap, and the report withholds both.
       coalesce(first_rank < lag(first_rank + window_units) over cell_quantiles, false)
       or coalesce(first_rank + window_units > lead(first_rank) over cell_quantiles, false) as window_overlaps
from picked
window cell_quantiles as (partition by fiscal_year, distribution, row_code, column_code order by quantile)
order by fiscal_year, distribution, row_code nulls last, column_code nulls last, quantile
