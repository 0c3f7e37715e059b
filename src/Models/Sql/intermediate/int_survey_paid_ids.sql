-- Each account (client, worker) and each job paid in a fiscal year on a platform: which survey cells its paid lines
-- fell in (the OR of their cell masks in each family) and the value paid. A running total (MartModels.RunningTotals):
-- kept between builds, a refresh adds the new lines' rows (masks OR, value adds), so it reads only the new lines.
-- One row per fiscal year x platform x kind ('client', 'worker', 'job') x id. Key: (fiscal_year, platform_id, kind, id);
-- id is null for the worker of lines that name none.
-- One plain group-by over each line's three ids (unnested), not grouping sets: DuckDB keeps a grouping set's three
-- hash tables in memory at once and cannot spill them (at 10M transactions they failed under a 200 MB ceiling, a
-- third of the build's 600 MB, as the 30M build did at 600 MB); one hash aggregate spills. The same rows: a null id is
-- its kind's own group, as before.
with lines as (select * from int_survey_paid_lines),

ids as (
    select fiscal_year, platform_id,
           unnest([{'kind': 'client', 'id': client_account_id}, {'kind': 'worker', 'id': worker_account_id},
                   {'kind': 'job', 'id': job_id}]) as account,
           category_form_mask, client_prefecture_mask, worker_prefecture_mask, region_flow_mask, paid_jpy
    from lines
)

select
    fiscal_year, platform_id, account.kind as kind, account.id as id,
    bit_or(category_form_mask) as category_form_mask,
    bit_or(client_prefecture_mask) as client_prefecture_mask,
    bit_or(worker_prefecture_mask) as worker_prefecture_mask,
    bit_or(region_flow_mask) as region_flow_mask,
    cast(sum(paid_jpy) as bigint) as paid_jpy
from ids
group by fiscal_year, platform_id, account.kind, account.id
