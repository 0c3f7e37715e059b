-- One row per paid contract line, in the fiscal year of payment, with the finest cell it falls in for each survey
-- cross tab, as that cell's mask (int_survey_cells): ubigint for families of up to 64 cells, uhugeint for the region
-- flows (100 cells); OR-ing 64-bit masks over millions of lines costs a third of 128-bit ones. A family that outgrows
-- its type fails the cast loudly instead of miscounting.
-- Key: (platform_id, transaction_id), implicit (not stored). A view: its two readers scan it once each, which costs
-- less than writing millions of lines. Every lookup is a hash join on the line's own codes against a few dozen rows.
with lines as (select * from stg_transactions where paid_on is not null),
finest as (select family, row_code, column_code, mask from int_survey_cells where bit is not null),

category_form as (select row_code as category, column_code as form, cast(mask as ubigint) as mask from finest where family = 'category_form'),
-- each prefecture's cell on the client side and on the worker side, and its region
places as (
    select client_side.row_code as code, coalesce(ref_prefectures.region_code, 'unknown') as region_code,
           cast(client_side.mask as ubigint) as client_mask, cast(worker_side.mask as ubigint) as worker_mask
    from finest as client_side
    join finest as worker_side on worker_side.family = 'worker_prefecture' and worker_side.row_code = client_side.row_code
    left join ref_prefectures on ref_prefectures.code = client_side.row_code
    where client_side.family = 'client_prefecture'
),
-- a missing or unknown prefecture code lands in the 'unknown' row rather than vanishing from a margin
unknown_place as (select * from places where code = 'unknown'),
region_flow as (select row_code as client_region, column_code as worker_region, mask from finest where family = 'region_flow'),

placed as (
    select
        ---------- ids
        lines.paid_fiscal_year as fiscal_year,
        lines.platform_id, lines.job_id, lines.client_account_id, lines.worker_account_id,
        ---------- money (whole yen)
        lines.paid_jpy, lines.fee_jpy,
        ---------- cells
        category_form.mask as category_form_mask,
        coalesce(client_place.client_mask, (select client_mask from unknown_place)) as client_prefecture_mask,
        coalesce(worker_place.worker_mask, (select worker_mask from unknown_place)) as worker_prefecture_mask,
        coalesce(client_place.region_code, 'unknown') as client_region,
        coalesce(worker_place.region_code, 'unknown') as worker_region
    from lines
    join category_form on category_form.category = lines.category and category_form.form = lines.form
    left join places as client_place on client_place.code = lines.client_prefecture
    left join places as worker_place on worker_place.code = lines.worker_prefecture
)

select placed.* exclude (client_region, worker_region), region_flow.mask as region_flow_mask
from placed
join region_flow using (client_region, worker_region)
