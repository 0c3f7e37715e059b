-- Macros the models share. Created with staging, before any model reads them.

-- Japan's fiscal year (April to March). Twin of MarketStats.Core.Domain.FiscalYear.Of; a test holds them equal.
create or replace macro fiscal_year(d) as case when month(d) >= 4 then year(d) else year(d) - 1 end;

-- The person an account stands for: the linker's person id, or, for an account the linker has not placed (never
-- registered), a negative 63-bit hash of the account, apart from the linker's ids (two such accounts would have to
-- collide in 63 bits to be miscounted). Read by the survey's account cells and the registered-persons mart.
create or replace macro account_person_key(person_id, platform_id, account_id) as
    coalesce(person_id, -1 - cast(hash(platform_id, account_id) >> 1 as bigint));

-- The accounts paid in each fiscal year: one row per fiscal year x platform x kind ('client', 'worker') x account with
-- a paid line (a paid line normally names its worker; one that does not pays no worker). Read by the registered-persons
-- marts of the linkage and the survey groups (a macro, bound when called: staging exists by then).
create or replace macro paid_accounts() as table
    select * from (
        select
            paid_fiscal_year as fiscal_year, platform_id,
            case when grouping(client_account_id) = 0 then 'client' else 'worker' end as kind,
            coalesce(client_account_id, worker_account_id) as account_id
        from stg_transactions
        where paid_on is not null
        group by grouping sets ((paid_fiscal_year, platform_id, client_account_id), (paid_fiscal_year, platform_id, worker_account_id))
    )
    where account_id is not null;
