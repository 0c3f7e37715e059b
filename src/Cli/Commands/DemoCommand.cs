using System.CommandLine;
using System.Diagnostics;
using MarketStats.Ingest;
using MarketStats.Pipeline;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats demo</c>: the whole pipeline on a small synthetic market, from exports to a workbook and a chart.</summary>
public static class DemoCommand
{
    public static Command Build(CliContext context)
    {
        var outDir = new Option<string>("--out") { Description = "Folder for the workbook and charts (default: data/out/demo).", DefaultValueFactory = _ => Path.Combine(DefaultPaths.Output, "demo") };
        var db = new Option<string>("--db") { Description = "The demo's own database, rebuilt on every run (default: data/demo/demo.duckdb).", DefaultValueFactory = _ => Path.Combine(DefaultPaths.Data, "demo", "demo.duckdb") };
        var lang = new Option<string>("--lang") { Description = "Labels in the workbook and charts: ja (default) or en.", DefaultValueFactory = _ => "ja" };
        lang.AcceptOnlyFromAmong("ja", "en");
        var transactions = new Option<long>("--transactions") { Description = "Size of the synthetic market.", DefaultValueFactory = _ => 20_000 };
        var command = new Command("demo", "Generate a small market, ingest it, link accounts (keyed hashes and Bloom-filter encodings), and write a market-size workbook and chart and the survey workbook for the latest ended fiscal year.")
        {
            outDir, db, lang, transactions,
        };
        command.SetAction((parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var dbPath = Path.GetFullPath(parse.GetValue(db)!);
            var work = Path.GetDirectoryName(dbPath)!;
            var inbox = Path.Combine(work, "inbox");
            var quarantine = Path.Combine(work, "quarantine");
            // What the last step needs is checked first, so a missing piece stops the demo before minutes of work.
            MarketStats.Core.IO.WritableFolder.Ensure(parse.GetValue(outDir)!, "output folder (--out)");
            MarketStats.Core.IO.WritableFolder.Ensure(work, "database folder (--db)");
            if (!File.Exists(MarketStats.Reports.ChartStyle.FontFile))
                throw new FileNotFoundException($"The chart font {MarketStats.Reports.ChartStyle.FontFile} is missing; it ships with MarketStats.Reports (src/Reports/Fonts), rebuild to copy it.");
            // The demo owns these paths: start clean so every run shows the same figures.
            foreach (var folder in new[] { inbox, quarantine }) if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(work);
            foreach (var file in new[] { dbPath, dbPath + ".wal" }) File.Delete(file);

            var generated = GenerateCommand.Run(context, new GeneratorOptions(inbox, Transactions: parse.GetValue(transactions), ContractVersion: 2), clean: true, ct);
            context.Progress?.Report($"generated {generated.TransactionRows:N0} transactions and {generated.RegistrationRows:N0} registrations in {generated.ExportFiles.Count} files");

            using var warehouse = PipelineSteps.OpenWarehouse(dbPath);
            var steps = new PipelineSteps(context.Clock, context.Progress);
            var ingest = steps.Ingest(warehouse, inbox, quarantine, ct);
            var linkage = steps.Link(warehouse, ct);
            LinkCommand.PrintSummary(context, linkage);
            context.Progress?.Report($"linked {linkage.Accounts:N0} accounts into {linkage.Persons:N0} persons and organisations");
            steps.BuildMarts(warehouse, MartScope.All);
            var publication = steps.Publish(warehouse, parse.GetValue(outDir)!, parse.GetValue(lang)!);

            context.Result("database", dbPath);
            context.Result("files_loaded", ingest.Count(FileOutcomeKind.Loaded));
            context.Result("files_rejected", ingest.Count(FileOutcomeKind.Rejected));
            context.Result("rows_loaded", ingest.RowsLoaded);
            context.Result("workbook", publication.MarketSize.WorkbookPath);
            foreach (var chart in publication.MarketSize.ChartPaths) context.Result("chart", chart);
            if (publication is { Survey: { } survey, SurveyFiscalYear: { } surveyYear })
            {
                context.Result("survey_fiscal_year", surveyYear);
                context.Result("survey_status", survey.Status.ToString().ToLowerInvariant());
                context.Result("survey_workbook", survey.WorkbookPath);
                foreach (var chart in survey.ChartPaths) context.Result("survey_chart", chart);
            }
            context.Result("seconds", clock.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(ingest.AnyProblem ? ExitCodes.ProblemFound : ExitCodes.Success);
        });
        return command;
    }
}
