-- Which survey cells each client account and worker account was paid in, per fiscal year (the OR of its paid lines'
-- cell masks in each family), the value paid, and the person behind the account; and the paid jobs, which are counted
-- but never linked, by the cells they were paid in.
-- Accounts: one row per fiscal year x kind ('client', 'worker') x platform x account.
--   Key: (fiscal_year, kind, platform_id, id).
-- Jobs: one row per fiscal year x kind 'job' x set of cells, units = the jobs that share those cells; no id.
-- Lines are reduced to accounts and jobs, each with its person, first (int_survey_paid_ids, kept between builds).
with by_id as (select * from int_survey_paid_ids where in_refreshed_years(fiscal_year)),

accounts as (
    select *
    from by_id
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
