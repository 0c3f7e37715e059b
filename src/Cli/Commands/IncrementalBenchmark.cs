using System.Diagnostics;
using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Pipeline;
using MarketStats.Reports.Survey;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary>
/// <c>marketstats bench --incremental</c> and <c>--scale</c>: the cold build (ingest, link, marts, survey) of a
/// generated market whose largest platform sends monthly exports, its newest month held back; then that month lands
/// and the refresh runs, in the same run. <c>--scale</c> repeats it at several sizes: the scale curve.
/// </summary>
internal static class IncrementalBenchmark
{
    private const int SurveyYear = 2025;

    /// <summary>One size's figures: each stage's wall seconds and its own peak resident memory (bytes).</summary>
    private sealed record Point(long Transactions, double GenerateSeconds, double InboxMb, double DatabaseMb,
        (double Seconds, double Peak) Ingest, (double Seconds, double Peak) Link, (double Seconds, double Peak) Marts,
        (double Seconds, double Peak) Survey, (double Seconds, double Peak) Refresh, IReadOnlyList<(string Phase, double Seconds, int Count)> RefreshParts,
        long MonthRows, string RefreshedYears, bool Relinked, IngestTimings ColdIngestPhases, IngestTimings RefreshPhases,
        string ColdMartSteps, string RefreshSteps)
    {
        public double Cold => Ingest.Seconds + Link.Seconds + Marts.Seconds;
        public double Part(string phase) => RefreshParts.Where(p => p.Phase == phase).Sum(p => p.Seconds);
    }

    /// <param name="keepCold">Where to copy the cold database and the held-back month (for <see cref="RunRefresh"/>), or null.</param>
    public static void Run(CliContext context, long rows, string work, string? keepCold, CancellationToken ct) =>
        Print(context, Measure(context, rows, work, keepCold, ct), "");

    /// <summary>
    /// The refresh alone, on a copy of a cold database kept by <c>--keep-cold</c>: the held-back month lands in an inbox
    /// of its own and the refresh runs, so a change to the refresh is measured without the cold build.
    /// </summary>
    public static void RunRefresh(CliContext context, string kept, string work, CancellationToken ct)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var inbox = Path.Combine(work, "inbox");
        var db = Path.Combine(work, ColdDatabase);
        foreach (var file in Directory.GetFiles(kept, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(kept, file);
            var copy = relative == ColdDatabase ? db : Path.Combine(inbox, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        using (var warehouse = PipelineSteps.OpenWarehouse(db))
        {
            var (stage, timings, refresh, steps) = MeasureRefresh(context, warehouse, inbox, Path.Combine(work, "quarantine"), ct);
            context.Result("month_file_rows", refresh.Ingest.RowsLoaded);
            PrintRefresh(context, "", stage, timings, refresh.Linkage is not null, RefreshedYears(warehouse), StepTimingWriter.Format(steps.Slowest(20)));
        }
        Directory.Delete(work, recursive: true);
    }

    private const string ColdDatabase = "incremental.duckdb";

    /// <summary>The stages at each size, smallest first, then the curve as a table.</summary>
    public static void RunCurve(CliContext context, IReadOnlyList<long> sizes, string work, string? keepCold, CancellationToken ct)
    {
        var points = new List<Point>();
        foreach (var rows in sizes.Order())
        {
            context.Result("load_average_before_" + rows, LoadAverage());
            var point = Measure(context, rows, Path.Combine(work, rows.ToString(CultureInfo.InvariantCulture)),
                keepCold is null ? null : Path.Combine(keepCold, rows.ToString(CultureInfo.InvariantCulture)), ct);
            Print(context, point, rows + "_");
            context.Result("load_average_after_" + rows, LoadAverage());
            points.Add(point);
        }
        context.Out.WriteLine("| transactions | inbox | database | ingest | link | marts | cold build (ingest+link+marts) | survey workbook | refresh after one month file (ingest / link / marts) | refresh ÷ cold |");
        context.Out.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in points)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Transactions:N0} | {p.InboxMb:F0} MB | {p.DatabaseMb:F0} MB | {S(p.Ingest)} | {S(p.Link)} | {S(p.Marts)} | {p.Cold:F1} s | {S(p.Survey)} | {S(p.Refresh)} ({p.Part(PipelineSteps.RefreshIngest):F1} / {p.Part(PipelineSteps.RefreshLink):F1} / {p.Part(PipelineSteps.RefreshMarts):F1}) | {p.Refresh.Seconds / p.Cold:P1} |"));
    }

    private static string S((double Seconds, double Peak) stage) => string.Create(CultureInfo.InvariantCulture, $"{stage.Seconds:F1} s, {stage.Peak / 1e6:F0} MB");

    private static Point Measure(CliContext context, long rows, string work, string? keepCold, CancellationToken ct)
    {
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var inbox = Path.Combine(work, "inbox");
        var db = Path.Combine(work, ColdDatabase);
        var timer = Stopwatch.StartNew();
        new MarketGenerator(context.Clock).Generate(
            new GeneratorOptions(inbox, Seed: 7, FirstFiscalYear: 2023, LastFiscalYear: SurveyYear, Transactions: rows), null, ct);
        // The largest platform sends monthly exports; its newest month is the file that lands after the cold build.
        var yearFile = Directory.GetFiles(inbox, $"transactions_FY{SurveyYear}.csv*", SearchOption.AllDirectories).MaxBy(f => new FileInfo(f).Length)!;
        var months = MonthlyExports.Split(yearFile);
        var month = months[^1];
        var held = Path.Combine(work, Path.GetFileName(month));
        File.Move(month, held);
        var generateSeconds = timer.Elapsed.TotalSeconds;
        var inboxMb = Directory.GetFiles(inbox, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6;
        context.Progress?.Report($"generated {rows:N0} transactions in {generateSeconds:F1} s");

        var steps = new PipelineSteps(context.Clock, context.Progress);
        var quarantine = Path.Combine(work, "quarantine");
        using var warehouse = PipelineSteps.OpenWarehouse(db);
        var coldIngestPhases = new IngestTimings();
        // Each cold stage ends with a checkpoint, counted in it, as its own process would pay on closing the database:
        // otherwise the refresh's first commit paid for the marts' writes (10M: 17.2 s CPU in that commit, 0.3 s when the
        // same file was loaded by a process of its own).
        var ingest = BenchCommand.Stage(() => { Ok(steps.Ingest(warehouse, inbox, quarantine, ct, coldIngestPhases)); warehouse.Execute("checkpoint"); });
        var link = BenchCommand.Stage(() => { steps.Link(warehouse, ct); warehouse.Execute("checkpoint"); });
        // Each model's and data test's seconds (the slowest are printed): where the cold marts and the refresh go.
        var coldSteps = new StepTimingWriter();
        var marts = BenchCommand.Stage(() => { new PipelineSteps(context.Clock, context.Progress, coldSteps).BuildMarts(warehouse, MartScope.ReportsAndLinkage, force: true); warehouse.Execute("checkpoint"); });
        var coldMartSteps = StepTimingWriter.Format(coldSteps.Slowest(12));
        var survey = BenchCommand.Stage(() => { new SurveyReport(context.Clock).Write(warehouse, SurveyYear, Path.Combine(work, "survey")); warehouse.Execute("checkpoint"); });
        var databaseMb = new FileInfo(db).Length / 1e6;
        if (keepCold is not null)
        {
            // (checkpointed above: the file is whole without its write-ahead log)
            if (Directory.Exists(keepCold)) Directory.Delete(keepCold, recursive: true);
            var platform = Path.Combine(keepCold, Path.GetFileName(Path.GetDirectoryName(month))!);
            Directory.CreateDirectory(platform);
            File.Copy(db, Path.Combine(keepCold, ColdDatabase));
            File.Copy(held, Path.Combine(platform, Path.GetFileName(month)));
            context.Result("cold_database_kept", keepCold);
        }

        File.Move(held, month);
        var (refreshed, timings, refresh, refreshSteps) = MeasureRefresh(context, warehouse, inbox, quarantine, ct);
        var refreshMartSteps = StepTimingWriter.Format(refreshSteps.Slowest(14));
        var monthRows = refresh.Ingest.RowsLoaded;
        var years = RefreshedYears(warehouse);
        warehouse.Dispose();
        Directory.Delete(work, recursive: true);
        return new Point(rows, generateSeconds, inboxMb, databaseMb, ingest, link, marts, survey, refreshed, timings.Phases, monthRows, years, refresh.Linkage is not null,
            coldIngestPhases, timings, coldMartSteps, refreshMartSteps);
    }

    /// <summary>The refresh after the month landed in <paramref name="inbox"/>, with its parts and each step's time.</summary>
    private static ((double Seconds, double Peak) Stage, IngestTimings Timings, Refresh Refresh, StepTimingWriter Steps) MeasureRefresh(
        CliContext context, Warehouse warehouse, string inbox, string quarantine, CancellationToken ct)
    {
        var timings = new IngestTimings();
        Refresh? refresh = null;
        var steps = new StepTimingWriter();
        var stage = BenchCommand.Stage(() => refresh = new PipelineSteps(context.Clock, context.Progress, steps).Refresh(warehouse, inbox, quarantine, ct, timings));
        Ok(refresh!.Ingest);
        return (stage, timings, refresh, steps);
    }

    private static string RefreshedYears(Warehouse warehouse) =>
        warehouse.Scalar<string>("select refreshed_fiscal_years from mart_build_fingerprints where mart_group = 'reports'") ?? "all (rebuilt whole)";

    private static void Ok(IngestSummary summary)
    {
        if (summary.AnyProblem)
            throw new InvalidOperationException("A benchmark export did not load: " + string.Join("; ", summary.Files.Where(f => f.Kind == FileOutcomeKind.Rejected).Select(f => f.Detail)));
    }

    private static void Print(CliContext context, Point p, string prefix)
    {
        void Stage(string name, (double Seconds, double Peak) stage)
        {
            context.Result($"{prefix}{name}_seconds", stage.Seconds.ToString("F2", CultureInfo.InvariantCulture));
            context.Result($"{prefix}{name}_peak_rss_mb", (stage.Peak / 1e6).ToString("F0", CultureInfo.InvariantCulture));
        }
        context.Result(prefix + "transactions", p.Transactions);
        context.Result(prefix + "generate_seconds", p.GenerateSeconds.ToString("F1", CultureInfo.InvariantCulture));
        context.Result(prefix + "inbox_mb", p.InboxMb.ToString("F0", CultureInfo.InvariantCulture));
        context.Result(prefix + "database_mb", p.DatabaseMb.ToString("F0", CultureInfo.InvariantCulture));
        Stage("cold_ingest", p.Ingest);
        IngestCommand.PrintTimings(context, p.ColdIngestPhases, prefix + "cold_ingest_");
        Stage("cold_link", p.Link);
        Stage("cold_marts", p.Marts);
        Stage("survey_workbook", p.Survey);
        context.Result(prefix + "cold_build_seconds", p.Cold.ToString("F2", CultureInfo.InvariantCulture));
        context.Result(prefix + "month_file_rows", p.MonthRows);
        context.Result(prefix + "cold_marts_slowest_steps", p.ColdMartSteps);
        PrintRefresh(context, prefix, p.Refresh, p.RefreshPhases, p.Relinked, p.RefreshedYears, p.RefreshSteps);
        context.Result(prefix + "refresh_vs_cold_build", (p.Refresh.Seconds / p.Cold).ToString("P1", CultureInfo.InvariantCulture));
    }

    private static void PrintRefresh(CliContext context, string prefix, (double Seconds, double Peak) refresh, IngestTimings timings, bool relinked, string years, string steps)
    {
        context.Result($"{prefix}refresh_seconds", refresh.Seconds.ToString("F2", CultureInfo.InvariantCulture));
        context.Result($"{prefix}refresh_peak_rss_mb", (refresh.Peak / 1e6).ToString("F0", CultureInfo.InvariantCulture));
        foreach (var (phase, seconds, count) in timings.Phases.Where(x => x.Phase.StartsWith("refresh", StringComparison.Ordinal)))
            context.Result(prefix + phase.Replace(": ", "_", StringComparison.Ordinal) + "_seconds", string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} ({count})"));
        // Ingest's own phases within the refresh (the refresh's three parts are the lines above).
        IngestCommand.PrintTimings(context, timings, prefix + "refresh_ingest_", phase => !phase.StartsWith("refresh", StringComparison.Ordinal));
        context.Result(prefix + "refresh_relinked", relinked ? "yes" : "no (registrations unchanged)");
        context.Result(prefix + "refresh_fiscal_years", years);
        context.Result(prefix + "refresh_slowest_steps", steps);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
