-- Region-to-region flows: paid value from clients in one region to workers in another (9 regions, 'unknown' kept).
-- One row per fiscal year x client region x worker region, plus margins: a null client_region or worker_region means "all".
-- Key: (fiscal_year, client_region, worker_region). Only paid lines, in the fiscal year of payment.
-- Measures and disclosure inputs (sdc_*) are defined once, in int_survey_cross_tabs.
with cells as (select * from int_survey_cross_tabs where family = 'region_flow')

select cells.fiscal_year, cells.row_code as client_region, cells.column_code as worker_region,
       cells.* exclude (fiscal_year, family, row_code, column_code)
from cells
order by fiscal_year, client_region nulls last, worker_region nulls last
