-- Registered accounts vs unique registered persons vs unique active persons, per fiscal year with paid data, kind
-- ('worker', 'client') and platform-count band: how many platforms a person is registered on by the year's end ('1',
-- '2', '3+'; null = all bands). The survey's correction to "over two million workers": accounts count a person once
-- per platform, and count people who never work.
-- Key: (fiscal_year, kind, platform_band). Definitions as mart_registered_persons (the linkage mart, built apart):
-- registered = registered by the fiscal year's last day (the stock); active = a registered account paid in the year.
-- sdc_* are the disclosure inputs of each measure (DisclosureControl in C#): platforms holding the cell's accounts
-- (or its active persons' paid accounts) and the largest platforms' share of them; a person on two platforms counts on
-- each, so a top-two share is capped at the whole cell, as in mart_survey_workers.
with registrations as not materialized (select * from stg_registrations),
account_persons as (select * from int_account_persons),

fiscal_years as (select distinct paid_fiscal_year as fiscal_year from stg_transactions where paid_on is not null),

paid_accounts as (
    select * from (
        select
            paid_fiscal_year as fiscal_year, platform_id,
            case when grouping(client_account_id) = 0 then 'client' else 'worker' end as kind,
            coalesce(client_account_id, worker_account_id) as account_id
        from stg_transactions
        where paid_on is not null
        group by grouping sets ((paid_fiscal_year, platform_id, client_account_id), (paid_fiscal_year, platform_id, worker_account_id))
    )
    where account_id is not null
),

-- every account registered by the year's end, with its person and whether it was paid in the year
stock as (
    select
        y.fiscal_year, r.kind, r.platform_id, r.account_id,
        account_person_key(p.person_id, r.platform_id, r.account_id) as person_key,
        paid.account_id is not null as paid
    from fiscal_years as y
    join registrations as r on r.registered_fiscal_year <= y.fiscal_year
    left join account_persons as p using (platform_id, account_id, kind)
    left join paid_accounts as paid
        on paid.fiscal_year = y.fiscal_year and paid.kind = r.kind and paid.platform_id = r.platform_id and paid.account_id = r.account_id
),

bands as (
    select fiscal_year, kind, person_key,
           case when count(distinct platform_id) >= 3 then '3+' else cast(count(distinct platform_id) as varchar) end as platform_band
    from stock
    group by all
),

banded as (
    select stock.*, bands.platform_band
    from stock
    join bands using (fiscal_year, kind, person_key)
),

cells as (
    select fiscal_year, kind, platform_band,
           count(*) as registered_accounts,
           count(distinct person_key) as unique_registered_persons,
           count(distinct person_key) filter (where paid) as unique_active_persons,
           count(distinct platform_id) as registered_platforms,
           count(distinct platform_id) filter (where paid) as active_platforms
    from banded
    group by grouping sets ((fiscal_year, kind, platform_band), (fiscal_year, kind))
),

per_platform as (
    select fiscal_year, kind, platform_band, platform_id,
           count(*) as accounts,
           count(distinct person_key) as persons,
           count(distinct person_key) filter (where paid) as active_persons
    from banded
    group by grouping sets ((fiscal_year, kind, platform_band, platform_id), (fiscal_year, kind, platform_id))
),

concentration as (
    select fiscal_year, kind, platform_band,
           max(accounts) as top_accounts, list_sum(max(accounts, 2)) as top_two_accounts,
           max(persons) as top_persons, list_sum(max(persons, 2)) as top_two_persons,
           max(active_persons) as top_active, list_sum(max(active_persons, 2)) as top_two_active
    from per_platform
    group by all
),

final as (
    select
        cells.fiscal_year, cells.kind, cells.platform_band,
        cells.registered_accounts, cells.unique_registered_persons, cells.unique_active_persons,
        cells.registered_platforms as sdc_registered_platforms,
        cells.active_platforms as sdc_active_platforms,
        c.top_accounts / cells.registered_accounts as sdc_accounts_top_share,
        c.top_two_accounts / cells.registered_accounts as sdc_accounts_top_two_share,
        least(1.0, c.top_persons / cells.unique_registered_persons) as sdc_registered_top_share,
        least(1.0, c.top_two_persons / cells.unique_registered_persons) as sdc_registered_top_two_share,
        least(1.0, c.top_active / nullif(cells.unique_active_persons, 0)) as sdc_active_top_share,
        least(1.0, c.top_two_active / nullif(cells.unique_active_persons, 0)) as sdc_active_top_two_share
    from cells
    join concentration as c
        on c.fiscal_year = cells.fiscal_year and c.kind = cells.kind and c.platform_band is not distinct from cells.platform_band
)

select * from final
order by fiscal_year, kind, platform_band nulls last
