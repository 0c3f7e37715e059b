-- Each active client and worker (a person, across platforms) per fiscal year with the survey cells they were paid in:
-- the OR of their accounts' cell masks in each family. What the cell counts count, one unit per person.
-- A running total (MartModels.RunningTotals) over int_survey_paid_ids: a refresh reads only the rows the new lines
-- added there and ORs their masks in (a refresh never changes persons), instead of regrouping the year's accounts.
-- One row per fiscal year x kind ('client', 'worker') x person. Key: (fiscal_year, kind, person_key).
with by_id as (select * from int_survey_paid_ids),
account_persons as (select * from int_account_persons),

accounts as (
    select
        by_id.*,
        account_person_key(account_persons.person_id, by_id.platform_id, by_id.id) as person_key
    from by_id
    left join account_persons
        on account_persons.kind = by_id.kind and account_persons.platform_id = by_id.platform_id and account_persons.account_id = by_id.id
    -- as int_survey_account_cells: a paid line that names no worker counts no worker
    where by_id.kind <> 'job' and by_id.id is not null
)

select
    fiscal_year, kind, person_key,
    bit_or(category_form_mask) as category_form_mask,
    bit_or(client_prefecture_mask) as client_prefecture_mask,
    bit_or(worker_prefecture_mask) as worker_prefecture_mask,
    bit_or(region_flow_mask) as region_flow_mask
from accounts
group by fiscal_year, kind, person_key
-- Stored ordered by year and kind, so a refresh combining the new rows touches the refreshed years only.
order by fiscal_year, kind
