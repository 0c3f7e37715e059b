-- Which survey cells each client account, worker account and job was paid in, per fiscal year: the OR of its paid
-- lines' cell masks in each family, the value paid, and the person behind the account.
-- One row per fiscal year x kind ('client', 'worker', 'job') x platform x id (an account id, or a job id).
-- Key: (fiscal_year, kind, platform_id, id).
-- Lines are first reduced to accounts (one scan, three grouping sets), so the link to persons joins about a million
-- accounts instead of every line.
with lines as (select * from int_survey_paid_lines),
account_persons as (select * from int_account_persons),
-- who: each account's own registration (the survey reads it for workers)
registrations as (select platform_id, account_id, kind, age_band, gender from stg_registrations),

by_id as (
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
),

final as (
    select
        by_id.*,
        -- The linker's person. An account it has not placed (never registered) stands for its own person under a
        -- negative 63-bit hash, apart from the linker's ids; two such accounts would have to collide in 63 bits to be
        -- miscounted. A job has no person.
        case when by_id.kind <> 'job' then
            coalesce(account_persons.person_id, -1 - cast(hash(by_id.platform_id, by_id.id) >> 1 as bigint))
        end as person_key,
        coalesce(registrations.age_band, 'unknown') as age_band,
        coalesce(registrations.gender, 'unknown') as gender
    from by_id
    left join account_persons
        on account_persons.kind = by_id.kind and account_persons.platform_id = by_id.platform_id and account_persons.account_id = by_id.id
    left join registrations
        on registrations.kind = by_id.kind and registrations.platform_id = by_id.platform_id and registrations.account_id = by_id.id
    -- a paid line normally names its worker; one that does not counts no worker
    where by_id.id is not null
)

select * from final
