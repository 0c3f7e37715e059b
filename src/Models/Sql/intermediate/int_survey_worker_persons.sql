-- Each active worker (a person with at least one paid line in the fiscal year, across platforms) with the profile of
-- one of their accounts, their paid value in the year and their main platform. One row per fiscal year x person.
-- Key: (fiscal_year, person_key). A person with several accounts takes the profile of one account, preferring one that
-- states an age band (then the lowest platform id and codes), so each person counts in one age x gender cell only.
-- Read by mart_survey_workers (who works) and int_survey_distribution_units (pay per worker).
with accounts as (select * from int_survey_worker_accounts)

select
    fiscal_year, person_key,
    -- one arg_min for both fields, so they come from the same account
    arg_min({'age_band': age_band, 'gender': gender}, (age_band = 'unknown', platform_id, age_band, gender)) as profile,
    cast(sum(paid_jpy) as bigint) as paid_jpy,
    -- the platform that paid the person most (lowest id on a tie): the person's platform for dominance of a distribution
    arg_max(platform_id, (paid_jpy, -hash(platform_id))) as main_platform_id
from accounts
group by fiscal_year, person_key
