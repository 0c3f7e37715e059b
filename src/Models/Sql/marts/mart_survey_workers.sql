-- Who works: active workers (at least one paid line in the fiscal year) by age band and gender, from registrations.
-- One row per fiscal year x age band x gender, plus margins: a null age_band or gender means "all" (grouping sets).
-- Key: (fiscal_year, age_band, gender). Each person counts in one cell only (int_survey_worker_persons gives one
-- profile per person), so the cells' counts need no count(distinct).
-- sdc_* are the inputs of the disclosure rule (DisclosureControl in C#): the cell counts workers, so persons = workers.
-- who: each worker account with its own registration's profile, and each person with one profile (defined once, in
-- int_survey_worker_accounts and int_survey_worker_persons)
with accounts as (select * from int_survey_worker_accounts),
persons as (select fiscal_year, person_key, profile.age_band, profile.gender, paid_jpy from int_survey_worker_persons),

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
