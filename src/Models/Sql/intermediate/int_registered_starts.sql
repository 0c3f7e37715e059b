-- The registered stock's starts, per kind and starting fiscal year, for all platforms together, per platform and per
-- prefecture: the accounts that registered in the year, and the persons whose first account in the slice did.
-- mart_registered_persons accumulates them over the years. Read from registrations and persons only, never the
-- transactions: a refresh after transaction files keeps this table (MartPartitions), so it does not regroup every
-- registration to count a stock that did not change.
-- Key: (kind, platform_id, prefecture, since); platform_id and prefecture are null where the slice does not use them.
with accounts as (select kind, platform_id, prefecture, registered_fiscal_year, person_key from int_registered_accounts),

account_starts as (
    select kind, platform_id, prefecture, registered_fiscal_year as since, count(*) as accounts, 0 as persons
    from accounts
    group by grouping sets ((kind, since), (kind, platform_id, since), (kind, prefecture, since))
),

-- Three plain group-bys under union all, not grouping sets: the three sets' hash tables (millions of persons each)
-- were held at once and could not spill, and the bench's in-process build ran out of memory here at 30M transactions.
person_starts as (
    select kind, platform_id, prefecture, since, 0 as accounts, count(*) as persons
    from (
        select kind, cast(null as varchar) as platform_id, cast(null as varchar) as prefecture, person_key, min(registered_fiscal_year) as since
        from accounts group by kind, person_key
        union all
        select kind, platform_id, null, person_key, min(registered_fiscal_year) from accounts group by kind, platform_id, person_key
        union all
        select kind, null, prefecture, person_key, min(registered_fiscal_year) from accounts group by kind, prefecture, person_key
    )
    group by all
)

select kind, platform_id, prefecture, since, cast(sum(accounts) as bigint) as accounts, cast(sum(persons) as bigint) as persons
from (select * from account_starts union all select * from person_starts)
group by all
