-- Registered accounts vs unique registered persons vs unique active persons, per fiscal year with paid data, kind
-- ('worker', 'client') and platform-count band: how many platforms a person is registered on by the year's end ('1',
-- '2', '3+'; null = all bands). The survey's correction to "over two million workers": accounts count a person once
-- per platform, and count people who never work.
-- Key: (fiscal_year, kind, platform_band). Definitions as mart_registered_persons (the linkage mart, built apart):
-- registered = registered by the fiscal year's last day (the stock); active = a registered account paid in the year.
-- sdc_* are the disclosure inputs of the row, whose three measures are published or suppressed together (accounts
-- would give the persons of a band away: a person in band '2' has two accounts): persons = the smaller of registered
-- and active persons (registered when none is active), the platforms holding the row's accounts, and the largest
-- platforms' share of those accounts (each account is on one platform, so the shares add up to the row).
with registrations as not materialized (select * from stg_registrations),
account_persons as (select * from int_account_persons),

fiscal_years as (select distinct paid_fiscal_year as fiscal_year from stg_transactions where paid_on is not null),

paid_accounts as (select * from int_paid_accounts),

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
    select fiscal_year, kind, platform_band, platform_id, count(*) as accounts
    from banded
    group by grouping sets ((fiscal_year, kind, platform_band, platform_id), (fiscal_year, kind, platform_id))
),

concentration as (
    select fiscal_year, kind, platform_band, max(accounts) as top_accounts, list_sum(max(accounts, 2)) as top_two_accounts
    from per_platform
    group by all
),

final as (
    select
        cells.fiscal_year, cells.kind, cells.platform_band,
        cells.registered_accounts, cells.unique_registered_persons, cells.unique_active_persons,
        cells.registered_platforms, cells.active_platforms,
        case when cells.unique_active_persons = 0 then cells.unique_registered_persons
             else least(cells.unique_registered_persons, cells.unique_active_persons) end as sdc_persons,
        cells.registered_platforms as sdc_platforms,
        c.top_accounts / cells.registered_accounts as sdc_top_platform_share,
        c.top_two_accounts / cells.registered_accounts as sdc_top_two_platforms_share
    from cells
    join concentration as c
        on c.fiscal_year = cells.fiscal_year and c.kind = cells.kind and c.platform_band is not distinct from cells.platform_band
)

select * from final
order by fiscal_year, kind, platform_band nulls last
