using System.CommandLine;
using System.Globalization;
using MarketStats.Core.IO;
using MarketStats.Core.Storage;
using MarketStats.Linkage;
using MarketStats.Pipeline;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats link</c>: persons and organisations across platforms, from keyed hashes and CLK encodings.</summary>
public static class LinkCommand
{
    public static Command Build(CliContext context)
    {
        var db = CommonOptions.Database();
        var evaluate = new Option<string?>("--evaluate") { Description = "A ground-truth CSV (platform_id, account_id, kind, true_person_id): print pairwise precision, recall, F1 and the unique-count error." };
        var export = new Option<string?>("--export-clusters") { Description = "Write platform_id, account_id, kind, person_id to this CSV." };
        var command = new Command("link", "Link accounts across platforms into unique persons (workers) and organisations (clients): exact keyed-hash matches plus Fellegi–Sunter scored Dice similarity of identity_clk, with stable person ids; then rebuild the marts.")
        {
            db, evaluate, export,
        };
        command.SetAction((parse, ct) =>
        {
            var truth = parse.GetValue(evaluate);
            if (truth is not null && !File.Exists(truth)) throw new FileNotFoundException($"No ground-truth file at {truth}.");
            using var warehouse = PipelineSteps.OpenWarehouse(parse.GetValue(db)!);
            var steps = new PipelineSteps(context.Clock, context.Progress);
            var summary = steps.Link(warehouse, ct);
            steps.BuildMarts(warehouse, MartScope.All);
            PrintSummary(context, summary);
            context.Result("database", Path.GetFullPath(parse.GetValue(db)!));
            if (parse.GetValue(export) is { } exportPath)
            {
                var full = Path.GetFullPath(exportPath);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                AtomicFile.Write(full, temporary => warehouse.Execute(
                    $"copy (select platform_id, account_id, kind, person_id from int_account_persons order by kind, platform_id, account_id) to {SqlText.Literal(temporary)} (format csv, header, delimiter ',')"));
                context.Result("clusters", full);
            }
            if (truth is not null) PrintQuality(context, warehouse, truth);
            return Task.FromResult(summary.Accounts == 0 ? ExitCodes.ProblemFound : ExitCodes.Success);
        });
        return command;
    }

    /// <summary>What a linkage run found, as <c>key: value</c> lines: <c>link</c> and <c>demo</c> print the same.</summary>
    internal static void PrintSummary(CliContext context, PersonLinkageSummary summary)
    {
        context.Result("accounts", summary.Accounts);
        context.Result("unique_workers", summary.WorkerPersons);
        context.Result("unique_clients", summary.ClientPersons);
        context.Result("links", summary.Links);
        context.Result("merges_refused_by_guard", summary.MergesRefused);
        context.Result("new_person_ids", summary.NewPersonIds);
        context.Result("candidate_comparisons", summary.ExactCandidates + summary.FuzzyComparisons);
        context.Result("all_pairs", summary.AllPairs.ToString("F0", CultureInfo.InvariantCulture));
        context.Result("link_seconds", summary.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        if (summary.Accounts == 0) context.Error.WriteLine("No registrations loaded: ingest registrations exports first.");
    }

    private static void PrintQuality(CliContext context, Warehouse warehouse, string truth)
    {
        var q = LinkageEvaluation.Evaluate(warehouse, truth);
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        context.Result("precision", F(q.Precision));
        context.Result("recall", F(q.Recall));
        context.Result("f1", F(q.F1));
        context.Result("true_persons", q.TruePersons);
        context.Result("found_persons", q.FoundPersons);
        context.Result("unique_error", F(q.UniqueError));
        context.Result("true_pairs", q.TruePairs);
        context.Result("found_pairs", q.FoundPairs);
        context.Result("correct_pairs", q.CorrectPairs);
    }
}
