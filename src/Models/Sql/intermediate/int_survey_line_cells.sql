-- Every combination of codes a paid line can carry (category, form, client prefecture, worker prefecture; a missing
-- prefecture is 'unknown'), with the finest cell it falls in for each survey family, as that cell's mask
-- (int_survey_cells). Lines find their cells with one hash join on their own codes against these 55,296 rows.
-- Masks are ubigint for families of up to 64 cells and uhugeint for the region flows (100 cells): OR-ing 64-bit
-- masks over millions of lines costs a third of 128-bit ones, and a family that outgrows its type fails the cast
-- loudly instead of miscounting. Key: (category, form, client_prefecture, worker_prefecture).
with finest as (select family, row_code, column_code, mask from int_survey_cells where bit is not null),
-- One relation per family before the cross join: filtering after it let DuckDB build ~27 million rows (2.9 s).
category_form as (select * from finest where family = 'category_form'),
client_side as (select * from finest where family = 'client_prefecture'),
worker_side as (select * from finest where family = 'worker_prefecture'),
region_flow as (select * from finest where family = 'region_flow'),
places as (
    select client_side.row_code as code, coalesce(ref_prefectures.region_code, 'unknown') as region_code
    from client_side
    left join ref_prefectures on ref_prefectures.code = client_side.row_code
),
-- Every (client prefecture, worker prefecture) pair with its masks, 2,304 rows, before the categories and forms join
-- in. Materialised, so the planner cannot cross join all four families first: in the mart build (fresh tables, no
-- statistics yet) it did, and this model took 6-8 s instead of a fraction of one.
prefecture_pairs as materialized (
    select
        client_side.row_code as client_prefecture,
        worker_side.row_code as worker_prefecture,
        client_side.mask as client_prefecture_mask,
        worker_side.mask as worker_prefecture_mask,
        region_flow.mask as region_flow_mask
    from client_side
    cross join worker_side
    join places as client_place on client_place.code = client_side.row_code
    join places as worker_place on worker_place.code = worker_side.row_code
    join region_flow
        on region_flow.row_code = client_place.region_code and region_flow.column_code = worker_place.region_code
),

final as (
    select
        category_form.row_code as category,
        category_form.column_code as form,
        pairs.client_prefecture,
        pairs.worker_prefecture,
        cast(category_form.mask as ubigint) as category_form_mask,
        cast(pairs.client_prefecture_mask as ubigint) as client_prefecture_mask,
        cast(pairs.worker_prefecture_mask as ubigint) as worker_prefecture_mask,
        pairs.region_flow_mask
    from category_form
    cross join prefecture_pairs as pairs
)

select * from final
