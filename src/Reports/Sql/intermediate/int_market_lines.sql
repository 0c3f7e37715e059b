-- One row per contract line with everything the reports group by: fiscal years of its events, form, category,
-- prefectures and regions, the worker's registered age band and gender, and integer keys for its job and for the
-- persons behind its client and worker accounts. Key: (platform_id, transaction_id), kept as the line's key only
-- implicitly (not stored). A view: only its paid lines are materialised (int_survey_paid_lines), because writing
-- every line to disk cost more than the joins themselves.
with lines as (select * from stg_transactions),
account_persons as (select * from int_account_persons),
prefectures as (select code from ref_prefectures),
registrations as (select platform_id, account_id, age_band, gender from stg_registrations where kind = 'worker'),

keyed as (
    select
        ---------- ids
        lines.platform_id,
        -- Integer keys: count(distinct) over integers is several times faster than over concatenated strings.
        -- A job is unique within its platform. An account the linker has not placed (it was never registered) stands
        -- for its own person under a negative 63-bit hash, apart from the linker's person ids; two such accounts
        -- would have to collide in 63 bits to be miscounted.
        hash(lines.platform_id, lines.job_id) as job_key,
        coalesce(client.person_id, -1 - cast(hash(lines.platform_id, lines.client_account_id) >> 1 as bigint)) as client_person_key,
        case when lines.worker_account_id is not null then
            coalesce(worker.person_id, -1 - cast(hash(lines.platform_id, lines.worker_account_id) >> 1 as bigint))
        end as worker_person_key,
        ---------- codes
        lines.form, lines.category,
        -- an unknown or missing code stays visible as 'unknown' rather than vanishing from a margin
        coalesce(client_pref.code, 'unknown') as client_prefecture,
        coalesce(worker_pref.code, 'unknown') as worker_prefecture,
        -- who: the worker account's own registration (a person's other accounts may say otherwise)
        coalesce(registrations.age_band, 'unknown') as worker_age_band,
        coalesce(registrations.gender, 'unknown') as worker_gender,
        ---------- money (whole yen)
        lines.posted_jpy, lines.contracted_jpy, lines.paid_jpy, lines.fee_jpy,
        ---------- events: each measure counts in the fiscal year of its own event
        lines.posted_fiscal_year,
        -- a contract later cancelled is not part of the contracted market
        case when lines.contracted_on is not null and lines.status <> 'cancelled' then lines.contracted_fiscal_year end as contracted_fiscal_year,
        lines.paid_fiscal_year
    from lines
    left join account_persons as client
        on client.kind = 'client' and client.platform_id = lines.platform_id and client.account_id = lines.client_account_id
    left join account_persons as worker
        on worker.kind = 'worker' and worker.platform_id = lines.platform_id and worker.account_id = lines.worker_account_id
    left join prefectures as client_pref on client_pref.code = lines.client_prefecture
    left join prefectures as worker_pref on worker_pref.code = lines.worker_prefecture
    left join registrations on registrations.platform_id = lines.platform_id and registrations.account_id = lines.worker_account_id
)

select * from keyed
