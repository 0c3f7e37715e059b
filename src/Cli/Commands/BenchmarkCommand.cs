using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Pipeline;
using MarketStats.Reports;
using MarketStats.Reports.Benchmarks;

namespace MarketStats.Cli.Commands;

/// <summary>
/// <c>marketstats benchmark</c>: one member platform's own share of the market (not <c>bench</c>, which measures
/// MarketStats' own speed).
/// </summary>
public static class BenchmarkCommand
{
    public static Command Build(CliContext context)
    {
        var platform = new Option<string>("--platform") { Description = "The member platform's id (as in its exports' platform_id).", Required = true };
        var fiscalYear = new Option<int>("--fiscal-year") { Description = "The fiscal year (April to March); its market cells are the yearly survey's of that year.", Required = true };
        var db = CommonOptions.Database();
        var outDir = new Option<string?>("--out") { Description = "Folder for the workbook (default: data/out/benchmark-FY<year>)." };
        var lang = new Option<string>("--lang") { Description = "Labels: ja (default) or en.", DefaultValueFactory = _ => "ja" };
        lang.AcceptOnlyFromAmong([.. ReportLabels.Languages]);
        var command = new Command("benchmark",
            "A member platform's own benchmark (not 'bench', the performance benchmarks): its share of the market by fiscal year, form, "
            + "category and region, its growth beside the market's, and its position among peers as a band; market figures only where "
            + "the yearly survey publishes them, never another platform's figure. Writes one Excel workbook.")
        {
            platform, fiscalYear, db, outDir, lang,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(fiscalYear) is < 2000 or > 2100) r.AddError("--fiscal-year must be a year such as 2025.");
            if (string.IsNullOrWhiteSpace(r.GetValue(platform))) r.AddError("--platform must name a platform id.");
        });
        command.SetAction((parse, ct) =>
        {
            var year = parse.GetValue(fiscalYear);
            var code = Run(context, Path.GetFullPath(parse.GetValue(db)!), parse.GetValue(platform)!.Trim(),
                Path.GetFullPath(parse.GetValue(outDir) ?? Path.Combine(DefaultPaths.Output, $"benchmark-FY{year}")), year, parse.GetValue(lang)!);
            return Task.FromResult(code);
        });
        return command;
    }

    /// <summary>Builds the marts when stale and writes the member's workbook; prints <c>key: value</c> lines.</summary>
    public static int Run(CliContext context, string dbPath, string platformId, string outDir, int fiscalYear, string lang)
    {
        var clock = Stopwatch.StartNew();
        if (!File.Exists(dbPath))
            throw new WarehouseUnavailableException($"No database at {dbPath}: run 'marketstats ingest' or 'marketstats demo' first.");
        using var warehouse = PipelineSteps.OpenWarehouse(dbPath);
        var steps = new PipelineSteps(context.Clock, context.Progress);
        var (output, rebuilt) = steps.PublishBenchmark(warehouse, platformId, fiscalYear, outDir, lang);
        switch (output.Status)
        {
            case BenchmarkStatus.UnknownPlatform:
                context.Error.WriteLine($"No paid line of platform '{platformId}' is in the database: check the platform id (as in its exports' platform_id).");
                return ExitCodes.ProblemFound;
            case BenchmarkStatus.NoDataInYear:
                context.Error.WriteLine($"Platform '{platformId}' has no paid line in FY{fiscalYear}: no benchmark for that year.");
                return ExitCodes.ProblemFound;
        }
        var data = output.Data!;
        context.Result("benchmark_workbook", output.WorkbookPath!);
        foreach (var chart in output.ChartPaths) context.Result("chart", chart);
        context.Result("platform", platformId);
        context.Result("fiscal_year", fiscalYear);
        context.Result("marts", rebuilt ? "rebuilt" : "current");
        context.Result("cells_shown", data.CellsShown);
        context.Result("cells_withheld", data.CellsWithheld);
        context.Result("seconds", clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        return ExitCodes.Success;
    }
}
