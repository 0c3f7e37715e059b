-- Paid value, fees and paid lines in every cell of the survey's cross tabs (int_survey_cells, margins included), with
-- how many platforms were paid in the cell and the largest one's share of its paid value (disclosure inputs): the
-- sum over platforms of int_survey_platform_cells.
-- One row per fiscal year x cell with paid lines. Key: (fiscal_year, family, row_code, column_code).
with by_platform_cell as (select * from int_survey_platform_cells)

select fiscal_year, family, row_code, column_code,
       cast(sum(paid_jpy) as bigint) as paid_jpy,
       cast(sum(fee_jpy) as bigint) as fee_jpy,
       cast(sum(lines_paid) as bigint) as lines_paid,
       count(*) as paying_platforms,
       max(paid_jpy) / nullif(sum(paid_jpy), 0) as top_platform_paid_share,
       -- the two largest platforms together: what the second-largest member knows once it subtracts its own value
       list_sum(max(paid_jpy, 2)) / nullif(sum(paid_jpy), 0) as top_two_platforms_paid_share
from by_platform_cell
group by fiscal_year, family, row_code, column_code
