-- Every registered account with its person (the linker's, or the account's own key when the linker has not placed
-- it), its prefecture and the fiscal year it registered in: what the linkage marts count (int_registered_starts, the
-- registered stock; mart_registered_persons, the active persons among it). Read from registrations and persons only,
-- never the transactions: a refresh after transaction files keeps this table (MartPartitions), so the active persons
-- of a month's refresh join the year's paid accounts to it instead of every registration to its person again.
-- One row per registered account. Key: (kind, platform_id, account_id).
-- Registrations and the linker's rows are grouped by account (a union and one group-by) instead of joined: a hash join
-- allocates one pointer directory for its whole build side (32 MiB for 1.3M accounts at 10M transactions), which
-- failed at 30M; an aggregate's hash tables are partitioned and spill. Both inputs hold one row per account (tested).
with registrations as not materialized (select * from stg_registrations)

select kind, platform_id, account_id,
       max(prefecture) as prefecture,
       max(registered_fiscal_year) as registered_fiscal_year,
       account_person_key(max(person_id), platform_id, account_id) as person_key
from (
    select kind, platform_id, account_id, prefecture, registered_fiscal_year, cast(null as bigint) as person_id, true as is_registration
    from registrations
    union all
    select kind, platform_id, account_id, null, null, person_id, false from int_account_persons
)
group by kind, platform_id, account_id
having bool_or(is_registration)
