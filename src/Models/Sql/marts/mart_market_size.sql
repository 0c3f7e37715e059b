-- The market by fiscal year and form of work: posted, contracted and paid value, each in the fiscal year of its own
-- event (a line posted in March and paid in April counts in two fiscal years). The headline figure is paid_jpy.
-- One row per fiscal year x form. Key: (fiscal_year, form)
-- Persons are distinct within the row: summing active_clients / active_workers over forms overcounts people who
-- work in several forms; mart_market_size_total has the distinct counts across forms.
-- sdc_* are the inputs of the survey's disclosure rule (see int_market_size_cube).
with cube as (select * from int_market_size_cube)

select * from cube
where form is not null
order by fiscal_year, form
