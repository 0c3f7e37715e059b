-- One row per contract line and money event it reached (posted, contracted, paid), dated by that event's fiscal
-- year, with the persons behind its client and worker accounts.
-- Key: (platform_id, transaction_id, event)
with lines as (select * from stg_transactions),
account_persons as (select * from int_account_persons),

-- An account the linker has not placed stands for its own person; the prefixes keep the two key spaces apart.
with_persons as (
    select
        lines.*,
        coalesce('person:' || cast(client.person_id as varchar),
                 'account:' || lines.platform_id || ':' || lines.client_account_id) as client_person_key,
        case when lines.worker_account_id is not null then
            coalesce('person:' || cast(worker.person_id as varchar),
                     'account:' || lines.platform_id || ':' || lines.worker_account_id)
        end as worker_person_key
    from lines
    left join account_persons as client
        on client.kind = 'client' and client.platform_id = lines.platform_id and client.account_id = lines.client_account_id
    left join account_persons as worker
        on worker.kind = 'worker' and worker.platform_id = lines.platform_id and worker.account_id = lines.worker_account_id
),

-- Every line was posted, whatever happened later (cancelled ones included): posted value is what clients asked for.
posted as (
    select platform_id, transaction_id, 'posted' as event, posted_fiscal_year as fiscal_year, form,
           platform_id || ':' || job_id as job_key, posted_jpy as value_jpy, cast(0 as bigint) as fee_jpy,
           category, client_prefecture, worker_prefecture, worker_account_id, client_person_key, worker_person_key
    from with_persons
),

-- A contract later cancelled is not part of the contracted market.
contracted as (
    select platform_id, transaction_id, 'contracted' as event, contracted_fiscal_year as fiscal_year, form,
           platform_id || ':' || job_id as job_key, contracted_jpy as value_jpy, cast(0 as bigint) as fee_jpy,
           category, client_prefecture, worker_prefecture, worker_account_id, client_person_key, worker_person_key
    from with_persons
    where contracted_on is not null and status <> 'cancelled'
),

paid as (
    select platform_id, transaction_id, 'paid' as event, paid_fiscal_year as fiscal_year, form,
           platform_id || ':' || job_id as job_key, paid_jpy as value_jpy, fee_jpy,
           category, client_prefecture, worker_prefecture, worker_account_id, client_person_key, worker_person_key
    from with_persons
    where paid_on is not null
),

events as (
    select * from posted
    union all select * from contracted
    union all select * from paid
)

select * from events
