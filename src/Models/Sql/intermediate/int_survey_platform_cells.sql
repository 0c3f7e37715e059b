-- Paid value, fees and paid lines of each platform in every cell of the survey's cross tabs (int_survey_cells,
-- margins included): what int_survey_cell_money sums over platforms (the market's cells and their disclosure inputs)
-- and what mart_member_benchmark shows each member of its own. One definition, so a member's own figures add up to
-- the survey's cells by construction.
-- One row per fiscal year x platform x cell with paid lines. Key: (fiscal_year, platform_id, family, row_code, column_code).
-- The lines are summed by platform and codes first (int_survey_platform_codes, kept between builds), then placed in
-- their cells: grouping by the codes costs less than looking up every line's cells.
with by_codes as (select * from int_survey_platform_codes where in_refreshed_years(fiscal_year)),
line_cells as (select * from int_survey_line_cells),
cells as (select family, row_code, column_code, mask from int_survey_cells),

by_finest_cells as (
    select by_codes.fiscal_year, by_codes.platform_id,
           line_cells.category_form_mask, line_cells.client_prefecture_mask,
           line_cells.worker_prefecture_mask, line_cells.region_flow_mask,
           by_codes.paid_jpy, by_codes.fee_jpy, by_codes.lines_paid
    from by_codes
    join line_cells using (category, form, client_prefecture, worker_prefecture)
),

by_family as (
    select fiscal_year, platform_id, family, mask,
           sum(paid_jpy) as paid_jpy, sum(fee_jpy) as fee_jpy, sum(lines_paid) as lines_paid
    from (
        select *, 'category_form' as family, category_form_mask as mask from by_finest_cells
        union all by name select *, 'client_prefecture' as family, client_prefecture_mask as mask from by_finest_cells
        union all by name select *, 'worker_prefecture' as family, worker_prefecture_mask as mask from by_finest_cells
        union all by name select *, 'region_flow' as family, region_flow_mask as mask from by_finest_cells
    )
    group by fiscal_year, platform_id, family, mask
),

-- A line is in every cell that covers its finest cell.
by_platform_cell as (
    select b.fiscal_year, b.platform_id, c.family, c.row_code, c.column_code,
           sum(b.paid_jpy) as paid_jpy, sum(b.fee_jpy) as fee_jpy, sum(b.lines_paid) as lines_paid
    from by_family as b
    join cells as c on c.family = b.family and c.mask & b.mask <> 0
    group by all
)

select * from by_platform_cell
