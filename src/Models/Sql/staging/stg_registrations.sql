-- One row per account from an accepted, current registrations export.
-- Key: (platform_id, account_id, kind)
with source as (select * from raw_registrations),
typed as (
    select
        ---------- ids
        platform_id, account_id, kind,
        ---------- attributes
        client_type, prefecture, age_band, gender,
        registered_on, last_active_on, fiscal_year(registered_on) as registered_fiscal_year,
        ---------- anonymised identifiers (keyed hashes, Bloom-filter encoding); empty strings are missing
        nullif(email_hmac, '') as email_hmac,
        nullif(phone_hmac, '') as phone_hmac,
        nullif(corporate_number_hmac, '') as corporate_number_hmac,
        nullif(identity_clk, '') as identity_clk,
        ---------- contract v2 (null in v1 files): per-field encodings, keyed hashes of the birth date
        nullif(family_name_clk, '') as family_name_clk,
        nullif(given_name_clk, '') as given_name_clk,
        nullif(family_name_kana_clk, '') as family_name_kana_clk,
        nullif(given_name_kana_clk, '') as given_name_kana_clk,
        nullif(birth_date_hmac, '') as birth_date_hmac,
        nullif(birth_year_hmac, '') as birth_year_hmac,
        ---------- contract v3 (null in v1 and v2 files): keyed hashes of the birth date's parts
        nullif(birth_year_month_hmac, '') as birth_year_month_hmac,
        nullif(birth_month_day_hmac, '') as birth_month_day_hmac,
        nullif(birth_date_unordered_hmac, '') as birth_date_unordered_hmac,
        ---------- lineage
        file_id, source_line
    from source
)
select * from typed
