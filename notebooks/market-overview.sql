-- A first look at a loaded database, one question per query. Run any of them with
--   dotnet run --project src/Cli -- sql "<query>" --db data/demo/demo.duckdb
-- A test executes every query in this file against the demo database, so they stay runnable.

-- What has been loaded, from whom, and in which encoding?
select platform_id, record_kind, export_period, export_revision, source_format, row_count
from ingest_files where superseded_by is null order by platform_id, record_kind, export_period;

-- What was refused, and why (the full report is beside the quarantined file)?
select platform_id, source_name, error_count, first_error from ingest_rejections order by rejected_at;

-- The headline: paid value per fiscal year, with posted and contracted value kept apart.
select fiscal_year, posted_jpy, contracted_jpy, paid_jpy, fee_jpy, active_clients, active_workers
from mart_market_size_total order by fiscal_year;

-- Which forms of work carry the money?
select fiscal_year, form, paid_jpy, round(100.0 * paid_jpy / sum(paid_jpy) over (partition by fiscal_year), 1) as share_pct
from mart_market_size order by fiscal_year, paid_jpy desc;

-- How much double registration did linkage find (keyed hashes and Bloom-filter encodings)?
select kind, count(*) as accounts, count(distinct person_id) as persons,
       round(1 - count(distinct person_id) / count(*), 3) as duplicate_share
from int_account_persons group by kind order by kind;

-- Which decisions linked accounts (exact keyed hash or fuzzy encoding), and how strongly? The evidence per link is in `rule`.
select kind, split_part(rule, ';', 1) as decision, count(*) as links, round(avg(score), 1) as mean_score
from int_account_links group by all order by kind, links desc;
