using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MarketStats.Core.Diagnostics;
using MarketStats.Core.Storage;
using MarketStats.Pipeline;
using MarketStats.Reports;
using MarketStats.Reports.Survey;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats report survey</c>: the yearly market survey workbook and charts for one fiscal year.</summary>
public static class ReportCommand
{
    public static Command Build(CliContext context)
    {
        var report = new Command("report", "Publishable reports built from the warehouse.");
        report.Subcommands.Add(BuildSurvey(context));
        return report;
    }

    private static Command BuildSurvey(CliContext context)
    {
        var fiscalYear = new Option<int>("--fiscal-year") { Description = "The survey's fiscal year (April to March): 2025 is 2025-04-01 .. 2026-03-31.", Required = true };
        var db = CommonOptions.Database();
        var outDir = new Option<string?>("--out") { Description = "Folder for the workbook and charts (default: data/out/survey-FY<year>)." };
        var lang = new Option<string>("--lang") { Description = "Labels: ja (default) or en.", DefaultValueFactory = _ => "ja" };
        var rebuild = new Option<bool>("--rebuild-marts") { Description = "Rebuild the marts even when they already reflect the loaded data and linkage." };
        var traceSql = new Option<bool>("--trace-sql") { Description = "Print every model and data test as it runs, with elapsed seconds, to stderr." };
        var trace = new Option<bool>("--trace") { Description = "Print where the time went, phase by phase (start-up, opening the database, marts, reading, disclosure control, charts, workbook), and the CPU seconds, as trace_* lines." };
        lang.AcceptOnlyFromAmong([.. ReportLabels.Languages]);
        var command = new Command("survey",
            "The yearly market survey: market size, category mix, regional adoption, flows and who works, with disclosure control; writes an Excel workbook and PNG/SVG charts.")
        {
            fiscalYear, db, outDir, lang, rebuild, traceSql, trace,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(fiscalYear) is < 2000 or > 2100) r.AddError("--fiscal-year must be a year such as 2025.");
        });
        command.SetAction((parse, ct) =>
        {
            var year = parse.GetValue(fiscalYear);
            var output = Run(context, Path.GetFullPath(parse.GetValue(db)!),
                Path.GetFullPath(parse.GetValue(outDir) ?? Path.Combine(DefaultPaths.Output, $"survey-FY{year}")), year, parse.GetValue(lang)!,
                parse.GetValue(rebuild), parse.GetValue(traceSql) ? new ElapsedTraceWriter(context.Error) : null, parse.GetValue(trace) ? new PhaseTimings() : null);
            return Task.FromResult(output.Status == YearStatus.Empty ? ExitCodes.ProblemFound : ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Builds the marts when stale and writes the survey; prints <c>key: value</c> lines (<c>bench --survey</c> reads them).</summary>
    /// <param name="timings">Where the time went (<c>--trace</c>): printed as <c>trace_*</c> lines after the results.</param>
    public static SurveyOutput Run(CliContext context, string dbPath, string outDir, int fiscalYear, string lang, bool rebuildMarts = false, TextWriter? trace = null,
        PhaseTimings? timings = null)
    {
        var clock = Stopwatch.StartNew();
        // Runtime start, JIT and parsing the command line: what the process spent before this command began.
        using (var self = Process.GetCurrentProcess()) timings?.Add("start-up", DateTime.UtcNow - self.StartTime.ToUniversalTime());
        // The marts are rebuilt from the landed data on every run, so the database must exist and be writable.
        if (!File.Exists(dbPath))
            throw new WarehouseUnavailableException($"No database at {dbPath}: run 'marketstats ingest' or 'marketstats demo' first.");
        Warehouse warehouse;
        using (timings?.Measure("open warehouse"))
            warehouse = PipelineSteps.OpenWarehouse(dbPath);
        using var owned = warehouse;
        var steps = new PipelineSteps(context.Clock, context.Progress, trace);
        var (output, rebuilt) = steps.PublishSurvey(warehouse, fiscalYear, outDir, lang, rebuildMarts, timings);
        trace?.WriteLine("-- done");
        context.Result("fiscal_year", fiscalYear);
        context.Result("marts", rebuilt ? "rebuilt" : "current");
        context.Result("status", output.Status.ToString().ToLowerInvariant());
        context.Result("workbook", output.WorkbookPath);
        foreach (var chart in output.ChartPaths) context.Result("chart", chart);
        context.Result("disclosure_seconds", output.DisclosureSeconds.ToString("F2", CultureInfo.InvariantCulture));
        context.Result("seconds", clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        // Native DuckDB memory included; bench reads it to check the survey's memory budget.
        context.Result("peak_rss_mb", (ProcessMemory.PeakRssBytes() / 1e6).ToString("F0", CultureInfo.InvariantCulture));
        if (timings is not null)
        {
            IngestCommand.PrintTimings(context, timings);
            // The machine is shared: CPU seconds say how much work the run was, whatever else ran beside it.
            context.Result("trace_cpu_seconds", PhaseTimings.ProcessCpuTime().TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        }
        return output;
    }
}

/// <summary>A trace that stamps each step ("-- model …", "-- data test …") with the seconds since the run began.</summary>
internal sealed class ElapsedTraceWriter(TextWriter inner) : TextWriter
{
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void WriteLine(string? value)
    {
        if (value is not null && value.StartsWith("-- ", StringComparison.Ordinal))
            inner.Write(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,7:F2} s] "));
        inner.WriteLine(value);
    }
}
