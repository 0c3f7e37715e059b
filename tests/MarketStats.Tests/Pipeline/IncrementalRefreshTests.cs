using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Pipeline;
using MarketStats.Reports.Survey;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Pipeline;

/// <summary>
/// A market whose largest platform exports transactions per month, one month held back: the exports and the month, and
/// a database built from scratch from all of them (the expected result of any refresh). Built once for the tests below.
/// </summary>
public sealed class HeldBackMonth : IDisposable
{
    public const int SurveyYear = 2025;
    public TempFolder Temp { get; } = new();
    /// <summary>Every export but the held-back month, in the inbox layout.</summary>
    public string Exports => Temp["exports"];
    public string Platform { get; }
    /// <summary>The held-back month's export (outside the inbox).</summary>
    public string Month { get; }
    public string FullDb => Temp["full.duckdb"];
    public string FullSurvey { get; }

    public HeldBackMonth()
    {
        new MarketGenerator(TimeProvider.System).Generate(new GeneratorOptions(Exports, Seed: 12, Platforms: 6, Transactions: 8000));
        var (platform, yearFile) = Directory.GetDirectories(Exports)
            .Select(d => (Path.GetFileName(d), Directory.GetFiles(d, $"transactions_FY{SurveyYear}.csv*").Single()))
            .MaxBy(p => new FileInfo(p.Item2).Length);
        Platform = platform;
        var months = MonthlyExports.Split(yearFile);
        // A month in the middle of the year: its lines are contracted and paid in the same and the next fiscal year.
        var held = months[months.Count / 2];
        Month = Temp[Path.GetFileName(held)];
        using (var warehouse = PipelineSteps.OpenWarehouse(FullDb))
        {
            var steps = new PipelineSteps(TimeProvider.System);
            steps.Ingest(warehouse, Exports, Temp["full-quarantine"], default);
            steps.Link(warehouse, default);
            steps.BuildMarts(warehouse, MartScope.All);
            FullSurvey = new SurveyReport(TimeProvider.System).Write(warehouse, SurveyYear, Temp["full-survey"]).WorkbookPath;
        }
        File.Move(held, Month);
    }

    /// <summary>A copy of the exports without the held-back month, as an inbox of its own.</summary>
    public string CopyExports(string to)
    {
        foreach (var file in Directory.GetFiles(Exports, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(Exports, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return to;
    }

    /// <summary>The database <c>{name}.duckdb</c> built (ingest, link, marts) from a copy of the exports without the
    /// held-back month, in the inbox <c>{name}-inbox</c>; open, for a refresh.</summary>
    public (Warehouse Warehouse, string Inbox, string Quarantine) BuildWithoutTheMonth(PipelineSteps steps, string name)
    {
        var inbox = CopyExports(Temp[$"{name}-inbox"]);
        var quarantine = Temp[$"{name}-quarantine"];
        var warehouse = PipelineSteps.OpenWarehouse(Temp[$"{name}.duckdb"]);
        steps.Ingest(warehouse, inbox, quarantine, default);
        steps.Link(warehouse, default);
        steps.BuildMarts(warehouse, MartScope.All);
        return (warehouse, inbox, quarantine);
    }

    /// <summary>Lands the held-back month in <paramref name="inbox"/>.</summary>
    public void Land(string inbox) => File.Copy(Month, Path.Combine(inbox, Platform, Path.GetFileName(Month)));

    public void Dispose() => Temp.Dispose();
}

/// <summary>
/// After one platform's month lands, a refresh (ingest, link only if registrations changed, marts by fiscal year)
/// gives exactly what a full rebuild of the same inbox from scratch gives: every mart, the persons, the survey.
/// </summary>
public sealed class IncrementalRefreshTests(HeldBackMonth market) : IClassFixture<HeldBackMonth>
{
    [Fact]
    public void Refresh_after_a_landed_month_equals_a_full_rebuild_and_skips_the_linker_and_other_years()
    {
        var temp = market.Temp;
        var steps = new PipelineSteps(TimeProvider.System);
        var (warehouse, inbox, quarantine) = market.BuildWithoutTheMonth(steps, "refresh");
        using (warehouse)
        {
            var before = warehouse.Scalar<long>("select count(*) from raw_transactions");

            market.Land(inbox);
            var refresh = steps.Refresh(warehouse, inbox, quarantine, default);

            Assert.Equal(1, refresh.Ingest.Count(FileOutcomeKind.Loaded));
            Assert.True(warehouse.Scalar<long>("select count(*) from raw_transactions") > before);
            Assert.Null(refresh.Linkage); // a transactions file changes no person
            Assert.True(refresh.MartsRebuilt);
            // The month's fiscal year (and the next, where its lines were paid) were refreshed; earlier years were kept.
            var refreshed = warehouse.Scalar<string>("select refreshed_fiscal_years from mart_build_fingerprints where mart_group = 'reports'");
            Assert.NotNull(refreshed);
            Assert.Contains(HeldBackMonth.SurveyYear.ToString(System.Globalization.CultureInfo.InvariantCulture), refreshed);
            Assert.DoesNotContain("2023", refreshed);
            Assert.NotNull(warehouse.Scalar<string>("select refreshed_fiscal_years from mart_build_fingerprints where mart_group = 'linkage'"));
            // The refreshed marts are current: a report does not rebuild them.
            Assert.False(steps.BuildMarts(warehouse, MartScope.Reports));
            var survey = new SurveyReport(TimeProvider.System).Write(warehouse, HeldBackMonth.SurveyYear, temp["refresh-survey"]).WorkbookPath;
            var (cells, differing) = OnePathTests.CompareNumbers(market.FullSurvey, survey);
            Assert.True(cells > 500, $"only {cells} numeric cells: the survey did not fill its tables");
            Assert.True(differing.Count == 0, $"{differing.Count} of {cells} numeric cells differ, first: {string.Join("; ", differing.Take(5))}");
        }
        OnePathTests.AssertSameTables(temp["refresh.duckdb"], market.FullDb);
    }

    [Fact]
    public void A_database_whose_fingerprints_predate_the_refresh_columns_is_rebuilt_whole_after_a_landed_month()
    {
        var steps = new PipelineSteps(TimeProvider.System);
        var (warehouse, inbox, quarantine) = market.BuildWithoutTheMonth(steps, "old");
        using (warehouse)
        {
            // The fingerprint table as a database written before the refresh existed holds it: group and fingerprint only.
            warehouse.Execute("""
                create table old_fingerprints as select mart_group, fingerprint from mart_build_fingerprints;
                drop table mart_build_fingerprints;
                create table mart_build_fingerprints (mart_group varchar primary key, fingerprint varchar not null);
                insert into mart_build_fingerprints select * from old_fingerprints;
                drop table old_fingerprints;
                """);

            market.Land(inbox);
            var refresh = steps.Refresh(warehouse, inbox, quarantine, default);

            Assert.Equal(1, refresh.Ingest.Count(FileOutcomeKind.Loaded));
            Assert.True(refresh.MartsRebuilt);
            // Nothing says which files the marts were built from: every year was rebuilt, none refreshed.
            Assert.Null(warehouse.Scalar<string>("select refreshed_fiscal_years from mart_build_fingerprints where mart_group = 'reports'"));
        }
        OnePathTests.AssertSameTables(market.Temp["old.duckdb"], market.FullDb);
    }

    [Fact]
    public async Task Scheduled_jobs_refresh_the_same_way_after_a_landed_month()
    {
        var temp = market.Temp;
        var inbox = market.CopyExports(temp["scheduled/inbox"]);
        File.WriteAllText(temp["scheduled/schedule.json"], """{ "database": "scheduled.duckdb", "sources": [] }""");
        async Task<string> Trigger(string job)
        {
            var (code, output, error) = await CliRunner.Run("schedule", "trigger", job, "--config", temp["scheduled/schedule.json"]);
            Assert.True(code == ExitCodes.Success, $"{job} exited {code}: {output}\n{error}");
            return CliRunner.Results(output)["summary"].SingleOrDefault() ?? output;
        }
        foreach (var job in new[] { "ingest", "link", "build-marts" }) await Trigger(job);

        market.Land(inbox);
        await Trigger("ingest");
        Assert.Contains("not re-linked", await Trigger("link"));
        await Trigger("build-marts");

        using (var warehouse = Warehouse.OpenReadOnly(temp["scheduled/scheduled.duckdb"]))
            Assert.Equal(2, warehouse.Scalar<long>("select count(*) from mart_build_fingerprints where refreshed_fiscal_years is not null and mart_group in ('reports', 'linkage')"));
        OnePathTests.AssertSameTables(temp["scheduled/scheduled.duckdb"], market.FullDb);
    }
}
