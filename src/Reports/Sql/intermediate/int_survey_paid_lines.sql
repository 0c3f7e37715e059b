-- One row per paid contract line, in the fiscal year of payment, with its persons, category, prefectures and
-- regions, and the paid worker's registration profile. Materialised once so every survey mart scans only paid lines.
-- Key: (platform_id, transaction_id)
with paid as (select * from int_market_line_events where event = 'paid'),
prefectures as (select * from ref_prefectures),
registrations as (select platform_id, account_id, age_band, gender from stg_registrations where kind = 'worker'),

final as (
    select
        paid.fiscal_year,
        paid.platform_id,
        paid.transaction_id,
        paid.form,
        paid.category,
        paid.job_key,
        paid.value_jpy as paid_jpy,
        paid.fee_jpy,
        paid.client_person_key,
        paid.worker_person_key,
        ---------- where: an unknown or missing code stays visible as 'unknown' rather than vanishing from a margin
        coalesce(client_pref.code, 'unknown') as client_prefecture,
        coalesce(worker_pref.code, 'unknown') as worker_prefecture,
        coalesce(client_pref.region_code, 'unknown') as client_region,
        coalesce(worker_pref.region_code, 'unknown') as worker_region,
        ---------- who: the worker account's own registration (a person's other accounts may say otherwise)
        coalesce(registrations.age_band, 'unknown') as worker_age_band,
        coalesce(registrations.gender, 'unknown') as worker_gender
    from paid
    left join prefectures as client_pref on client_pref.code = paid.client_prefecture
    left join prefectures as worker_pref on worker_pref.code = paid.worker_prefecture
    left join registrations on registrations.platform_id = paid.platform_id and registrations.account_id = paid.worker_account_id
)

select * from final
