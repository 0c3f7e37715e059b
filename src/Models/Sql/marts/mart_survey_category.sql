-- Category mix: paid value, fees, paid lines, paid jobs and active persons by work category and form of work.
-- One row per fiscal year x category x form, plus margins: a null category or form means "all".
-- Key: (fiscal_year, category, form). Only paid lines, in the fiscal year of payment.
-- Measures and disclosure inputs (sdc_*) are defined once, in int_survey_cross_tabs.
with cells as (select * from int_survey_cross_tabs where family = 'category_form')

select cells.fiscal_year, cells.row_code as category, cells.column_code as form, cells.* exclude (fiscal_year, family, row_code, column_code)
from cells
order by fiscal_year, category nulls last, form nulls last
