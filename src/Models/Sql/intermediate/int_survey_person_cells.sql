-- Each active client and worker (a person, across platforms) per fiscal year with the survey cells they were paid in:
-- the OR of their accounts' cell masks in each family. What the cell counts count, one unit per person.
-- A running total (MartModels.RunningTotals) over int_survey_paid_ids: a refresh ORs in the masks of the new lines'
-- accounts only (a person's accounts never change in a refresh), instead of regrouping the year's accounts by person.
-- One row per fiscal year x kind ('client', 'worker') x person. Key: (fiscal_year, kind, person_key).
with accounts as (select * from int_survey_paid_ids where kind <> 'job' and id is not null)

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
