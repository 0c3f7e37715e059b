using System.Globalization;
using MarketStats.Core.Diagnostics;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>Whether the survey year's data can be read as a whole year.</summary>
public enum YearStatus
{
    Complete,
    /// <summary>Some data, but the year is not over or not every platform's exports cover it: figures are not a year's.</summary>
    Partial,
    /// <summary>No paid line in the fiscal year: the workbook says so rather than print zeros.</summary>
    Empty,
}

/// <summary>Days of the fiscal year one platform's current transaction exports cover.</summary>
public sealed record PlatformCoverage(string PlatformId, DateOnly From, DateOnly To, long CoveredDays, long FiscalYearDays)
{
    public bool Complete => CoveredDays >= FiscalYearDays;
}

/// <summary>One current (not superseded) export file from the ingest manifest.</summary>
public sealed record Deliveries(string RecordKind, long Files, long Platforms);


/// <summary>Everything the survey workbook and charts show for one fiscal year, read from the marts (aggregates only).</summary>
public sealed class SurveyData
{
    public required int FiscalYear { get; init; }
    public required DateOnly Today { get; init; }
    /// <summary>Market size for every fiscal year up to the survey year (the trend and year-on-year growth).</summary>
    public required MarketSizeData MarketSize { get; init; }
    /// <summary>Disclosure control on the market-size rows of every fiscal year with data (the market-size workbook
    /// published beside the survey shows them all), keyed by (fiscal year, form); null form is all forms.</summary>
    public required IReadOnlyDictionary<(int, string?), Suppression> MarketSizeSuppression { get; init; }
    /// <summary>Category × form, one cube per fiscal year up to the survey year.</summary>
    public required IReadOnlyList<SurveyCube> CategoryByYear { get; init; }
    /// <summary>Prefecture × side ('client' / 'worker') for the survey year.</summary>
    public required SurveyCube Prefectures { get; init; }
    /// <summary>Client region × worker region for the survey year.</summary>
    public required SurveyCube Flows { get; init; }
    /// <summary>Age band × gender of active workers for the survey year.</summary>
    public required SurveyCube Workers { get; init; }
    public required IReadOnlyList<PlatformCoverage> Coverage { get; init; }
    /// <summary>Files loaded per record kind, counted over all members: never per member (a registrations file's rows are
    /// that member's sign-ups). The per-file manifest (platform, period, revision, SHA-256) stays in <c>ingest_files</c>.</summary>
    public required IReadOnlyList<Deliveries> Files { get; init; }
    public required LinkageFigures Linkage { get; init; }
    /// <summary>The release these tables were published in (cells, relations and the solved statuses by canonical key):
    /// what a member's benchmark reads its market cells from, and what an attack audit replays. Null only for data
    /// assembled in memory.</summary>
    public SurveyRelease? Release { get; init; }
    /// <summary>Accounts vs persons, the whole market (estimate) and like-for-like growth; null only for data assembled in memory.</summary>
    public SurveyMarket? Market { get; init; }
    /// <summary>The year's distributions (value per job, pay per worker) and rates, their cells solved with the release.
    /// Null only for data assembled in memory.</summary>
    public SurveyDistributions? Distributions { get; init; }
    /// <summary>How long disclosure control (complements and the attack audit) took over the release.</summary>
    public required double DisclosureSeconds { get; init; }

    public SurveyCube Categories => CategoryByYear.Single(c => c.FiscalYear == FiscalYear);

    public MarketSizeFigures? Headline => MarketSize.Total(FiscalYear) is { LinesPaid: > 0 } total ? total : null;

    public YearStatus Status =>
        Headline is null ? YearStatus.Empty
        : Today <= Core.Domain.FiscalYear.End(FiscalYear) || Coverage.Count == 0 || Coverage.Any(c => !c.Complete) ? YearStatus.Partial
        : YearStatus.Complete;

    public bool IsPublished(int fiscalYear, string? form) =>
        MarketSizeSuppression.GetValueOrDefault((fiscalYear, form), Suppression.None) == Suppression.None;

    /// <summary>Share of clients' paid value from clients outside Tokyo (13); null when Tokyo's cell is suppressed or there is no value.</summary>
    public double? ShareOutsideTokyo
    {
        get
        {
            var national = Prefectures.Get(null, "client");
            var tokyo = Prefectures.Get(TokyoCode, "client");
            if (national is not { Published: true, PaidJpy: > 0 }) return null;
            if (tokyo is null) return 1.0;
            return tokyo.Published ? (national.PaidJpy - tokyo.PaidJpy) / (double)national.PaidJpy : null;
        }
    }

    public const string TokyoCode = "13";

    /// <summary>The phases <see cref="Read"/> reports in its timings.</summary>
    public const string ReadPhase = "survey: read marts and build the release", SolvePhase = "survey: disclosure control",
        MipPhase = "survey: disclosure control: MIP (summed over parts)", AuditPhase = "survey: disclosure control: audit rounds (summed over parts)";

    /// <summary>Reads the survey year from the marts (built beforehand by the pipeline).</summary>
    /// <param name="timings">Where the time went (<c>report survey --trace</c>), when given.</param>
    public static SurveyData Read(Warehouse warehouse, int fiscalYear, DateOnly today, PhaseTimings? timings = null)
    {
        var read = timings?.Measure(ReadPhase);
        var all = MarketSizeData.Read(warehouse);
        var marketSize = new MarketSizeData(
            [.. all.ByForm.Where(f => f.FiscalYear <= fiscalYear)], [.. all.Totals.Where(t => t.FiscalYear <= fiscalYear)]);
        var years = all.FiscalYears.Contains(fiscalYear) ? all.FiscalYears : [.. all.FiscalYears, fiscalYear];
        var categories = years.Select(y => ReadCategories(warehouse, y)).ToList();
        var prefectures = SurveyCube.Read(warehouse, "mart_survey_prefecture", "prefecture", "side", fiscalYear);
        var flows = SurveyCube.Read(warehouse, "mart_survey_region_flow", "client_region", "worker_region", fiscalYear);
        var workers = SurveyCube.Read(warehouse, "mart_survey_workers", "age_band", "gender", fiscalYear);

        // One release: the survey's tables and the market-size workbook published beside it, every year of it.
        var release = new SurveyRelease(DisclosurePolicy.Survey);
        foreach (var cube in categories) release.AddCategories(cube);
        release.AddMarketSize(all);
        release.AddPrefectures(prefectures);
        release.AddFlows(flows);
        release.AddWorkers(workers);
        var distributions = SurveyDistributions.Read(warehouse, fiscalYear, release, DisclosurePolicy.Survey);
        release.AddContributions(ReadContributions(warehouse, fiscalYear));
        var market = SurveyMarket.Read(warehouse, fiscalYear);
        market.AddTo(release);
        var coverage = ReadCoverage(warehouse, fiscalYear);
        var files = ReadFiles(warehouse);
        var linkage = ReadLinkage(warehouse);
        read?.Dispose();

        ReleaseSuppression.SolveReport solved;
        using (timings?.Measure(SolvePhase))
            solved = release.Solve();
        timings?.Add(MipPhase, solved.InMip);
        timings?.Add(AuditPhase, solved.InAudit);
        var marketSizeStatus = release.MarketSizeStatus();
        market.Resolve(release.Status, year => marketSizeStatus.GetValueOrDefault((year, null), Suppression.None) == Suppression.None, DisclosurePolicy.Survey);
        distributions.ApplyRelease(release);
        return new SurveyData
        {
            DisclosureSeconds = solved.Elapsed.TotalSeconds,
            Release = release,
            FiscalYear = fiscalYear,
            Today = today,
            MarketSize = marketSize,
            MarketSizeSuppression = marketSizeStatus,
            Market = market,
            CategoryByYear = [.. categories.Where(c => c.FiscalYear <= fiscalYear)],
            Prefectures = prefectures,
            Flows = flows,
            Workers = workers,
            Distributions = distributions,
            Coverage = coverage,
            Files = files,
            Linkage = linkage,
        };
    }

    /// <summary>The market-size rows' disclosure control when no survey is published with them: every year's
    /// category table and market-size rows, solved as one release.</summary>
    public static IReadOnlyDictionary<(int, string?), Suppression> MarketSizeRelease(Warehouse warehouse)
    {
        var all = MarketSizeData.Read(warehouse);
        var release = new SurveyRelease(DisclosurePolicy.Survey);
        foreach (var year in all.FiscalYears) release.AddCategories(ReadCategories(warehouse, year));
        release.AddMarketSize(all);
        release.AddContributions(ReadContributions(warehouse, all.FiscalYears.DefaultIfEmpty(0).Max()));
        release.Solve();
        return release.MarketSizeStatus();
    }

    /// <summary>Each member's own paid value per money cell up to <paramref name="fiscalYear"/> (internal: the attackers
    /// the release is protected against, never shown).</summary>
    private static List<(int, string, string, string?, string?, long)> ReadContributions(Warehouse warehouse, int fiscalYear)
    {
        var rows = new List<(int, string, string, string?, string?, long)>();
        using var reader = warehouse.Query(
            "select fiscal_year, platform_id, family, row_code, column_code, paid_jpy from mart_survey_platform_contributions where fiscal_year <= $1",
            fiscalYear);
        while (reader.Read())
            rows.Add((Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), MartReader.StringOrNull(reader, "row_code"),
                MartReader.StringOrNull(reader, "column_code"), Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture)));
        return rows;
    }

    private static SurveyCube ReadCategories(Warehouse warehouse, int fiscalYear) =>
        SurveyCube.Read(warehouse, "mart_survey_category", "category", "form", fiscalYear);

    private static List<PlatformCoverage> ReadCoverage(Warehouse warehouse, int fiscalYear)
    {
        var list = new List<PlatformCoverage>();
        using var reader = warehouse.Query(
            "select platform_id, covered_from, covered_to, covered_days, fiscal_year_days from mart_survey_coverage where fiscal_year = $1 order by platform_id", fiscalYear);
        while (reader.Read())
            list.Add(new PlatformCoverage(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2), reader.GetInt64(3), reader.GetInt64(4)));
        return list;
    }

    private static List<Deliveries> ReadFiles(Warehouse warehouse)
    {
        var list = new List<Deliveries>();
        using var reader = warehouse.Query(
            "select record_kind, count(*), count(distinct platform_id) from ingest_files where superseded_by is null group by all order by all");
        while (reader.Read())
            list.Add(new Deliveries(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return list;
    }

    private static LinkageFigures ReadLinkage(Warehouse warehouse)
    {
        // Both counts in one scan of the mapping (it holds every account of the market).
        long accounts, persons;
        using (var counts = warehouse.Query("select count(*), count(distinct (kind, person_id)) from int_account_persons"))
        {
            counts.Read();
            accounts = Convert.ToInt64(counts.GetValue(0), CultureInfo.InvariantCulture);
            persons = Convert.ToInt64(counts.GetValue(1), CultureInfo.InvariantCulture);
        }
        var rules = new List<(string, long)>();
        // The audit table belongs to the linker; a replacement linker may not write it.
        if (warehouse.HasTable("int_account_links"))
        {
            // A link's rule is its decision ("exact", "fuzzy") then its evidence ("…;clk_dice=0.93;prefecture=agree"):
            // the published method counts decisions; the evidence stays in the audit table.
            using var reader = warehouse.Query("select split_part(rule, ';', 1) as decision, count(*) from int_account_links group by decision order by decision");
            while (reader.Read()) rules.Add((reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }
        return new LinkageFigures(accounts, persons, rules);
    }
}
