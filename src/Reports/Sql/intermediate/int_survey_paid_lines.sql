-- One row per paid contract line, in the fiscal year of payment: what the market-size cube's paid measures and every
-- survey mart read. Key: (platform_id, transaction_id), implicit (not stored).
-- Materialised with only the columns the marts group or count by, so that it writes and scans fast.
with lines as (select * from int_market_lines)

select
    paid_fiscal_year as fiscal_year,
    platform_id, form, category, job_key,
    paid_jpy, fee_jpy,
    client_person_key, worker_person_key,
    client_prefecture, worker_prefecture,
    worker_age_band, worker_gender
from lines
where paid_fiscal_year is not null
