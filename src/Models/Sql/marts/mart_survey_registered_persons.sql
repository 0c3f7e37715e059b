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

-- the years built, as one list: each account is expanded to the years it is in the stock without a join
fiscal_years as (select list(distinct fiscal_year) as years from int_survey_paid_ids where in_refreshed_years(fiscal_year)),

-- Every registered account with its person. Registrations and the linker's rows are grouped by account (a union and
-- one group-by) instead of joined: a hash join allocates one pointer directory for its whole build side (32 MiB for
-- 1.3M accounts at 10M transactions), which failed at 30M; an aggregate's hash tables are partitioned and spill.
registered as (
    select kind, platform_id, account_id,
           max(registered_fiscal_year) as registered_fiscal_year,
           account_person_key(max(person_id), platform_id, account_id) as person_key
    from (
        select kind, platform_id, account_id, registered_fiscal_year, cast(null as bigint) as person_id, true as is_registration
        from registrations
        union all
        select kind, platform_id, account_id, null, person_id, false from int_account_persons
    )
    group by kind, platform_id, account_id
    having bool_or(is_registration)
),

-- Each year's stock (registered by the year's end) beside the year's paid accounts (int_paid_accounts' rows: the
-- survey's account cells hold them already), grouped by account: an account of the stock is paid if one of its rows
-- is a paid one (a group-by in place of a left join to the paid accounts, for the same reason).
account_years as (
    select unnest(list_filter(y.years, year -> year >= r.registered_fiscal_year)) as fiscal_year,
           r.kind, r.platform_id, r.account_id, r.person_key, true as in_stock, false as paid
    from registered as r, fiscal_years as y
    union all
    select fiscal_year, kind, platform_id, id, null, false, true
    from int_survey_account_cells
    -- the account cells hold the years built only (a semi join to the years would hash every paid account)
    where kind <> 'job' and in_refreshed_years(fiscal_year)
),

stock as (
    select fiscal_year, kind, platform_id, account_id, max(person_key) as person_key, bool_or(paid) as paid
    from account_years
    group by fiscal_year, kind, platform_id, account_id
    having bool_or(in_stock)
),

-- grouped per person and platform: a person is in one band, so every count below is a sum over these groups
person_platforms as (
    select fiscal_year, kind, person_key, platform_id, count(*) as accounts, bool_or(paid) as paid
    from stock
    group by fiscal_year, kind, person_key, platform_id
),

-- A person's band, whether one of their platforms was paid, and one row per person to count them, from a window over
-- the person's rows instead of a join of the rows back to the persons (no materialised CTE read twice either).
banded as (
    select fiscal_year, kind, platform_id, accounts, paid,
           case when count(*) over person >= 3 then '3+' else cast(count(*) over person as varchar) end as platform_band,
           row_number() over person = 1 as first_of_person,
           bool_or(paid) over person as person_active
    from person_platforms
    window person as (partition by fiscal_year, kind, person_key)
),

per_platform as (
    select fiscal_year, kind, platform_band, platform_id,
           cast(sum(accounts) as bigint) as accounts, bool_or(paid) as paid,
           count(*) filter (where first_of_person) as persons,
           count(*) filter (where first_of_person and person_active) as active_persons
    from banded
    group by grouping sets ((fiscal_year, kind, platform_band, platform_id), (fiscal_year, kind, platform_id))
),

-- persons are counted on their first row only, so summing over platforms counts each once (the band's total too)
cells as (
    select fiscal_year, kind, platform_band,
           cast(sum(accounts) as bigint) as registered_accounts,
           cast(sum(persons) as bigint) as unique_registered_persons,
           cast(sum(active_persons) as bigint) as unique_active_persons,
           count(*) as registered_platforms,
           count(*) filter (where paid) as active_platforms,
           max(accounts) as top_accounts, list_sum(max(accounts, 2)) as top_two_accounts
    from per_platform
    group by all
),

final as (
    select
        fiscal_year, kind, platform_band,
        registered_accounts, unique_registered_persons, unique_active_persons,
        registered_platforms, active_platforms,
        case when unique_active_persons = 0 then unique_registered_persons
             else least(unique_registered_persons, unique_active_persons) end as sdc_persons,
        registered_platforms as sdc_platforms,
        top_accounts / registered_accounts as sdc_top_platform_share,
        top_two_accounts / registered_accounts as sdc_top_two_platforms_share
    from cells
)

select * from final
order by fiscal_year, kind, platform_band nulls last

