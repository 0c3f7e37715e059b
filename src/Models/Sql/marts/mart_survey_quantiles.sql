-- The quantiles of each distribution cell, each published as the mean of a window of units around it, never as one
-- unit's value (docs/disclosure.md, "Distributions"): quartiles of value per job, deciles of pay per worker.
-- One row per fiscal year x distribution x cell x quantile. Key: (fiscal_year, distribution, row_code, column_code, quantile).
-- The window: the `width` units whose ranks are nearest the quantile's position q·(n − 1), for the smallest width of
-- 5, 10, 20, … 1,280 whose units belong to at least 5 distinct persons (a job window of one client's jobs widens);
-- value_jpy is null when no width reaches 5 persons (the cell is then too small to publish anyway). The report
-- publishes a row only when window_persons reaches the policy's quantileWindowPersons, its window shares no unit with
-- a neighbouring quantile's (window_overlaps) and the cell passes the primary rule (mart_survey_distribution_cells).
with ranked as (select * from int_survey_distribution_units),
cells as (select fiscal_year, distribution, row_code, column_code, units, persons from mart_survey_distribution_cells),
quantiles as (
    select * from (values ('job_value', 0.25), ('job_value', 0.5), ('job_value', 0.75),
                          ('worker_pay', 0.1), ('worker_pay', 0.2), ('worker_pay', 0.3), ('worker_pay', 0.4), ('worker_pay', 0.5),
                          ('worker_pay', 0.6), ('worker_pay', 0.7), ('worker_pay', 0.8), ('worker_pay', 0.9)) as q(distribution, quantile)
),
-- the persons a window must hold; twin of disclosure-policy.json's survey.quantileWindowPersons (the report refuses a
-- window with fewer, so a stricter policy suppresses rather than publishes)
window_persons as (select 5 as persons),
widths as (select (select persons from window_persons) * (1 << range) as width from range(0, 9)),

-- Each cell's quantiles (a few thousand), numbered so that what follows carries one integer instead of the cell's codes.
cell_quantiles as materialized (
    select row_number() over () as cq, cells.*, quantiles.quantile
    from cells join quantiles using (distribution)
),

windows as (
    select cq, widths.width,
           greatest(0, least(units - widths.width, cast(round(quantile * (units - 1)) as bigint) - (widths.width - 1) // 2)) as first_rank
    from cell_quantiles
    cross join widths
    where widths.width <= units
),

-- In a cell whose units all belong to different persons (every pay cell: a worker-pay unit is a person), the narrowest
-- window already holds enough persons, so it is the only window of its quantiles; only cells where a person has several
-- units (job values: a client's jobs) keep every width. The rule is unchanged, and the units read below drop from every
-- quantile's widest window (1,280 units) to 5 units for most (1.16M to 52k rows at 10M transactions).
considered as (
    select windows.*
    from windows
    join cell_quantiles using (cq)
    where windows.width = (select min(width) from widths) or cell_quantiles.persons < cell_quantiles.units
),

-- A quantile's windows nest (each is centred on the same position, or pushed inside the cell by the same edge, and
-- twice as wide as the one before), so its widest window holds every unit any of them reads: each unit is read once
-- per quantile, with the narrowest of its windows that holds it, instead of once per window (joining every window's
-- ranks to the units held millions of rows at 10M transactions and ran out of the build's memory).
spans as (
    select cq, any_value(fiscal_year) as fiscal_year, any_value(distribution) as distribution,
           any_value(row_code) as row_code, any_value(column_code) as column_code,
           min(first_rank) as span_first, max(first_rank + width) as span_end,
           list({'width': width, 'first_rank': first_rank} order by width) as nested
    from considered join cell_quantiles using (cq)
    group by cq
),

span_units as (
    select spans.cq, r.person_key, r.value_jpy,
           list_min(list_transform(spans.nested, lambda w: case when r.unit_rank >= w.first_rank and r.unit_rank < w.first_rank + w.width then w.width end)) as unit_width
    from ranked as r
    join spans
        on r.fiscal_year = spans.fiscal_year and r.distribution = spans.distribution
       and r.row_code is not distinct from spans.row_code and r.column_code is not distinct from spans.column_code
       and r.unit_rank >= spans.span_first and r.unit_rank < spans.span_end
),

-- a person counts in every window from the narrowest that holds one of their units
person_widths as (
    select cq, person_width, count(*) as persons
    from (select cq, person_key, min(unit_width) as person_width from span_units group by all)
    group by all
),

window_counts as (
    select considered.cq, considered.width, considered.first_rank, cast(sum(person_widths.persons) as bigint) as persons
    from considered
    join person_widths on person_widths.cq = considered.cq and person_widths.person_width <= considered.width
    group by all
),

chosen as (
    select cq, arg_min({'width': width, 'first_rank': first_rank, 'persons': persons}, width) filter (where persons >= (select persons from window_persons)) as pick
    from window_counts
    group by all
),

-- the chosen window's mean over its own units (avg, as a window's mean always was)
means as (
    select chosen.cq, avg(span_units.value_jpy) as mean_jpy
    from span_units
    join chosen on chosen.cq = span_units.cq and span_units.unit_width <= chosen.pick.width
    group by all
),

picked as (
    select cq.fiscal_year, cq.distribution, cq.row_code, cq.column_code, cq.quantile,
           means.mean_jpy as value_jpy,
           coalesce(chosen.pick.width, 0) as window_units,
           coalesce(chosen.pick.persons, 0) as window_persons,
           chosen.pick.first_rank as first_rank
    from cell_quantiles as cq
    left join chosen using (cq)
    left join means using (cq)
)

select * exclude (first_rank),
       -- Two windows sharing units give away the difference of single units (the means' difference is (v_out - v_in) / width):
       -- in a small cell neighbouring quantiles' windows overlap, and the report withholds both.
       coalesce(first_rank < lag(first_rank + window_units) over cell_quantiles, false)
       or coalesce(first_rank + window_units > lead(first_rank) over cell_quantiles, false) as window_overlaps
from picked
window cell_quantiles as (partition by fiscal_year, distribution, row_code, column_code order by quantile)
order by fiscal_year, distribution, row_code nulls last, column_code nulls last, quantile
