-- Which survey cells each client account and worker account was paid in, per fiscal year (the OR of its paid lines'
-- cell masks in each family), the value paid, and the person behind the account; and the paid jobs, which are counted
-- but never linked, by the cells they were paid in.
-- Accounts: one row per fiscal year x kind ('client', 'worker') x platform x account.
--   Key: (fiscal_year, kind, platform_id, id).
-- Jobs: one row per fiscal year x kind 'job' x set of cells, units = the jobs that share those cells; no id.
-- Lines are reduced to accounts and jobs first (int_survey_paid_ids, kept between builds), so the link to persons
-- joins about a million accounts instead of every line.
with by_id as (select * from int_survey_paid_ids where in_refreshed_years(fiscal_year)),
account_persons as (select * from int_account_persons),

accounts as (
    select
        by_id.*,
        account_person_key(account_persons.person_id, by_id.platform_id, by_id.id) as person_key
    from by_id
    left join account_persons
        on account_persons.kind = by_id.kind and account_persons.platform_id = by_id.platform_id and account_persons.account_id = by_id.id
    -- a paid line normally names its worker; one that does not counts no worker
    where by_id.kind <> 'job' and by_id.id is not null
),

-- A job is unique within its platform and has no person: only how many jobs share each set of cells matters.
jobs as (
    select fiscal_year, null as platform_id, 'job' as kind, null as id,
           category_form_mask, client_prefecture_mask, worker_prefecture_mask, region_flow_mask,
           sum(paid_jpy) as paid_jpy, null as person_key, count(*) as units
    from by_id
    where kind = 'job'
    group by fiscal_year, category_form_mask, client_prefecture_mask, worker_prefecture_mask, region_flow_mask
)

select * from accounts
union all by name
select * from jobs
