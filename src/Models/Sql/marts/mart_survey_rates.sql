-- Cancellation and dispute rates by form and by category, with the inputs of the disclosure rule on each rate's
-- denominator (and dominance on its numerator).
--   cancellation: lines posted in the fiscal year whose status is 'cancelled' (before or after a contract), over the
--                 lines posted in the year; the posted side has clients only, so persons are clients.
--   dispute:      lines contracted in the fiscal year whose status is 'disputed', over the lines contracted in the year
--                 (later cancellations included); persons are the smaller of clients and workers.
-- Statuses are the contract's code list (docs/export-contract.md: status). One row per fiscal year x rate x cell:
-- row_code = form or category as dimension says, null = all. Key: (fiscal_year, rate, dimension, row_code).
-- Line and event counts come from code groups (a few thousand rows); persons through the category x form cell masks
-- (int_survey_cells): each account ORs its lines' cells in one scan, each person ORs their accounts', and a person
-- counts in a form, a category or all when the mask overlaps that cell's, so no count(distinct) per grouping set.
-- Lines arrive reduced (kept between builds): to code groups (int_rate_code_groups) and to each account's cells per rate
-- and year (int_rate_accounts).
with code_groups as (
    select * from int_rate_code_groups
    where in_refreshed_years(posted_fiscal_year) or in_refreshed_years(contracted_fiscal_year)
),
by_account as (select * from int_rate_accounts where in_refreshed_years(fiscal_year)),
account_persons as (select * from int_account_persons),
-- ubigint masks, as int_rate_accounts ORs them
category_form_cells as (
    select row_code as category, column_code as form, cast(mask as ubigint) as mask
    from int_survey_cells where family = 'category_form'
),
-- the rates' cells: the form and category margins and all (row_code = category, column_code = form in the family)
rate_cells as (
    select case when category is null and form is null then 'all' when category is null then 'form' else 'category' end as dimension,
           coalesce(form, category) as row_code, mask
    from category_form_cells
    where category is null or form is null
),

by_rate as (
    select 'cancellation' as rate, posted_fiscal_year as fiscal_year, platform_id, form, category, lines, cancelled as events
    from code_groups where posted_fiscal_year is not null
    union all
    -- lines without a contract (null year) are in no dispute rate
    select 'dispute', contracted_fiscal_year, platform_id, form, category, lines, disputed
    from code_groups where contracted_fiscal_year is not null
),

per_platform as (
    select rate, fiscal_year, platform_id,
           case when grouping(form) = 0 then 'form' when grouping(category) = 0 then 'category' else 'all' end as dimension,
           coalesce(form, category) as row_code,
           sum(lines) as lines, sum(events) as events
    from by_rate
    group by grouping sets ((rate, fiscal_year, platform_id, form), (rate, fiscal_year, platform_id, category), (rate, fiscal_year, platform_id))
),

cells as (
    select rate, fiscal_year, dimension, row_code,
           cast(sum(lines) as bigint) as lines, cast(sum(events) as bigint) as events,
           count(*) as platforms,
           max(lines) / sum(lines) as top_platform_share,
           list_sum(max(lines, 2)) / sum(lines) as top_two_platforms_share,
           list_sum(max(events, 2)) / nullif(sum(events), 0) as top_two_platforms_event_share
    from per_platform
    group by all
),

-- a person with accounts on several platforms is one unit
persons as (
    select by_account.rate, by_account.fiscal_year, by_account.kind,
           bit_or(by_account.mask) as mask
    from by_account
    left join account_persons
        on account_persons.kind = by_account.kind and account_persons.platform_id = by_account.platform_id
       and account_persons.account_id = by_account.account_id
    -- the contracted sets also hold lines without a contract (null year); a line without a worker has no worker
    where by_account.fiscal_year is not null and by_account.account_id is not null
    group by by_account.rate, by_account.fiscal_year, by_account.kind,
             account_person_key(account_persons.person_id, by_account.platform_id, by_account.account_id)
),

-- persons with the same cells count together
by_mask as (
    select rate, fiscal_year, mask,
           count(*) filter (where kind = 'client') as clients,
           count(*) filter (where kind = 'worker') as workers
    from persons
    group by all
),

person_counts as (
    select by_mask.rate, by_mask.fiscal_year, rate_cells.dimension, rate_cells.row_code,
           cast(sum(by_mask.clients) as bigint) as clients, cast(sum(by_mask.workers) as bigint) as workers
    from by_mask
    join rate_cells on rate_cells.mask & by_mask.mask <> 0
    group by all
)

select cells.fiscal_year, cells.rate, cells.dimension, cells.row_code, cells.lines, cells.events,
       cells.events / cells.lines as event_rate,
       coalesce(person_counts.clients, 0) as clients, coalesce(person_counts.workers, 0) as workers,
       case cells.rate when 'cancellation' then coalesce(person_counts.clients, 0)
            else least(coalesce(person_counts.clients, 0), coalesce(person_counts.workers, 0)) end as sdc_persons,
       cells.platforms as sdc_platforms,
       cells.top_platform_share as sdc_top_platform_share,
       -- the denominator's dominance, and the numerator's: the runner-up must not read the leader's cancellations
       greatest(cells.top_two_platforms_share, coalesce(cells.top_two_platforms_event_share, 0)) as sdc_top_two_platforms_share
from cells
left join person_counts
    on person_counts.rate = cells.rate and person_counts.fiscal_year = cells.fiscal_year and person_counts.dimension = cells.dimension
   and person_counts.row_code is not distinct from cells.row_code
order by fiscal_year, rate, dimension, row_code nulls last
