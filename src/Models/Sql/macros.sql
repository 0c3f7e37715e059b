-- Macros the models share. Created with staging, before any model reads them.

-- Japan's fiscal year (April to March). Twin of MarketStats.Core.Domain.FiscalYear.Of; a test holds them equal.
create or replace macro fiscal_year(d) as case when month(d) >= 4 then year(d) else year(d) - 1 end;

-- The person an account stands for: the linker's person id, or, for an account the linker has not placed (never
-- registered), a negative 63-bit hash of the account, apart from the linker's ids (two such accounts would have to
-- collide in 63 bits to be miscounted). Read by the survey's account cells and the registered-persons mart.
create or replace macro account_person_key(person_id, platform_id, account_id) as
    coalesce(person_id, -1 - cast(hash(platform_id, account_id) >> 1 as bigint));

-- Whether a model's fiscal year is being built: every year in a build; in a refresh (MartPartitions), only the years
-- the new transaction files touch, so models over the running totals (int_survey_paid_ids, …) read those years only.
create or replace macro in_refreshed_years(fiscal_year) as true;
