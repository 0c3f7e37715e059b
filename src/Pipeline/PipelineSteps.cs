using System.Globalization;
using MarketStats.Core.Diagnostics;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Pulling;
using MarketStats.Linkage;
using MarketStats.Models;
using MarketStats.Reports;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Extracts;
using MarketStats.Reports.Benchmarks;
using MarketStats.Reports.Survey;

namespace MarketStats.Pipeline;

/// <summary>Which marts a step builds: the report marts only (what a publication reads), or every group.</summary>
public enum MartScope
{
    Reports,
    /// <summary>The report marts and the extracts' base (what <c>extract</c> reads).</summary>
    Extracts,
    /// <summary>The report marts and the linkage marts: what a refresh keeps current (the extracts' base, whose data
    /// test reads every line, is brought up to date when an extract asks for it).</summary>
    ReportsAndLinkage,
    All,
}

/// <summary>What a refresh did: the ingest, the linkage (null when the persons were current) and whether marts changed.</summary>
public sealed record Refresh(IngestSummary Ingest, PersonLinkageSummary? Linkage, bool MartsRebuilt);

/// <summary>What one publication wrote: the market-size workbook, and the survey of the latest ended fiscal year when it has paid data.</summary>
public sealed record Publication(ReportOutput MarketSize, int? SurveyFiscalYear, SurveyOutput? Survey)
{
    public IReadOnlyList<string> Files =>
        [.. Survey is { } s ? [s.WorkbookPath, .. s.ChartPaths] : Array.Empty<string>(), MarketSize.WorkbookPath, .. MarketSize.ChartPaths];
}

/// <summary>
/// The pipeline's steps, each written once: pull → ingest (landing, then staging) → link → build marts → publish.
/// The CLI commands, the scheduler's jobs, <c>demo</c> and the benchmarks all call these; they only parse their
/// inputs, take the database (<see cref="OpenWarehouse"/>) and report the outcome, so the unattended path and the
/// commands cannot drift apart.
/// </summary>
public sealed class PipelineSteps(TimeProvider clock, IProgress<string>? progress = null, TextWriter? trace = null)
{
    /// <summary>Opens the database for writing (DuckDB's one-writer lock) with every stage's own tables in place, so
    /// that any step may run first: the landing tables (ingest's) and the linkage tables (empty until a link).</summary>
    public static Warehouse OpenWarehouse(string path)
    {
        var warehouse = Warehouse.OpenForWrite(path);
        try
        {
            Landing.EnsureSchema(warehouse);
            LinkageTables.EnsureSchema(warehouse);
            return warehouse;
        }
        catch
        {
            warehouse.Dispose();
            throw;
        }
    }

    /// <summary>Brings one platform's new exports into the inbox, verified, or quarantines them whole.</summary>
    public Task<PullSummary> Pull(SourcePuller puller, PullSource source, CancellationToken ct) => puller.PullAsync(source, ct);

    /// <summary>Validates and loads every export in <paramref name="inbox"/> (each whole or quarantined whole), then builds staging over what landed.</summary>
    /// <param name="timings">Where the time went, phase by phase, when given (<c>ingest --trace</c>, <c>bench</c>).</param>
    public IngestSummary Ingest(Warehouse warehouse, string inbox, string quarantine, CancellationToken ct, IngestTimings? timings = null)
    {
        var summary = new Ingestor(warehouse, clock, progress) { Timings = timings }.IngestInbox(inbox, quarantine, ct);
        using (timings?.Measure("staging"))
            Staging.Build(warehouse, trace, runTests: false);
        return summary;
    }

    /// <summary>Links accounts into persons with the production linker (exact keyed hashes and scored CLK similarity,
    /// stable person ids); builds staging first, so it also runs before the first ingest.</summary>
    /// <param name="keepDiagnostics">Keep what <c>link --evaluate</c> needs (blocking recall, the weight distribution) in the summary.</param>
    public PersonLinkageSummary Link(Warehouse warehouse, CancellationToken ct, bool keepDiagnostics = false)
    {
        Staging.Build(warehouse, trace);
        return new PersonLinker(warehouse, progress: progress, clock: clock, keepDiagnostics: keepDiagnostics).Link(ct);
    }

    /// <summary>Links only when the registrations, the linker or its settings changed since the last link
    /// (<see cref="LinkageFreshness"/>): a transactions file changes no person, and re-linking every account would
    /// cost more than the file's whole refresh.</summary>
    /// <returns>The linkage, or null when the persons were current.</returns>
    public PersonLinkageSummary? LinkIfStale(Warehouse warehouse, CancellationToken ct)
    {
        // The freshness reads the landed tables and the linker's own, not staging. Staging and its tests (a scan of
        // every registration and every line: 0.3 s of a one-file refresh at 10M transactions) come only when the linker
        // runs; when the persons are current nothing here reads staging, and the mart build tests what it reads.
        if (!LinkageFreshness.IsCurrent(warehouse, new LinkageSettings()))
        {
            Staging.Build(warehouse, trace);
            return new PersonLinker(warehouse, progress: progress).Link(ct);
        }
        progress?.Report("persons current (registrations, linker and settings unchanged): not re-linked");
        return null;
    }

    /// <summary>
    /// After new files land: ingest them, link if the registrations changed, and bring the report and linkage marts up
    /// to date, by fiscal year when only transaction files were added (<see cref="MartPartitions"/>). The result equals
    /// ingest + link + a full mart build; the time follows the new files, not the database.
    /// </summary>
    /// <param name="timings">Where the time went (<c>bench --incremental</c>): the refresh's three parts and ingest's phases.</param>
    public Refresh Refresh(Warehouse warehouse, string inbox, string quarantine, CancellationToken ct, IngestTimings? timings = null)
    {
        IngestSummary ingest;
        using (timings?.Measure(RefreshIngest))
            ingest = Ingest(warehouse, inbox, quarantine, ct, timings);
        PersonLinkageSummary? linkage;
        using (timings?.Measure(RefreshLink))
            linkage = LinkIfStale(warehouse, ct);
        bool rebuilt;
        using (timings?.Measure(RefreshMarts))
            rebuilt = BuildMarts(warehouse, MartScope.ReportsAndLinkage);
        return new Refresh(ingest, linkage, rebuilt);
    }

    /// <summary>The refresh's parts in <see cref="IngestTimings"/>.</summary>
    public const string RefreshIngest = "refresh: ingest", RefreshLink = "refresh: link", RefreshMarts = "refresh: marts";

    /// <summary>Rebuilds the marts of <paramref name="scope"/> unless they already reflect the data, the linkage and the models.</summary>
    /// <returns>True when some marts were rebuilt.</returns>
    public bool BuildMarts(Warehouse warehouse, MartScope scope, bool force = false)
    {
        progress?.Report("building marts");
        return scope switch
        {
            MartScope.All => Marts.BuildAll(warehouse, trace, force, progress),
            MartScope.Extracts => Marts.Build(warehouse, [Marts.Reports, Marts.Extracts], trace, force, progress),
            MartScope.ReportsAndLinkage => Marts.Build(warehouse, [Marts.Reports, Marts.Linkage], trace, force, progress),
            _ => Marts.Build(warehouse, Marts.Reports, trace, force, progress),
        };
    }

    /// <summary>The yearly survey of <paramref name="fiscalYear"/>: report marts (if stale), then the workbook and charts.</summary>
    /// <returns>What was written, and whether the marts had to be rebuilt first.</returns>
    /// <param name="timings">Where the time went (<c>report survey --trace</c>), when given.</param>
    public (SurveyOutput Survey, bool MartsRebuilt) PublishSurvey(Warehouse warehouse, int fiscalYear, string outDir, string lang, bool forceMarts = false,
        PhaseTimings? timings = null)
    {
        bool rebuilt;
        using (timings?.Measure(SurveyMartsPhase))
            rebuilt = BuildMarts(warehouse, MartScope.Reports, forceMarts);
        trace?.WriteLine("-- marts built; reading aggregates, writing charts and workbook");
        progress?.Report($"writing the FY{fiscalYear} survey");
        return (new SurveyReport(clock).Write(warehouse, fiscalYear, outDir, lang, timings), rebuilt);
    }

    /// <summary>The mart check (and build, when stale) in <see cref="PublishSurvey"/>'s timings.</summary>
    public const string SurveyMartsPhase = "survey: marts";

    /// <summary>A researcher's extract (<c>marketstats extract</c>): report marts (if stale), then the table under the
    /// extract disclosure policy, audited with the requester's earlier releases, written into <paramref name="outDir"/>
    /// and recorded in the release audit log.</summary>
    /// <exception cref="ExtractRequestException">A code the data does not have (wrong usage).</exception>
    /// <exception cref="ExtractRefusedException">The table cannot be published as asked (e.g. too many rows for Excel).</exception>
    /// <exception cref="Reports.Disclosure.DisclosureAuditException">No suppression pattern protects the release.</exception>
    public ExtractOutput Extract(Warehouse warehouse, ExtractRequest request, string outDir)
    {
        BuildMarts(warehouse, MartScope.Extracts);
        progress?.Report("computing the extract and its disclosure control");
        return new ExtractReport(clock).Write(warehouse, request, outDir);
    }

    /// <summary>
    /// One member's benchmark for <paramref name="fiscalYear"/>: report marts (if stale), then its workbook, whose market
    /// cells are the survey release of the same year (<paramref name="survey"/> when the caller publishes several
    /// members from one release). The release is recorded by <see cref="RecordBenchmarkRelease"/> once written.
    /// </summary>
    public (BenchmarkOutput Benchmark, bool MartsRebuilt) PublishBenchmark(Warehouse warehouse, string platformId, int fiscalYear, string outDir,
        string lang, SurveyData? survey = null, bool forceMarts = false)
    {
        var rebuilt = BuildMarts(warehouse, MartScope.Reports, forceMarts);
        progress?.Report($"writing {platformId}'s FY{fiscalYear} benchmark");
        var output = new BenchmarkReport(clock).Write(warehouse, platformId, fiscalYear, outDir, lang, survey);
        if (output.Status == BenchmarkStatus.Written) RecordBenchmarkRelease(warehouse, output);
        return (output, rebuilt);
    }

    /// <summary>
    /// Records a written benchmark in the release audit log: recipient <c>platform:&lt;id&gt;</c>, the market cells it
    /// was shown (all of them cells the survey release of the same year published) and its files with their hashes.
    /// The member's own figures are not logged as published: they are its own, and no audit needs them as constants.
    /// </summary>
    private void RecordBenchmarkRelease(Warehouse warehouse, BenchmarkOutput output)
    {
        var data = output.Data!;
        var files = new[] { output.WorkbookPath! }.Concat(output.ChartPaths).Select(ReleaseFile.Of).ToList();
        var shown = data.Cells.Where(c => c.MarketShown).GroupBy(c => c.Key, StringComparer.Ordinal)
            .Select(g => new PublishedValue(g.Key, g.First().MarketPaidJpy!.Value)).ToList();
        ReleaseLog.Record(warehouse, new ReleaseRecord("benchmark", "platform:" + data.PlatformId, data.PlatformId,
            $"benchmark FY{data.FiscalYear}", null, "survey release of FY" + data.FiscalYear.ToString(CultureInfo.InvariantCulture),
            clock.GetUtcNow(), files, shown, [], []));
    }

    /// <summary>The publication: the survey of the latest fiscal year that has ended (when it has paid data) and the
    /// market-size workbook, with their charts, into <paramref name="folder"/>.</summary>
    public Publication Publish(Warehouse warehouse, string folder, string lang)
    {
        BuildMarts(warehouse, MartScope.Reports);
        var surveyYear = SurveyReport.LatestCompleteFiscalYear(warehouse, DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        progress?.Report("writing the publication");
        var survey = surveyYear is { } year ? new SurveyReport(clock).Write(warehouse, year, folder, lang) : null;
        // The market-size workbook's suppressions come from the same release as the survey's (or, alone, its own).
        var marketSize = new MarketSizeReport().Write(warehouse, folder, lang, survey?.MarketSizeSuppression ?? SurveyData.MarketSizeRelease(warehouse));
        return new Publication(marketSize, surveyYear, survey);
    }
}
