-- Accounts paid in a fiscal year, per platform and kind ('client', 'worker'): the "active" of the registered-persons
-- marts. A paid line normally names its worker; one that does not pays no worker.
-- A view, read by the linkage marts only (the report marts take paid accounts from int_survey_paid_ids).
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
