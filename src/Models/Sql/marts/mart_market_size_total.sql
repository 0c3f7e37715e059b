-- The market by fiscal year, all forms together; same measures and definitions as mart_market_size.
-- One row per fiscal year. Key: fiscal_year
-- Money and line counts equal the sums of mart_market_size's rows; active persons do not (distinct across forms).
with cube as (select * from int_market_size_cube)

select * exclude (form) from cube
where form is null
order by fiscal_year
