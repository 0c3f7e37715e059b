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
-- Registrations are linked to persons once; each year's stock is then grouped to person x platform, and every count
-- below is a sum over those groups: a person is in one band, so no count(distinct) per grouping set is needed.
with registrations as not materialized (select * from stg_registrations),
account_persons as (select * from int_account_persons),

fiscal_years as (select distinct fiscal_year from int_survey_paid_ids where in_refreshed_years(fiscal_year)),

-- the accounts paid in each year (int_paid_accounts' rows): the survey's account cells hold them already
paid_accounts as (select fiscal_year, kind, platform_id, id as account_id from int_survey_account_cells where kind <> 'job'),

registered as (
    select r.kind, r.platform_id, r.account_id, r.registered_fiscal_year,
           account_person_key(p.person_id, r.platform_id, r.account_id) as person_key
    from registrations as r
    left join account_persons as p using (platform_id, account_id, kind)
),

-- every account registered by the year's end (the stock), grouped per person and platform, with whether one was paid
person_platforms as materialized (
    select y.fiscal_year, r.kind, r.person_key, r.platform_id,
           count(*) as accounts,
           bool_or(paid.account_id is not null) as paid
    from fiscal_years as y
    join registered as r on r.registered_fiscal_year <= y.fiscal_year
    left join paid_accounts as paid
        on paid.fiscal_year = y.fiscal_year and paid.kind = r.kind and paid.platform_id = r.platform_id and paid.account_id = r.account_id
    group by all
),

persons as (
    select fiscal_year, kind, person_key,
           case when count(*) >= 3 then '3+' else cast(count(*) as varchar) end as platform_band,
           bool_or(paid) as active
    from person_platforms
    group by all
),

person_cells as (
    select fiscal_year, kind, platform_band,
           count(*) as unique_registered_persons,
           count(*) filter (where active) as unique_active_persons
    from persons
    group by grouping sets ((fiscal_year, kind, platform_band), (fiscal_year, kind))
),

per_platform as (
    select pp.fiscal_year, pp.kind, persons.platform_band, pp.platform_id,
           cast(sum(pp.accounts) as bigint) as accounts, bool_or(pp.paid) as paid
    from person_platforms as pp
    join persons using (fiscal_year, kind, person_key)
    group by grouping sets ((pp.fiscal_year, pp.kind, persons.platform_band, pp.platform_id), (pp.fiscal_year, pp.kind, pp.platform_id))
),

platform_cells as (
    select fiscal_year, kind, platform_band,
           cast(sum(accounts) as bigint) as registered_accounts,
           count(*) as registered_platforms,
           count(*) filter (where paid) as active_platforms,
           max(accounts) as top_accounts, list_sum(max(accounts, 2)) as top_two_accounts
    from per_platform
    group by all
),

final as (
    select
        cells.fiscal_year, cells.kind, cells.platform_band,
        c.registered_accounts, cells.unique_registered_persons, cells.unique_active_persons,
        c.registered_platforms, c.active_platforms,
        case when cells.unique_active_persons = 0 then cells.unique_registered_persons
             else least(cells.unique_registered_persons, cells.unique_active_persons) end as sdc_persons,
        c.registered_platforms as sdc_platforms,
        c.top_accounts / c.registered_accounts as sdc_top_platform_share,
        c.top_two_accounts / c.registered_accounts as sdc_top_two_platforms_share
    from person_cells as cells
    join platform_cells as c
        on c.fiscal_year = cells.fiscal_year and c.kind = cells.kind and c.platform_band is not distinct from cells.platform_band
)

select * from final
order by fiscal_year, kind, platform_band nulls last
