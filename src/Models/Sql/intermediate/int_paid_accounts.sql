-- Accounts paid in a fiscal year, per platform and kind ('client', 'worker'): the "active" of the registered-persons
-- marts. A paid line normally names its worker; one that does not pays no worker.
-- A running total of the linkage marts (MartModels.LinkageRunningTotals): a refresh adds the new lines' accounts,
-- so the linkage marts read only the new lines. The report marts take paid accounts from int_survey_paid_ids.
-- One row per fiscal year x platform x kind x account. Key: (fiscal_year, platform_id, kind, account_id).
select * from (
    select
        paid_fiscal_year as fiscal_year, platform_id,
        case when grouping(client_account_id) = 0 then 'client' else 'worker' end as kind,
        coalesce(client_account_id, worker_account_id) as account_id
    from stg_transactions
    where paid_on is not null
    group by grouping sets ((paid_fiscal_year, platform_id, client_account_id), (paid_fiscal_year, platform_id, worker_account_id))
)
where account_id is not null
-- Stored ordered by platform and fiscal year, so a refresh combining one file's rows touches that platform-year only.
order by platform_id, fiscal_year
