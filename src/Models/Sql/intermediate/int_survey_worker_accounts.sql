-- Each worker account paid in the fiscal year, with the person behind it and its own registration's age band and
-- gender. One row per fiscal year x platform x worker account. Key: (fiscal_year, platform_id, account_id).
with accounts as (select * from int_survey_account_cells where kind = 'worker'),
-- only workers' registrations: a quarter fewer rows to hash than all of them
registrations as (select platform_id, account_id, age_band, gender from stg_registrations where kind = 'worker')

select accounts.fiscal_year, accounts.platform_id, accounts.id as account_id, accounts.person_key, accounts.paid_jpy,
       coalesce(registrations.age_band, 'unknown') as age_band,
       coalesce(registrations.gender, 'unknown') as gender
from accounts
left join registrations on registrations.platform_id = accounts.platform_id and registrations.account_id = accounts.id
