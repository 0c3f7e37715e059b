-- One row per registered account as the linker reads it (int_link_accounts numbers these rows), with its keyed hashes replaced by 64-bit ids
-- (DuckDB's hash of the value; 0 when missing: hash(null) is not null) so that only integers and the CLK travel into .NET. Two different
-- keyed hashes share an id with probability about n^2 / 2^64: 2·10^-7 for two million accounts.
-- Key: (platform_id, account_id, kind)
with accounts as (select * from stg_registrations),
fields as (
    select
        platform_id, account_id, kind, prefecture,
        -- workers' optional profile as small codes: the contract's order (ref_codes); -1 when not given, and
        -- 'unknown' gender says nothing either
        coalesce(age_bands.ordinal, -1) as age_band_code,
        coalesce(genders.ordinal, -1) as gender_code,
        case when email_hmac is null then 0 else cast(hash(email_hmac) >> 1 as bigint) + 1 end as email_id,
        case when phone_hmac is null then 0 else cast(hash(phone_hmac) >> 1 as bigint) + 1 end as phone_id,
        case when corporate_number_hmac is null then 0 else cast(hash(corporate_number_hmac) >> 1 as bigint) + 1 end as corporate_number_id,
        identity_clk,
        -- contract v2 (0 / null for v1 accounts): birth date and year as ids like the hashes above, and the per-field
        -- encodings as their 16 raw bytes (validated base64, so from_base64 cannot fail)
        case when birth_date_hmac is null then 0 else cast(hash(birth_date_hmac) >> 1 as bigint) + 1 end as birth_date_id,
        case when birth_year_hmac is null then 0 else cast(hash(birth_year_hmac) >> 1 as bigint) + 1 end as birth_year_id,
        -- contract v3 (0 for v1 and v2 accounts): the birth date's parts, as ids too
        case when birth_year_month_hmac is null then 0 else cast(hash(birth_year_month_hmac) >> 1 as bigint) + 1 end as birth_year_month_id,
        case when birth_month_day_hmac is null then 0 else cast(hash(birth_month_day_hmac) >> 1 as bigint) + 1 end as birth_month_day_id,
        case when birth_date_unordered_hmac is null then 0 else cast(hash(birth_date_unordered_hmac) >> 1 as bigint) + 1 end as birth_date_unordered_id,
        from_base64(family_name_clk) as family_name_clk,
        from_base64(given_name_clk) as given_name_clk,
        from_base64(family_name_kana_clk) as family_name_kana_clk,
        from_base64(given_name_kana_clk) as given_name_kana_clk
    from accounts
    left join ref_codes as age_bands on age_bands.list = 'age_band' and age_bands.code = accounts.age_band
    left join ref_codes as genders on genders.list = 'gender' and genders.code = accounts.gender and genders.code <> 'unknown'
)
select * from fields
