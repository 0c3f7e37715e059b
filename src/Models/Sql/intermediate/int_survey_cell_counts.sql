-- Distinct active clients, active workers (persons, across platforms) and paid jobs in every cell of the survey's
-- cross tabs (int_survey_cells, margins included), per fiscal year.
-- One row per fiscal year x cell with a paid line. Key: (fiscal_year, family, row_code, column_code).
-- A unit counts in a cell when the cells it was paid in (the OR of its accounts' masks) overlap the cell's mask: one
-- pass per unit serves every margin, where count(distinct) would need a pass per grouping set.
with accounts as (select * from int_survey_account_cells),
-- a person with accounts on several platforms is one unit, with the OR of their accounts' masks (kept between builds)
persons as (select * from int_survey_person_cells where in_refreshed_years(fiscal_year)),
cells as (select family, row_code, column_code, mask from int_survey_cells),

units as (
    select fiscal_year, kind, category_form_mask, client_prefecture_mask, worker_prefecture_mask, region_flow_mask, 1 as units
    from persons
    union all
    -- jobs come already counted by their cells
    select fiscal_year, kind, category_form_mask, client_prefecture_mask, worker_prefecture_mask, region_flow_mask, units
    from accounts
    where kind = 'job'
),

-- Units with the same cells count together: tens of thousands of distinct masks instead of a million units.
by_mask as (
    select fiscal_year, family, mask,
           sum(units) filter (where kind = 'client') as clients,
           sum(units) filter (where kind = 'worker') as workers,
           sum(units) filter (where kind = 'job') as jobs
    from (
        select fiscal_year, kind, units, 'category_form' as family, category_form_mask as mask from units
        union all select fiscal_year, kind, units, 'client_prefecture', client_prefecture_mask from units
        union all select fiscal_year, kind, units, 'worker_prefecture', worker_prefecture_mask from units
        union all select fiscal_year, kind, units, 'region_flow', region_flow_mask from units
    )
    group by fiscal_year, family, mask
)

select
    by_mask.fiscal_year, cells.family, cells.row_code, cells.column_code,
    cast(coalesce(sum(by_mask.clients), 0) as bigint) as active_clients,
    cast(coalesce(sum(by_mask.workers), 0) as bigint) as active_workers,
    cast(coalesce(sum(by_mask.jobs), 0) as bigint) as jobs_paid
from by_mask
join cells on cells.family = by_mask.family and cells.mask & by_mask.mask <> 0
group by by_mask.fiscal_year, cells.family, cells.row_code, cells.column_code
