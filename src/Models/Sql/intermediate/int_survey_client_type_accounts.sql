-- Each paying client account's paid value per fiscal year with its client type (the contract's client_type from the
-- account's registration; 'unknown' when not stated). Read by the client-type mart (published cells) and by the
-- members' contributions (each platform's own part of those cells, which its attack on the survey starts from).
-- Key: (fiscal_year, platform_id, id).
with accounts as (select * from int_survey_account_cells where kind = 'client'),
registrations as (select platform_id, account_id, client_type from stg_registrations where kind = 'client')

select accounts.fiscal_year, accounts.platform_id, accounts.id, accounts.person_key, accounts.paid_jpy,
       coalesce(registrations.client_type, 'unknown') as client_type
from accounts
left join registrations on registrations.platform_id = accounts.platform_id and registrations.account_id = accounts.id
