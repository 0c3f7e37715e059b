-- Registered accounts, unique registered persons and unique active persons (at least one paid line in the fiscal
-- year), per fiscal year and kind, for all platforms together, per platform and per prefecture.
-- Key: (fiscal_year, kind, slice, platform_id, prefecture); slice is 'all', 'platform' or 'prefecture', and the
-- column that does not apply to a slice is null. A person with accounts in two prefectures counts in each.
-- Registered in a fiscal year means registered by its last day (the stock of accounts, not the year's sign-ups).
with registrations as (select * from stg_registrations),
account_persons as (select * from int_account_persons),
-- accounts paid in a fiscal year (from the survey's account cells, which read every paid line)
paid_accounts as (select fiscal_year, kind, platform_id, id as account_id from int_survey_account_cells where kind <> 'job'),

-- An account the linker has not placed stands for its own person (the same key as int_survey_account_cells).
accounts as (
    select
        r.kind, r.platform_id, r.account_id, r.prefecture, r.registered_fiscal_year,
        coalesce(p.person_id, -1 - cast(hash(r.platform_id, r.account_id) >> 1 as bigint)) as person_key
    from registrations as r
    left join account_persons as p using (platform_id, account_id, kind)
),

-- Every account once per slice it belongs to.
sliced as (
    select kind, 'all' as slice, null as platform_id, null as prefecture, person_key, registered_fiscal_year, platform_id as account_platform_id, account_id from accounts
    union all
    select kind, 'platform', platform_id, null, person_key, registered_fiscal_year, platform_id, account_id from accounts
    union all
    select kind, 'prefecture', null, prefecture, person_key, registered_fiscal_year, platform_id, account_id from accounts
),

fiscal_years as (
    select distinct registered_fiscal_year as fiscal_year from registrations
    union
    select distinct fiscal_year from paid_accounts
),

-- The stock by fiscal year from first registrations: an account counts from the year it registered, a person from
-- the year of their first account in the slice. Counted per starting year, then accumulated over the years.
starts as (
    select kind, slice, platform_id, prefecture, registered_fiscal_year as since, count(*) as accounts, 0 as persons
    from sliced group by all
    union all
    select kind, slice, platform_id, prefecture, since, 0, count(*)
    from (select kind, slice, platform_id, prefecture, person_key, min(registered_fiscal_year) as since from sliced group by all)
    group by all
),

registered as (
    select y.fiscal_year, s.kind, s.slice, s.platform_id, s.prefecture,
           cast(sum(s.accounts) as bigint) as registered_accounts, cast(sum(s.persons) as bigint) as unique_registered_persons
    from fiscal_years as y
    join starts as s on s.since <= y.fiscal_year
    group by all
),

-- Active: a registered account (registered by the year) paid in the year; a person counts once per slice.
active as (
    select fiscal_year, kind, slice, platform_id, prefecture, count(*) as unique_active_persons
    from (
        select distinct paid.fiscal_year, sliced.kind, sliced.slice, sliced.platform_id, sliced.prefecture, sliced.person_key
        from sliced
        join paid_accounts as paid
            on paid.kind = sliced.kind and paid.platform_id = sliced.account_platform_id and paid.account_id = sliced.account_id
        where sliced.registered_fiscal_year <= paid.fiscal_year
    )
    group by all
),

final as (
    select registered.*, coalesce(active.unique_active_persons, 0) as unique_active_persons
    from registered
    left join active
        on  active.fiscal_year = registered.fiscal_year and active.kind = registered.kind and active.slice = registered.slice
        and active.platform_id is not distinct from registered.platform_id
        and active.prefecture is not distinct from registered.prefecture
)

select * from final order by fiscal_year, kind, slice, platform_id, prefecture
