-- One row per contract line from an accepted, current transactions export, with its fiscal years.
-- Key: (platform_id, transaction_id)
with source as (select * from raw_transactions),
typed as (
    select
        ---------- ids
        platform_id, transaction_id, job_id, client_account_id, worker_account_id,
        ---------- codes
        form, category, status, client_prefecture, worker_prefecture,
        ---------- money (whole yen)
        posted_jpy, contracted_jpy, paid_jpy, coalesce(fee_jpy, 0) as fee_jpy,
        ---------- dates
        posted_on, contracted_on, paid_on,
        fiscal_year(posted_on) as posted_fiscal_year,
        fiscal_year(contracted_on) as contracted_fiscal_year,
        fiscal_year(paid_on) as paid_fiscal_year,
        ---------- lineage
        file_id, source_line
    from source
)
select * from typed
