-- Paid value by the client's type (the contract's client_type, from the client account's registration: corporation,
-- sole proprietor, public body, individual; 'unknown' when not stated), with the inputs of the disclosure rule.
-- One row per fiscal year x client type, plus one per fiscal year for all types (client_type null).
-- Key: (fiscal_year, client_type). Persons are the type's distinct clients (the linker's persons).
with typed as (select * from int_survey_client_type_accounts),

per_platform as (
    select fiscal_year, client_type, platform_id, sum(paid_jpy) as paid_jpy
    from typed
    group by grouping sets ((fiscal_year, client_type, platform_id), (fiscal_year, platform_id))
),

cells as (
    select fiscal_year, client_type, cast(sum(paid_jpy) as bigint) as paid_jpy, count(*) as platforms,
           max(paid_jpy) / nullif(sum(paid_jpy), 0) as top_platform_share,
           list_sum(max(paid_jpy, 2)) / nullif(sum(paid_jpy), 0) as top_two_platforms_share
    from per_platform
    group by all
),

clients as (
    select fiscal_year, client_type, count(distinct person_key) as active_clients
    from typed
    group by grouping sets ((fiscal_year, client_type), (fiscal_year))
)

select cells.fiscal_year, cells.client_type, cells.paid_jpy, clients.active_clients,
       clients.active_clients as sdc_persons,
       cells.platforms as sdc_platforms,
       cells.top_platform_share as sdc_top_platform_share,
       cells.top_two_platforms_share as sdc_top_two_platforms_share
from cells
join clients on clients.fiscal_year = cells.fiscal_year and clients.client_type is not distinct from cells.client_type
order by fiscal_year, client_type nulls last
