-- Who works: active workers (at least one paid line in the fiscal year) by age band and gender, from registrations.
-- One row per fiscal year x age band x gender, plus margins: a null age_band or gender means "all" (grouping sets).
-- Key: (fiscal_year, age_band, gender). A person with several accounts takes the profile of one account, preferring
-- one that states an age band (then the lowest platform id and codes), so each person counts in one cell only and
-- the cells' counts need no count(distinct).
-- sdc_* are the inputs of the disclosure rule (DisclosureControl in C#): the cell counts workers, so persons = workers.
-- who: each worker account's own registration
with accounts as (
    select accounts.fiscal_year, accounts.platform_id, accounts.person_key, accounts.paid_jpy,
           coalesce(registrations.age_band, 'unknown') as age_band,
           coalesce(registrations.gender, 'unknown') as gender
    from int_survey_account_cells as accounts
    -- only workers' registrations: a quarter fewer rows to hash than all of them
    left join (select platform_id, account_id, kind, age_band, gender from stg_registrations where kind = 'worker') as registrations
        on registrations.kind = accounts.kind and registrations.platform_id = accounts.platform_id and registrations.account_id = accounts.id
    where accounts.kind = 'worker'
),

persons as (
    select fiscal_year, person_key, profile.age_band, profile.gender, paid_jpy
    from (
        select
            fiscal_year, person_key,
            -- one arg_min for both fields, so they come from the same account
            arg_min({'age_band': age_band, 'gender': gender}, (age_band = 'unknown', platform_id, age_band, gender)) as profile,
            sum(paid_jpy) as paid_jpy
        from accounts
        group by fiscal_year, person_key
    )
),

cells as (
    select fiscal_year, age_band, gender,
           count(*) as active_workers,
           cast(sum(paid_jpy) as bigint) as paid_jpy
    from persons
    group by grouping sets ((fiscal_year, age_band, gender), (fiscal_year, age_band), (fiscal_year, gender), (fiscal_year))
),

-- Dominance is judged on workers: a cell whose workers nearly all come from one platform tells that platform's mix.
-- Each person once per platform they were paid on (a person paid on two counts once on each), with their one profile.
person_platforms as (
    select platforms.fiscal_year, platforms.person_key, platforms.platform_id, persons.age_band, persons.gender
    from (select fiscal_year, person_key, platform_id from accounts group by all) as platforms
    join persons using (fiscal_year, person_key)
),

platform_workers as (
    select fiscal_year, age_band, gender, platform_id, count(*) as platform_workers
    from person_platforms
    group by grouping sets ((fiscal_year, age_band, gender, platform_id), (fiscal_year, age_band, platform_id),
                            (fiscal_year, gender, platform_id), (fiscal_year, platform_id))
),

platform_concentration as (
    select fiscal_year, age_band, gender,
           count(*) as paying_platforms,
           max(platform_workers) as top_platform_workers,
           list_sum(max(platform_workers, 2)) as top_two_platforms_workers
    from platform_workers
    group by fiscal_year, age_band, gender
),

final as (
    select
        cells.*,
        platform_concentration.paying_platforms,
        -- over distinct workers: a person on two platforms counts once in the cell, once on each platform
        platform_concentration.top_platform_workers / cells.active_workers as top_platform_worker_share,
        cells.active_workers as sdc_persons,
        platform_concentration.paying_platforms as sdc_platforms,
        platform_concentration.top_platform_workers / cells.active_workers as sdc_top_platform_share,
        -- a person on both of the two largest platforms counts on each: capped at the whole cell
        least(1.0, platform_concentration.top_two_platforms_workers / cells.active_workers) as sdc_top_two_platforms_share
    from cells
    join platform_concentration
        on  platform_concentration.fiscal_year = cells.fiscal_year
        and platform_concentration.age_band is not distinct from cells.age_band
        and platform_concentration.gender is not distinct from cells.gender
)

select * from final
order by fiscal_year, age_band nulls last, gender nulls last
