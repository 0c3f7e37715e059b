-- Registered accounts, unique registered persons and unique active persons (at least one paid line in the fiscal
-- year), per fiscal year and kind, for all platforms together, per platform and per prefecture.
-- Key: (fiscal_year, kind, slice, platform_id, prefecture); slice is 'all', 'platform' or 'prefecture', and the
-- column that does not apply to a slice is null. A person with accounts in two prefectures counts in each.
-- Registered in a fiscal year means registered by its last day (the stock of accounts, not the year's sign-ups).
-- every registered account with its person (kept by a refresh: registrations and persons do not change in one)
with accounts as (select * from int_registered_accounts),
-- the stock's starts: kept by a refresh, which changes no registration
starts as (select * from int_registered_starts),
-- in a refresh (MartPartitions) only the touched years: their rows are the only ones kept
paid_accounts as (select * from int_paid_accounts where in_refreshed_years(fiscal_year)),

fiscal_years as (
    select * from (
        select distinct since as fiscal_year from starts
        union
        select distinct fiscal_year from paid_accounts
    )
    where in_refreshed_years(fiscal_year)
),

-- The stock: an account counts from the year it registered, a person from the year of their first account in the slice.
registered as (
    select y.fiscal_year, s.kind, s.platform_id, s.prefecture,
           cast(sum(s.accounts) as bigint) as registered_accounts, cast(sum(s.persons) as bigint) as unique_registered_persons
    from fiscal_years as y
    join starts as s on s.since <= y.fiscal_year
    group by all
),

-- Active: a registered account (registered by the year) paid in the year; a person counts once per slice.
-- (the same for active persons: each account paid in a year once, then three plain distincts over them)
active_persons as (
    select distinct paid.fiscal_year, accounts.kind, accounts.platform_id, accounts.prefecture, accounts.person_key
    from paid_accounts as paid
    join accounts using (kind, platform_id, account_id)
    where accounts.registered_fiscal_year <= paid.fiscal_year
),

active as (
    select fiscal_year, kind, platform_id, prefecture, count(*) as unique_active_persons
    from (
        select distinct fiscal_year, kind, cast(null as varchar) as platform_id, cast(null as varchar) as prefecture, person_key from active_persons
        union all
        select distinct fiscal_year, kind, platform_id, null, person_key from active_persons
        union all
        select distinct fiscal_year, kind, null, prefecture, person_key from active_persons
    )
    group by all
),

final as (
    select
        registered.fiscal_year, registered.kind,
        -- platform and prefecture are required in registrations: null here only means the slice does not use it
        case when registered.platform_id is not null then 'platform' when registered.prefecture is not null then 'prefecture' else 'all' end as slice,
        registered.platform_id, registered.prefecture,
        registered.registered_accounts, registered.unique_registered_persons,
        coalesce(active.unique_active_persons, 0) as unique_active_persons
    from registered
    left join active
        on  active.fiscal_year = registered.fiscal_year and active.kind = registered.kind
        and active.platform_id is not distinct from registered.platform_id
        and active.prefecture is not distinct from registered.prefecture
)

select * from final order by fiscal_year, kind, slice, platform_id, prefecture
