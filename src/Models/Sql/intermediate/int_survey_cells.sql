-- Every cell of the survey's cross tabs, margins included, with the finest cells it covers as a bitmask.
-- Why masks: a person or job counts in a cell when any of its finest cells is in the cell's mask, so one pass that
-- ORs each unit's bits serves every margin, where count(distinct) would need a pass per grouping set.
-- Families (each at most 128 finest cells, one uhugeint):
--   category_form:      category x form
--   client_prefecture:  where the client is (47 prefectures + 'unknown'); no column
--   worker_prefecture:  where the worker is; no column
--   region_flow:        client region x worker region (9 regions + 'unknown')
-- One row per cell; a null row_code or column_code means "all". Key: (family, row_code, column_code).
-- bit is the position of a finest cell (null for margins); int_survey_line_cells maps a line's codes to its cells.
with categories as (select code, ordinal from ref_codes where list = 'category'),
forms as (select code, ordinal from ref_codes where list = 'form'),
-- JIS codes 01-47 give the order; a missing or unknown code stays visible as 'unknown' rather than vanishing
prefectures as (
    select code, cast(code as integer) - 1 as ordinal from ref_prefectures
    union all select 'unknown', (select count(*) from ref_prefectures)
),
-- R1-R9 (see Core.Domain.Region)
regions as (
    select code, ordinal from ref_regions
    union all select 'unknown', (select count(*) from ref_regions)
),

finest as (
    select 'category_form' as family, c.code as row_code, f.code as column_code,
           c.ordinal * (select count(*) from forms) + f.ordinal as bit
    from categories as c cross join forms as f
    union all
    select 'client_prefecture', code, null, ordinal from prefectures
    union all
    select 'worker_prefecture', code, null, ordinal from prefectures
    union all
    select 'region_flow', c.code, w.code, c.ordinal * (select count(*) from regions) + w.ordinal
    from regions as c cross join regions as w
),

cells as (
    select family, row_code, column_code,
           -- a cell covering a single finest cell is that cell (in a family without columns, a row's "margin")
           case when count(*) = 1 then max(bit) end as bit,
           bit_or(cast(1 as uhugeint) << cast(bit as uhugeint)) as mask
    from finest
    group by grouping sets ((family, row_code, column_code), (family, row_code), (family, column_code), (family))
)

-- distinct: in a family without columns the row "margins" repeat the finest cells
select distinct * from cells
