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
            var summary = steps.Link(warehouse, ct, keepDiagnostics: truth is not null);
            steps.BuildMarts(warehouse, MartScope.All);
            PrintSummary(context, summary);
            PrintParameters(context, summary, verbose: parse.GetValue(MarketStatsCli.VerboseOption));
            context.Result("database", Path.GetFullPath(parse.GetValue(db)!));
            if (parse.GetValue(export) is { } exportPath)
            {
                var full = Path.GetFullPath(exportPath);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                AtomicFile.Write(full, temporary => warehouse.Execute(
                    $"copy (select platform_id, account_id, kind, person_id from int_account_persons order by kind, platform_id, account_id) to {SqlText.Literal(temporary)} (format csv, header, delimiter ',')"));
                context.Result("clusters", full);
            }
            if (truth is not null)
            {
                PrintQuality(context, warehouse, truth);
                PrintDiagnostics(context, warehouse, truth, summary.Diagnostics!);
            }
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
        context.Result("same_platform_links", summary.SamePlatformLinks);
        context.Result("mutual_best_links", summary.MutualBestLinks);
        context.Result("same_platform_threshold", summary.SamePlatformThreshold.ToString("F2", CultureInfo.InvariantCulture));
        context.Result("new_person_ids", summary.NewPersonIds);
        context.Result("candidate_comparisons", summary.ExactCandidates + summary.FuzzyComparisons + summary.BirthDateComparisons);
        context.Result("all_pairs", summary.AllPairs.ToString("F0", CultureInfo.InvariantCulture));
        context.Result("link_seconds", summary.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        if (summary.Accounts == 0) context.Error.WriteLine("No registrations loaded: ingest registrations exports first.");
    }

    /// <summary>The run's estimated parameters (also in <c>link_parameters</c> under the run id): per kind λ and each
    /// comparison's weights by level; <c>--verbose</c> adds m, u and where they came from.</summary>
    internal static void PrintParameters(CliContext context, PersonLinkageSummary summary, bool verbose)
    {
        context.Result("link_run_id", summary.RunId);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        foreach (var kind in summary.Parameters ?? [])
        {
            context.Result($"parameters {kind.Kind}", $"lambda {F(kind.Lambda, "G3")} (prior {F(kind.PriorWeight, "+0.0;-0.0")} bits; {F(kind.CandidateLambda, "F3")} of candidate pairs), " +
                $"{kind.EmIterations} EM iterations, {kind.CandidatePairs:N0} candidate pairs, {kind.RandomPairs:N0} random pairs");
            foreach (var comparison in kind.Levels.GroupBy(l => l.Comparison))
                context.Result($"  {kind.Kind} {comparison.Key}", string.Join(" | ", comparison.Select(l => verbose
                    ? $"{l.Level} {F(l.Weight, "+0.0;-0.0")} (m {F(l.M, "G3")} {l.MSource}, u {F(l.U, "G3")} {l.USource})"
                    : $"{l.Level} {F(l.Weight, "+0.0;-0.0")}")));
            foreach (var warning in kind.Warnings) context.Error.WriteLine("warning: " + warning);
        }
    }

    /// <summary>Blocking recall and the match-weight distribution of the scored pairs (a text histogram, true vs false pairs).</summary>
    private static void PrintDiagnostics(CliContext context, Warehouse warehouse, string truth, LinkageDiagnostics diagnostics)
    {
        var (recall, distribution) = diagnostics.Evaluate(warehouse, truth);
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        context.Result("blocking_recall", $"{F(recall.Recall)} ({recall.FoundPairs:N0} of {recall.TruePairs:N0} true pairs among the candidates)");
        context.Result("blocking_recall_above_threshold", $"{F(recall.RecallAboveThreshold)} ({recall.FoundAboveThreshold:N0} of {recall.TruePairsAboveThreshold:N0} true pairs that would score at or above the threshold)");
        context.Result("blocking_recall_above_threshold_workers", $"{F(recall.WorkerRecallAboveThreshold)} ({recall.WorkerFoundAboveThreshold:N0} of {recall.WorkerPairsAboveThreshold:N0})");
        context.Result("match_weight_distribution", $"scored pairs per {LinkageDiagnostics.BinWidth:F0}-bit bin; # true pairs, . false pairs (log scale); threshold {diagnostics.Threshold:F1}");
        static string Bar(long count, char mark) => new(mark, count == 0 ? 0 : 1 + (int)Math.Log2(count));
        foreach (var bin in distribution)
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {bin.From,6:+0;-0;0} {(bin.From + LinkageDiagnostics.BinWidth <= diagnostics.Threshold ? ' ' : '|')} true {bin.TruePairs,9:N0}  false {bin.FalsePairs,9:N0}  {Bar(bin.TruePairs, '#')}{Bar(bin.FalsePairs, '.')}"));
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
