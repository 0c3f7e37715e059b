-- One row per paid contract line, in the fiscal year of payment, with the finest cell it falls in for each survey
-- cross tab, as that cell's mask (int_survey_line_cells). Key: (platform_id, transaction_id), implicit (not stored).
-- A view: it is scanned once, by int_survey_account_cells; writing millions of lines would cost more.
with lines as (select * from stg_transactions where paid_on is not null),
line_cells as (select * from int_survey_line_cells),

placed as (
    select
        ---------- ids
        lines.paid_fiscal_year as fiscal_year,
        lines.platform_id, lines.job_id, lines.client_account_id, lines.worker_account_id,
        ---------- money (whole yen)
        lines.paid_jpy, lines.fee_jpy,
        ---------- cells
        line_cells.category_form_mask, line_cells.client_prefecture_mask,
        line_cells.worker_prefecture_mask, line_cells.region_flow_mask
    from lines
    -- Codes are validated at ingest; a line whose codes had no cell would be dropped here, and the data test on
    -- mart_market_size_total.lines_paid would fail the build.
    join line_cells
        on  line_cells.category = lines.category and line_cells.form = lines.form
        and line_cells.client_prefecture = coalesce(lines.client_prefecture, 'unknown')
        and line_cells.worker_prefecture = coalesce(lines.worker_prefecture, 'unknown')
)

select * from placed
