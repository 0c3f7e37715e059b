using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>The intermediate and mart models over staging and linkage, in build order, with their data tests: what reports read.</summary>
public static class MartModels
{
    private static readonly System.Reflection.Assembly Owner = typeof(MartModels).Assembly;

    public static readonly SqlModel[] Models =
    [
        // The survey's cross tabs (category x form, prefecture x side, region x region), margins included. Distinct
        // persons and jobs are counted through cell bitmasks (see int_survey_cells), not count(distinct) per margin.
        SqlModel.Table(Owner, "intermediate/int_survey_cells.sql"),
        SqlModel.Table(Owner, "intermediate/int_survey_line_cells.sql"),
        SqlModel.View(Owner, "intermediate/int_survey_paid_lines.sql"),
        // Running totals (see RunningTotals): the only models that read the lines, each reducing them to accounts, jobs
        // or code groups per fiscal year and platform; stored, so a refresh adds only the new lines' rows.
        SqlModel.Table(Owner, "intermediate/int_survey_paid_ids.sql"),
        // Reads int_survey_paid_ids only: in a refresh, the rows the new lines added to it.
        SqlModel.Table(Owner, "intermediate/int_survey_person_cells.sql"),
        SqlModel.Table(Owner, "intermediate/int_survey_platform_codes.sql"),
        SqlModel.Table(Owner, "intermediate/int_job_events.sql"),
        SqlModel.Table(Owner, "intermediate/int_rate_code_groups.sql"),
        SqlModel.Table(Owner, "intermediate/int_rate_accounts.sql"),
        // Temporary: read only by the models below; writing them to the file would cost more than computing them.
        SqlModel.TempTable(Owner, "intermediate/int_survey_platform_cells.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_survey_cell_money.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_survey_account_cells.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_survey_cell_counts.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_survey_cross_tabs.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_market_size_cube.sql"),
        // Each worker account with its registration's profile, and each active worker (person) with one profile and
        // their year's pay: who works, and the pay distribution, count the same persons.
        SqlModel.TempTable(Owner, "intermediate/int_survey_worker_accounts.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_survey_worker_persons.sql"),
        // Distributions (value per job, pay per worker) as ranked units; only their aggregates become marts.
        SqlModel.TempTable(Owner, "intermediate/int_survey_distribution_units.sql"),
        SqlModel.TempTable(Owner, "intermediate/int_survey_client_type_accounts.sql"),
        SqlModel.Table(Owner, "marts/mart_market_size.sql"),
        SqlModel.Table(Owner, "marts/mart_market_size_total.sql"),
        // The yearly survey: one mart per report.
        SqlModel.Table(Owner, "marts/mart_survey_category.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_prefecture.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_region_flow.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_workers.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_coverage.sql"),
        // Accounts vs unique persons by platform-count band (the survey's own; mart_registered_persons is linkage's).
        SqlModel.Table(Owner, "marts/mart_survey_registered_persons.sql"),
        // Distributions and rates: cells with their disclosure inputs, quantiles as window means, value bands, the top
        // 10%'s share of pay, cancellation and dispute rates, paid value by client type.
        SqlModel.Table(Owner, "marts/mart_survey_distribution_cells.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_quantiles.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_value_bands.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_top_shares.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_rates.sql"),
        SqlModel.Table(Owner, "marts/mart_survey_client_types.sql"),
        // A member's benchmark: each platform's own figures in the survey's published cells (read one platform at a time).
        SqlModel.Table(Owner, "marts/mart_member_benchmark.sql"),
        // Each member's own part of every survey money cell: the survey's disclosure control attacks as each member.
        SqlModel.Table(Owner, "marts/mart_survey_platform_contributions.sql"),
    ];

    /// <summary>
    /// The models whose rows a refresh adds to instead of recomputing (<see cref="MartPartitions"/>): each groups lines
    /// by its key with sums, counts, bitwise ORs and minimums only, so its rows over all lines equal its rows over the
    /// old lines combined with those over the new ones. Columns not named are summed. One may read an earlier one
    /// instead of the lines (grouping its rows the same way): a refresh gives it that one's rows of the new lines.
    /// </summary>
    private static readonly string[] SurveyCellMasks = ["category_form_mask", "client_prefecture_mask", "worker_prefecture_mask", "region_flow_mask"];

    public static readonly RunningTotal[] RunningTotals =
    [
        new("int_survey_paid_ids", ["fiscal_year", "platform_id", "kind", "id"], BitOr: SurveyCellMasks),
        new("int_survey_person_cells", ["fiscal_year", "kind", "person_key"], BitOr: SurveyCellMasks),
        new("int_survey_platform_codes", ["fiscal_year", "platform_id", "category", "form", "client_prefecture", "worker_prefecture"]),
        new("int_job_events", ["event", "fiscal_year", "platform_id", "job_id", "form"], Min: ["client_account_id"]),
        new("int_rate_code_groups", ["posted_fiscal_year", "contracted_fiscal_year", "platform_id", "form", "category"]),
        new("int_rate_accounts", ["rate", "fiscal_year", "platform_id", "kind", "account_id"], BitOr: ["mask"]),
    ];

    /// <summary>
    /// Researchers' extracts: line-level events with every dimension an extract may ask for (a view: each extract
    /// aggregates it once, in DuckDB, with its own grouping sets). A group of its own, built by the extract step only:
    /// its data test reads every line, which the survey should not pay for. Built after the report marts (the test
    /// reconciles with mart_market_size_total).
    /// </summary>
    public static readonly SqlModel[] ExtractModels =
    [
        SqlModel.View(Owner, "marts/mart_extract_lines.sql"),
    ];

    public static readonly DataTest[] ExtractTests =
    [
        // Every event of the extract base equals the market size's figures, per fiscal year (nothing lost or doubled
        // by the joins to registrations and persons).
        new("mart_extract_lines per fiscal year equals mart_market_size_total (posted, contracted, paid, fee, lines)",
            """
            select t.fiscal_year
            from mart_market_size_total as t
            left join (
                select fiscal_year,
                       sum(amount_jpy) filter (where event = 'posted') as posted_jpy,
                       sum(amount_jpy) filter (where event = 'contracted') as contracted_jpy,
                       count(*) filter (where event = 'contracted') as lines_contracted,
                       sum(amount_jpy) filter (where event = 'paid') as paid_jpy,
                       sum(fee_jpy) filter (where event = 'paid') as fee_jpy,
                       count(*) filter (where event = 'paid') as lines_paid
                from mart_extract_lines group by fiscal_year
            ) as e using (fiscal_year)
            where coalesce(e.posted_jpy, 0) <> t.posted_jpy or coalesce(e.contracted_jpy, 0) <> t.contracted_jpy
               or coalesce(e.lines_contracted, 0) <> t.lines_contracted or coalesce(e.paid_jpy, 0) <> t.paid_jpy
               or coalesce(e.fee_jpy, 0) <> t.fee_jpy or coalesce(e.lines_paid, 0) <> t.lines_paid
            """),
    ];

    /// <summary>
    /// The linkage marts: registered and active unique persons per fiscal year, platform and prefecture. Built apart
    /// from the report marts (by <c>link</c> and the build-marts job), because no published report reads them and
    /// the survey should not wait for them.
    /// </summary>
    public static readonly SqlModel[] LinkageModels =
    [
        SqlModel.Table(Owner, "intermediate/int_paid_accounts.sql"),
        // Registrations and persons only: a refresh after transaction files keeps them (see MartPartitions). Every
        // registered account with its person, read by the two below instead of each joining them again.
        SqlModel.Table(Owner, "intermediate/int_registered_accounts.sql"),
        SqlModel.Table(Owner, "intermediate/int_registered_starts.sql"),
        SqlModel.Table(Owner, "marts/mart_registered_persons.sql"),
    ];

    /// <summary>The linkage marts' running total (see <see cref="RunningTotals"/>): the paid accounts.</summary>
    public static readonly RunningTotal[] LinkageRunningTotals =
    [
        new("int_paid_accounts", ["fiscal_year", "platform_id", "kind", "account_id"]),
    ];

    public static readonly DataTest[] LinkageTests =
    [
        DataTest.Unique("mart_registered_persons", "fiscal_year, kind, slice, platform_id, prefecture"),
        DataTest.Holds("mart_registered_persons", "unique_active_persons <= unique_registered_persons and unique_registered_persons <= registered_accounts"),
    ];

    private const string MarketSizeMeasuresHold =
        "jobs_posted >= 0 and posted_jpy >= 0 and lines_contracted >= 0 and contracted_jpy >= 0"
        + " and lines_paid >= 0 and paid_jpy >= 0 and fee_jpy >= 0 and fee_jpy <= paid_jpy"
        // every active person has at least one paid line of their own in the row
        + " and active_clients <= lines_paid and active_workers <= lines_paid";

    private const string SurveyCellHolds =
        "paid_jpy >= 0 and lines_paid > 0 and active_clients between 1 and lines_paid and active_workers between 1 and lines_paid"
        + " and sdc_platforms >= 1 and sdc_top_platform_share > 0 and sdc_top_platform_share <= sdc_top_two_platforms_share and sdc_top_two_platforms_share <= 1";

    /// <summary>The distributions' and rates' marts: keys, and that they count what the survey's tables count.</summary>
    private static readonly DataTest[] DistributionTests =
    [
        DataTest.Unique("mart_survey_distribution_cells", "fiscal_year, distribution, row_code, column_code"),
        DataTest.Unique("mart_survey_quantiles", "fiscal_year, distribution, row_code, column_code, quantile"),
        DataTest.Unique("mart_survey_value_bands", "fiscal_year, distribution, row_code, column_code, band"),
        DataTest.Unique("mart_survey_top_shares", "fiscal_year, row_code, column_code"),
        DataTest.Unique("mart_survey_rates", "fiscal_year, rate, dimension, row_code"),
        DataTest.Unique("mart_survey_client_types", "fiscal_year, client_type"),
        // Value bands and distribution cells count a worker-pay unit as one person (no distinct count over the units).
        // int_survey_worker_persons has one row per year and person (its group by), and unnests each into four cells that
        // are distinct while neither profile field is null: tested there, on a quarter of the rows the units hold
        // (the units' own unique test cost 0.2 s of a one-file refresh at 10M transactions).
        DataTest.Holds("int_survey_worker_persons", "profile.age_band is not null and profile.gender is not null"),
        // a window mean lies within the cell's values, and a window holds at least its persons
        DataTest.Holds("mart_survey_quantiles", "value_jpy is null or (value_jpy >= 0 and window_units >= window_persons and window_persons >= 5)"),
        DataTest.Holds("mart_survey_top_shares", "top_units between 1 and units and top_share between 0 and 1"),
        DataTest.Holds("mart_survey_rates", "events between 0 and lines and lines > 0 and sdc_platforms >= 1"),
        // Every unit falls in exactly one band: the bands of a cell add up to the cell.
        new("mart_survey_value_bands add up to mart_survey_distribution_cells.units",
            """
            select c.fiscal_year, c.distribution, c.row_code, c.column_code
            from mart_survey_distribution_cells as c
            left join (select fiscal_year, distribution, row_code, column_code, sum(units) as units from mart_survey_value_bands group by all) as b
                on b.fiscal_year = c.fiscal_year and b.distribution = c.distribution
               and b.row_code is not distinct from c.row_code and b.column_code is not distinct from c.column_code
            where b.units is distinct from c.units
            """),
        // The pay distribution counts the persons who works counts; the job distribution each form's paid jobs, and
        // over all forms their sum (a job paid in two forms would be a unit in each: the bands must add up over forms).
        new("mart_survey_distribution_cells counts the survey's active workers and each form's paid jobs",
            """
            select d.fiscal_year, d.distribution, d.row_code, d.column_code
            from mart_survey_distribution_cells as d
            left join mart_survey_workers as w
                on d.distribution = 'worker_pay' and w.fiscal_year = d.fiscal_year
               and w.age_band is not distinct from d.row_code and w.gender is not distinct from d.column_code
            left join mart_survey_category as c
                on d.distribution = 'job_value' and c.fiscal_year = d.fiscal_year and c.category is null and c.form is not distinct from d.row_code
            left join (select fiscal_year, sum(units) as units from mart_survey_distribution_cells
                       where distribution = 'job_value' and row_code is not null group by all) as f
                on d.distribution = 'job_value' and d.row_code is null and f.fiscal_year = d.fiscal_year
            where (d.distribution = 'worker_pay' and (w.active_workers is distinct from d.units or w.paid_jpy is distinct from d.value_jpy))
               or (d.distribution = 'job_value' and c.paid_jpy is distinct from d.value_jpy)
               or (d.distribution = 'job_value' and d.row_code is not null and c.jobs_paid is distinct from d.units)
               or (d.distribution = 'job_value' and d.row_code is null and f.units is distinct from d.units)
            """),
        new("mart_survey_client_types over all types equals the year's paid value",
            """
            select t.fiscal_year
            from mart_market_size_total as t
            left join (select fiscal_year, paid_jpy from mart_survey_client_types where client_type is null) as c using (fiscal_year)
            left join (select fiscal_year, sum(paid_jpy) as paid_jpy from mart_survey_client_types where client_type is not null group by all) as s using (fiscal_year)
            where t.lines_paid > 0 and (c.paid_jpy is distinct from t.paid_jpy or s.paid_jpy is distinct from t.paid_jpy)
            """),
    ];

    public static readonly DataTest[] Tests =
    [
        DataTest.Unique("int_survey_cells", "family, row_code, column_code"),
        DataTest.Unique("int_survey_line_cells", "category, form, client_prefecture, worker_prefecture"),
        // Every paid line reaches the survey's tables: none lost to an unexpected code (the cross tabs' cells join
        // lines by their codes) and none doubled.
        new("mart_market_size_total.lines_paid equals the paid lines in stg_transactions, per fiscal year",
            """
            select *
            from (select paid_fiscal_year as fiscal_year, count(*) as staged from stg_transactions where paid_on is not null group by all) as s
            full join (select fiscal_year, lines_paid from mart_market_size_total where lines_paid > 0) as t using (fiscal_year)
            where t.lines_paid is distinct from s.staged
            """),
        // The link to persons and registrations must not fan out: each kind of unit carries every paid yen once.
        new("int_survey_account_cells carries each fiscal year's paid value once per kind",
            """
            select a.fiscal_year, a.kind
            from (select fiscal_year, kind, sum(paid_jpy) as paid_jpy from int_survey_account_cells group by all) as a
            join mart_market_size_total as t using (fiscal_year)
            -- a paid line without a worker pays no worker
            where case a.kind when 'worker' then a.paid_jpy > t.paid_jpy else a.paid_jpy <> t.paid_jpy end
            """),
        DataTest.Unique("mart_survey_category", "fiscal_year, category, form"),
        DataTest.Holds("mart_survey_category", SurveyCellHolds + " and fee_jpy <= paid_jpy and jobs_paid <= lines_paid"),
        DataTest.Unique("mart_survey_prefecture", "fiscal_year, side, prefecture"),
        DataTest.Holds("mart_survey_prefecture", SurveyCellHolds + " and side in ('client', 'worker')"),
        DataTest.Unique("mart_survey_region_flow", "fiscal_year, client_region, worker_region"),
        DataTest.Holds("mart_survey_region_flow", SurveyCellHolds),
        DataTest.Unique("mart_survey_workers", "fiscal_year, age_band, gender"),
        DataTest.Holds("mart_survey_workers", "active_workers > 0 and sdc_top_platform_share > 0 and sdc_top_platform_share <= sdc_top_two_platforms_share and sdc_top_two_platforms_share <= 1"),
        DataTest.Unique("mart_survey_coverage", "platform_id, fiscal_year"),
        DataTest.Unique("mart_survey_registered_persons", "fiscal_year, kind, platform_band"),
        DataTest.Holds("mart_survey_registered_persons",
            "unique_active_persons <= unique_registered_persons and unique_registered_persons <= registered_accounts and active_platforms <= registered_platforms and sdc_top_two_platforms_share <= 1"),
        // The bands partition the persons and their accounts: each measure of the bands adds up to the all-bands row.
        new("mart_survey_registered_persons bands add up to their all-bands row",
            """
            select a.fiscal_year, a.kind
            from (select * from mart_survey_registered_persons where platform_band is null) as a
            join (select fiscal_year, kind, sum(registered_accounts) as accounts, sum(unique_registered_persons) as persons,
                         sum(unique_active_persons) as active
                  from mart_survey_registered_persons where platform_band is not null group by all) as b using (fiscal_year, kind)
            where a.registered_accounts <> b.accounts or a.unique_registered_persons <> b.persons or a.unique_active_persons <> b.active
            """),
        .. DistributionTests,
        DataTest.Holds("mart_survey_coverage", "covered_days between 1 and fiscal_year_days"),
        // Every paid yen lands in each survey table's grand total, and that equals the market-size headline.
        new("survey grand totals equal mart_market_size_total.paid_jpy",
            """
            select t.fiscal_year
            from mart_market_size_total as t
            left join (select fiscal_year, paid_jpy from mart_survey_category where category is null and form is null) as c using (fiscal_year)
            left join (select fiscal_year, paid_jpy from mart_survey_region_flow where client_region is null and worker_region is null) as f using (fiscal_year)
            left join (select fiscal_year, paid_jpy from mart_survey_prefecture where side = 'client' and prefecture is null) as pc using (fiscal_year)
            left join (select fiscal_year, paid_jpy from mart_survey_prefecture where side = 'worker' and prefecture is null) as pw using (fiscal_year)
            left join (select fiscal_year, paid_jpy from mart_survey_workers where age_band is null and gender is null) as w using (fiscal_year)
            where t.lines_paid > 0 and (c.paid_jpy is distinct from t.paid_jpy or f.paid_jpy is distinct from t.paid_jpy
               or pc.paid_jpy is distinct from t.paid_jpy or pw.paid_jpy is distinct from t.paid_jpy or w.paid_jpy is distinct from t.paid_jpy)
            """),
        new("survey active persons equal mart_market_size_total's",
            """
            select t.fiscal_year
            from mart_market_size_total as t
            join mart_survey_category as c on c.fiscal_year = t.fiscal_year and c.category is null and c.form is null
            join mart_survey_workers as w on w.fiscal_year = t.fiscal_year and w.age_band is null and w.gender is null
            where c.active_clients <> t.active_clients or c.active_workers <> t.active_workers or w.active_workers <> t.active_workers
            """),
        DataTest.Unique("mart_member_benchmark", "fiscal_year, platform_id, family, row_code, column_code"),
        DataTest.Unique("mart_survey_platform_contributions", "fiscal_year, platform_id, family, row_code, column_code"),
        DataTest.Holds("mart_survey_platform_contributions", "paid_jpy >= 0"),
        DataTest.Holds("mart_member_benchmark",
            "paid_jpy >= 0 and lines_paid > 0 and fee_jpy <= paid_jpy and paid_rank between 1 and peer_platforms and family in ('category_form', 'region_flow')"),
        // A member's own figures add up to the survey's cells: summed over platforms, each cell is the market's.
        new("mart_member_benchmark summed over platforms equals the survey's category and region-flow cells",
            """
            select b.fiscal_year, b.family, b.row_code, b.column_code
            from (select fiscal_year, family, row_code, column_code, sum(paid_jpy) as paid_jpy, sum(lines_paid) as lines_paid,
                         count(*) as platforms, max(peer_platforms) as peers
                  from mart_member_benchmark group by all) as b
            left join (select fiscal_year, 'category_form' as family, category as row_code, form as column_code, paid_jpy, lines_paid, sdc_platforms
                       from mart_survey_category
                       union all
                       select fiscal_year, 'region_flow', client_region, worker_region, paid_jpy, lines_paid, sdc_platforms
                       from mart_survey_region_flow where (client_region is null) <> (worker_region is null)) as s
                on s.fiscal_year = b.fiscal_year and s.family = b.family
               and s.row_code is not distinct from b.row_code and s.column_code is not distinct from b.column_code
            where s.paid_jpy is distinct from b.paid_jpy or s.lines_paid is distinct from b.lines_paid
               or s.sdc_platforms is distinct from b.platforms or b.peers <> b.platforms
            """),
        DataTest.Unique("mart_market_size", "fiscal_year, form"),
        DataTest.NotNull("mart_market_size", "fiscal_year"),
        DataTest.Holds("mart_market_size", MarketSizeMeasuresHold),
        DataTest.Unique("mart_market_size_total", "fiscal_year"),
        DataTest.NotNull("mart_market_size_total", "fiscal_year"),
        DataTest.Holds("mart_market_size_total", MarketSizeMeasuresHold),
        new("mart_market_size_total equals the sum of mart_market_size over forms (money and lines)",
            """
            select t.fiscal_year
            from mart_market_size_total as t
            full join (
                select fiscal_year, sum(posted_jpy) as posted_jpy, sum(lines_contracted) as lines_contracted,
                       sum(contracted_jpy) as contracted_jpy, sum(lines_paid) as lines_paid,
                       sum(paid_jpy) as paid_jpy, sum(fee_jpy) as fee_jpy,
                       max(active_clients) as max_clients, sum(active_clients) as sum_clients,
                       max(active_workers) as max_workers, sum(active_workers) as sum_workers
                from mart_market_size group by fiscal_year
            ) as f using (fiscal_year)
            where t.posted_jpy is distinct from f.posted_jpy
               or t.lines_contracted is distinct from f.lines_contracted
               or t.contracted_jpy is distinct from f.contracted_jpy
               or t.lines_paid is distinct from f.lines_paid
               or t.paid_jpy is distinct from f.paid_jpy
               or t.fee_jpy is distinct from f.fee_jpy
               or t.active_clients not between f.max_clients and f.sum_clients
               or t.active_workers not between f.max_workers and f.sum_workers
            """),
    ];
}
