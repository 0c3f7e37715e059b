-- The survey's cross tabs: every cell (margins included) with its money, lines, distinct persons and jobs, and the
-- inputs of the disclosure rule (DisclosureControl in C#): a money cell needs enough clients and enough workers (the
-- smaller of the two counts), enough paying platforms, and no dominant platform, or it would reveal one party's
-- spend, income or share. One row per fiscal year x cell with a paid line. Key: (fiscal_year, family, row_code, column_code).
-- The marts mart_survey_category, mart_survey_prefecture (two families, one per side) and mart_survey_region_flow
-- read them.
with money as (select * from int_survey_cell_money),
counts as (select * from int_survey_cell_counts),

final as (
    select
        money.fiscal_year, money.family, money.row_code, money.column_code,
        money.paid_jpy, money.fee_jpy, money.lines_paid,
        counts.jobs_paid, counts.active_clients, counts.active_workers,
        money.paying_platforms, money.top_platform_paid_share, money.top_two_platforms_paid_share,
        least(counts.active_clients, counts.active_workers) as sdc_persons,
        money.paying_platforms as sdc_platforms,
        money.top_platform_paid_share as sdc_top_platform_share,
        money.top_two_platforms_paid_share as sdc_top_two_platforms_share
    from money
    join counts
        on  counts.fiscal_year = money.fiscal_year and counts.family = money.family
        -- null is a margin ("all")
        and counts.row_code is not distinct from money.row_code
        and counts.column_code is not distinct from money.column_code
)

select * from final
