-- Every combination of codes a paid line can carry (category, form, client prefecture, worker prefecture; a missing
-- prefecture is 'unknown'), with the finest cell it falls in for each survey family, as that cell's mask
-- (int_survey_cells). Lines find their cells with one hash join on their own codes against these 55,296 rows.
-- Masks are ubigint for families of up to 64 cells and uhugeint for the region flows (100 cells): OR-ing 64-bit
-- masks over millions of lines costs a third of 128-bit ones, and a family that outgrows its type fails the cast
-- loudly instead of miscounting. Key: (category, form, client_prefecture, worker_prefecture).
with finest as (select family, row_code, column_code, mask from int_survey_cells where bit is not null),
places as (
    select finest.row_code as code, coalesce(ref_prefectures.region_code, 'unknown') as region_code
    from finest
    left join ref_prefectures on ref_prefectures.code = finest.row_code
    where finest.family = 'client_prefecture'
),

final as (
    select
        category_form.row_code as category,
        category_form.column_code as form,
        client_side.row_code as client_prefecture,
        worker_side.row_code as worker_prefecture,
        cast(category_form.mask as ubigint) as category_form_mask,
        cast(client_side.mask as ubigint) as client_prefecture_mask,
        cast(worker_side.mask as ubigint) as worker_prefecture_mask,
        region_flow.mask as region_flow_mask
    from finest as category_form
    cross join finest as client_side
    cross join finest as worker_side
    join places as client_place on client_place.code = client_side.row_code
    join places as worker_place on worker_place.code = worker_side.row_code
    join finest as region_flow
        on region_flow.family = 'region_flow'
        and region_flow.row_code = client_place.region_code and region_flow.column_code = worker_place.region_code
    where category_form.family = 'category_form' and client_side.family = 'client_prefecture' and worker_side.family = 'worker_prefecture'
)

select * from final
