-- Each account (client, worker) and each job paid in a fiscal year on a platform: which survey cells its paid lines
-- fell in (the OR of their cell masks in each family) and the value paid. A running total (MartModels.RunningTotals):
-- kept between builds, a refresh adds the new lines' rows (masks OR, value adds), so it reads only the new lines.
-- One row per fiscal year x platform x kind ('client', 'worker', 'job') x id. Key: (fiscal_year, platform_id, kind, id);
-- id is null for the worker of lines that name none.
with lines as (select * from int_survey_paid_lines)

select
    fiscal_year, platform_id,
    case grouping(client_account_id, worker_account_id, job_id) when 3 then 'client' when 5 then 'worker' else 'job' end as kind,
    coalesce(client_account_id, worker_account_id, job_id) as id,
    bit_or(category_form_mask) as category_form_mask,
    bit_or(client_prefecture_mask) as client_prefecture_mask,
    bit_or(worker_prefecture_mask) as worker_prefecture_mask,
    bit_or(region_flow_mask) as region_flow_mask,
    cast(sum(paid_jpy) as bigint) as paid_jpy
from lines
group by grouping sets ((fiscal_year, platform_id, client_account_id),
                        (fiscal_year, platform_id, worker_account_id),
                        (fiscal_year, platform_id, job_id))
-- Stored ordered by platform and fiscal year, so a refresh combining one file's rows touches that platform-year only.
order by platform_id, fiscal_year
