-- Cancellation and dispute rates by form and by category, with the inputs of the disclosure rule on each rate's
-- denominator (and dominance on its numerator).
--   cancellation: lines posted in the fiscal year whose status is 'cancelled' (before or after a contract), over the
--                 lines posted in the year; the posted side has clients only, so persons are clients.
--   dispute:      lines contracted in the fiscal year whose status is 'disputed', over the lines contracted in the year
--                 (later cancellations included); persons are the smaller of clients and workers.
-- Statuses are the contract's code list (docs/export-contract.md: status). One row per fiscal year x rate x cell:
-- row_code = form or category as dimension says, null = all. Key: (fiscal_year, rate, dimension, row_code).
-- Lines are reduced to accounts per cell in one scan (three grouping sets), so the link to persons joins accounts, not lines.
with lines as (select * from stg_transactions),
account_persons as (select * from int_account_persons),

by_account as materialized (
    select
        case when grouping(posted_fiscal_year) = 0 then 'cancellation' else 'dispute' end as rate,
        coalesce(posted_fiscal_year, contracted_fiscal_year) as fiscal_year,
        form, category, platform_id,
        case when grouping(worker_account_id) = 0 then 'worker' else 'client' end as kind,
        coalesce(client_account_id, worker_account_id) as account_id,
        count(*) as lines,
        count(*) filter (where status = 'cancelled') as cancelled,
        count(*) filter (where status = 'disputed') as disputed
    from lines
    group by grouping sets ((posted_fiscal_year, form, category, platform_id, client_account_id),
                            (contracted_fiscal_year, form, category, platform_id, client_account_id),
                            (contracted_fiscal_year, form, category, platform_id, worker_account_id))
),

accounts as (
    select by_account.* exclude (cancelled, disputed),
           case by_account.rate when 'cancellation' then by_account.cancelled else by_account.disputed end as events,
           account_person_key(account_persons.person_id, by_account.platform_id, by_account.account_id) as person_key
    from by_account
    left join account_persons
        on account_persons.kind = by_account.kind and account_persons.platform_id = by_account.platform_id
       and account_persons.account_id = by_account.account_id
    -- the contracted sets also hold lines without a contract (null year); a line without a worker has no worker
    where by_account.fiscal_year is not null and by_account.account_id is not null
),

-- Lines and events per platform, counted on the client rows (every line has one client).
per_platform as (
    select rate, fiscal_year, platform_id,
           case when grouping(form) = 0 then 'form' when grouping(category) = 0 then 'category' else 'all' end as dimension,
           coalesce(form, category) as row_code,
           sum(lines) as lines, sum(events) as events
    from accounts
    where kind = 'client'
    group by grouping sets ((rate, fiscal_year, platform_id, form), (rate, fiscal_year, platform_id, category), (rate, fiscal_year, platform_id))
),

persons as (
    select rate, fiscal_year,
           case when grouping(form) = 0 then 'form' when grouping(category) = 0 then 'category' else 'all' end as dimension,
           coalesce(form, category) as row_code,
           count(distinct person_key) filter (where kind = 'client') as clients,
           count(distinct person_key) filter (where kind = 'worker') as workers
    from accounts
    group by grouping sets ((rate, fiscal_year, form), (rate, fiscal_year, category), (rate, fiscal_year))
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
)

select cells.fiscal_year, cells.rate, cells.dimension, cells.row_code, cells.lines, cells.events,
       cells.events / cells.lines as event_rate,
       persons.clients, persons.workers,
       case cells.rate when 'cancellation' then persons.clients else least(persons.clients, persons.workers) end as sdc_persons,
       cells.platforms as sdc_platforms,
       cells.top_platform_share as sdc_top_platform_share,
       -- the denominator's dominance, and the numerator's: the runner-up must not read the leader's cancellations
       greatest(cells.top_two_platforms_share, coalesce(cells.top_two_platforms_event_share, 0)) as sdc_top_two_platforms_share
from cells
join persons
    on persons.rate = cells.rate and persons.fiscal_year = cells.fiscal_year and persons.dimension = cells.dimension
   and persons.row_code is not distinct from cells.row_code
order by fiscal_year, rate, dimension, row_code nulls last
