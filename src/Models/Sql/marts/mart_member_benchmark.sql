-- A member's benchmark: each platform's own paid value, fees and paid lines in the cells of the survey's published
-- tables (category x form with its margins, which are the market-size rows; and the region flow's margins: client
-- region and worker region), with where it stands among the platforms paid in the same cell.
-- One row per fiscal year x platform x cell in which the platform has paid lines; a null row_code or column_code is
-- "all". Key: (fiscal_year, platform_id, family, row_code, column_code). family: 'category_form' (row_code =
-- category, column_code = form) or 'region_flow' (row_code = client region with column_code null, or column_code =
-- worker region with row_code null).
-- Internal: it holds every member's figures. The benchmark workbook reads one platform's rows only, shows
-- peer_platforms never and paid_rank only as a band, when peer_platforms reaches the benchmark policy's
-- minPeersForRank (src/Reports/Disclosure/disclosure-policy.json). Market figures are not here: the workbook takes
-- them from the survey's release, published or suppressed as the survey publishes them.
with platform_cells as (select * from int_survey_platform_cells),

cells as (
    select * from platform_cells
    where family = 'category_form'
       or (family = 'region_flow' and (row_code is null) <> (column_code is null))
),

final as (
    select
        fiscal_year, platform_id, family, row_code, column_code,
        cast(paid_jpy as bigint) as paid_jpy,
        cast(fee_jpy as bigint) as fee_jpy,
        cast(lines_paid as bigint) as lines_paid,
        -- platforms paid in the cell, this one included
        count(*) over cell as peer_platforms,
        -- 1 = the largest paid value in the cell (ties share the better rank)
        rank() over (cell order by paid_jpy desc) as paid_rank
    from cells
    window cell as (partition by fiscal_year, family, row_code, column_code)
)

select * from final
order by fiscal_year, platform_id, family, row_code nulls last, column_code nulls last
