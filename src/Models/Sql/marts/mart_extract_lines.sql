-- The researchers' extracts (marketstats extract) read this: one row per contract line and event, each event in the
-- period of its own date, as the market size counts them:
--   'posted'     every line, on posted_on, amount = posted_jpy;
--   'contracted' lines contracted and not cancelled, on contracted_on, amount = contracted_jpy;
--   'paid'       paid lines, on paid_on, amount = paid_jpy (and fee_jpy).
-- Key: (event, platform_id, transaction_id). A view: an extract aggregates it once with its own GROUPING SETS.
-- Every dimension is a code, never null ('unknown' where the export or the registration has none), so that null in
-- an extract's cube means a margin. Prefecture, region, client type = the client's or worker's side; age band and
-- gender = the worker's own registration. Persons are the linker's (account_person_key), as the survey counts them.
with lines as (select * from stg_transactions),
account_persons as (select * from int_account_persons),
clients as (select platform_id, account_id, client_type from stg_registrations where kind = 'client'),
workers as (select platform_id, account_id, age_band, gender from stg_registrations where kind = 'worker'),
prefectures as (select code, region_code from ref_prefectures),

events as (
    select 'posted' as event, posted_on as event_on, posted_jpy as amount_jpy, cast(0 as bigint) as event_fee_jpy, *
    from lines
    union all
    select 'contracted' as event, contracted_on as event_on, contracted_jpy as amount_jpy, cast(0 as bigint) as event_fee_jpy, *
    from lines
    -- a contract later cancelled is not part of the contracted market
    where contracted_on is not null and status <> 'cancelled'
    union all
    select 'paid' as event, paid_on as event_on, paid_jpy as amount_jpy, fee_jpy as event_fee_jpy, *
    from lines
    where paid_on is not null
),

final as (
    select
        ---------- ids
        events.event, events.platform_id, events.transaction_id, events.job_id,
        ---------- period (fiscal quarter Q1 = April to June)
        fiscal_year(events.event_on) as fiscal_year,
        'Q' || cast((month(events.event_on) + 8) % 12 // 3 + 1 as varchar) as quarter,
        strftime(events.event_on, '%Y-%m') as month,
        ---------- codes
        events.form, events.category,
        coalesce(events.client_prefecture, 'unknown') as client_prefecture,
        coalesce(client_pref.region_code, 'unknown') as client_region,
        coalesce(events.worker_prefecture, 'unknown') as worker_prefecture,
        coalesce(worker_pref.region_code, 'unknown') as worker_region,
        coalesce(clients.client_type, 'unknown') as client_type,
        coalesce(workers.age_band, 'unknown') as age_band,
        coalesce(workers.gender, 'unknown') as gender,
        ---------- persons
        account_person_key(client_person.person_id, events.platform_id, events.client_account_id) as client_person_key,
        -- a line that names no worker counts no worker
        case when events.worker_account_id is not null
             then account_person_key(worker_person.person_id, events.platform_id, events.worker_account_id) end as worker_person_key,
        ---------- money (whole yen)
        coalesce(events.amount_jpy, 0) as amount_jpy,
        coalesce(events.event_fee_jpy, 0) as fee_jpy
    from events
    left join prefectures as client_pref on client_pref.code = events.client_prefecture
    left join prefectures as worker_pref on worker_pref.code = events.worker_prefecture
    left join clients on clients.platform_id = events.platform_id and clients.account_id = events.client_account_id
    left join workers on workers.platform_id = events.platform_id and workers.account_id = events.worker_account_id
    left join account_persons as client_person
        on client_person.kind = 'client' and client_person.platform_id = events.platform_id and client_person.account_id = events.client_account_id
    left join account_persons as worker_person
        on worker_person.kind = 'worker' and worker_person.platform_id = events.platform_id and worker_person.account_id = events.worker_account_id
)

select * from final
