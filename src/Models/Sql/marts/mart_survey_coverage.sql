-- What the loaded transaction exports cover: per platform and fiscal year, the days of that fiscal year inside the
-- periods of its current (not superseded) transaction exports. A survey year is complete only if every platform
-- that reported in it covers all its days.
-- One row per platform x fiscal year. Key: (platform_id, fiscal_year)
with files as (
    select platform_id, period_start, period_end
    from ingest_files
    where record_kind = 'transactions' and superseded_by is null
),

file_years as (
    select platform_id, period_start, period_end,
           unnest(range(fiscal_year(period_start), fiscal_year(period_end) + 1)) as fiscal_year
    from files
),

fiscal_year_overlaps as (
    select platform_id, fiscal_year,
           greatest(period_start, make_date(fiscal_year, 4, 1)) as covered_from,
           least(period_end, make_date(fiscal_year + 1, 3, 31)) as covered_to
    from file_years
),

final as (
    select platform_id, fiscal_year,
           min(covered_from) as covered_from,
           max(covered_to) as covered_to,
           -- capped: a platform may send a yearly and monthly exports over the same days
           cast(least(sum(date_diff('day', covered_from, covered_to) + 1),
                      date_diff('day', make_date(fiscal_year, 4, 1), make_date(fiscal_year + 1, 3, 31)) + 1) as bigint) as covered_days,
           cast(date_diff('day', make_date(fiscal_year, 4, 1), make_date(fiscal_year + 1, 3, 31)) + 1 as bigint) as fiscal_year_days
    from fiscal_year_overlaps
    group by platform_id, fiscal_year
)

select * from final
order by platform_id, fiscal_year
