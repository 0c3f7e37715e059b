-- Registered accounts, unique registered persons and unique active persons (at least one paid line in the fiscal
-- year), per fiscal year and kind, for all platforms together, per platform and per prefecture.
-- Key: (fiscal_year, kind, slice, platform_id, prefecture); slice is 'all', 'platform' or 'prefecture', and the
-- column that does not apply to a slice is null. A person with accounts in two prefectures counts in each.
with registrations as (select * from stg_registrations),
account_persons as (select * from int_account_persons),
lines as (select * from stg_transactions),

-- An account the linker has not placed stands for its own person (as in int_market_line_events).
accounts as (
    select
        r.platform_id, r.account_id, r.kind, r.prefecture, r.registered_on,
        coalesce('person:' || cast(p.person_id as varchar), 'account:' || r.platform_id || ':' || r.account_id) as person_key
    from registrations as r
    left join account_persons as p using (platform_id, account_id, kind)
),

fiscal_years as (
    select distinct fiscal_year(registered_on) as fiscal_year from registrations
    union
    select distinct paid_fiscal_year from lines where paid_on is not null
),

-- Registered in a fiscal year means registered by its last day (the stock of accounts, not the year's sign-ups).
registered as (
    select y.fiscal_year, a.*
    from fiscal_years as y
    join accounts as a on fiscal_year(a.registered_on) <= y.fiscal_year
),

paid_accounts as (
    select distinct paid_fiscal_year as fiscal_year, platform_id, client_account_id as account_id, 'client' as kind
    from lines where paid_on is not null
    union
    select distinct paid_fiscal_year, platform_id, worker_account_id, 'worker'
    from lines where paid_on is not null and worker_account_id is not null
),

flagged as (
    select registered.*, paid_accounts.account_id is not null as active
    from registered
    left join paid_accounts using (fiscal_year, platform_id, account_id, kind)
),

final as (
    select
        fiscal_year, kind,
        case when grouping(platform_id) = 0 then 'platform' when grouping(prefecture) = 0 then 'prefecture' else 'all' end as slice,
        platform_id, prefecture,
        count(*) as registered_accounts,
        count(distinct person_key) as unique_registered_persons,
        count(distinct person_key) filter (where active) as unique_active_persons
    from flagged
    group by grouping sets ((fiscal_year, kind), (fiscal_year, kind, platform_id), (fiscal_year, kind, prefecture))
)

select * from final order by fiscal_year, kind, slice, platform_id, prefecture
