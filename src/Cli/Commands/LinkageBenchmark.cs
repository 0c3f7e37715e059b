using System.Diagnostics;
using System.Globalization;
using MarketStats.Core.Diagnostics;
using MarketStats.Core.Storage;
using MarketStats.Linkage;
using MarketStats.Linkage.Baseline;
using MarketStats.Models;
using MarketStats.Pipeline;
using MarketStats.Synthetic;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats bench --linkage</c>: the linker at survey scale against an exact-hash-only baseline, in one run.</summary>
internal static class LinkageBenchmark
{
    public const string SurveyScale = "survey-scale";
    public const string HeldOutLike = "heldout-like";
    public const string HeldOutPairs = "heldout-pairs";

    /// <param name="cleartext">An experiment (held-out-like markets): the name fields compared by bigram Dice of the
    /// generator's cleartext names instead of their encodings, under the same rules (<see cref="CleartextNames"/>).</param>
    public static void Run(CliContext context, long registrations, string work, CancellationToken ct, string market = SurveyScale, bool cleartext = false)
    {
        if (cleartext && market == SurveyScale) throw new ArgumentException("--cleartext needs a held-out-like market (--market heldout-like or heldout-pairs)", nameof(cleartext));
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var timer = Stopwatch.StartNew();
        var files = market switch
        {
            HeldOutLike => HeldOutLikeMarket.Write(work, registrations, progress: context.Progress),
            HeldOutPairs => HeldOutLikeMarket.WritePairs(work, registrations, progress: context.Progress),
            _ => LinkageBenchmarkMarket.Write(work, registrations, progress: context.Progress),
        };
        context.Result("market", market);
        var generateSeconds = timer.Elapsed.TotalSeconds;
        context.Progress?.Report($"generated {files.Registrations:N0} registrations in {generateSeconds:F1} s");

        using var warehouse = PipelineSteps.OpenWarehouse(Path.Combine(work, "linkage.duckdb"));
        warehouse.Execute($"copy raw_registrations from {SqlText.Literal(files.RegistrationsCsv)} (header)");
        Staging.Build(warehouse);

        timer.Restart();
        var exact = new ExactLinker(warehouse).Link();
        var exactSeconds = timer.Elapsed.TotalSeconds;

        // Peak memory of the linker alone: reset the kernel's high-water mark (VmHWM) first.
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true); // hand the generator's garbage back first
        ProcessMemory.ResetPeakRss();
        var linked = cleartext
            ? new PersonLinker(warehouse, progress: context.Progress, clock: context.Clock, keepDiagnostics: true)
            {
                CleartextExperiment = linked => CleartextNames.BigramDice(work, AccountIndex(linked), (int)linked.Scalar<long>("select count(*) from int_link_accounts")),
            }.Link(ct)
            : new PipelineSteps(context.Clock, context.Progress).Link(warehouse, ct, keepDiagnostics: true);
        context.Result("name_comparison", cleartext ? "cleartext bigram Dice (experiment)" : "encodings");
        var peakRss = ProcessMemory.PeakRssBytes();
        var quality = LinkageEvaluation.Evaluate(warehouse, files.TruthCsv);

        string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);
        context.Result("registrations", files.Registrations);
        context.Result("true_persons", files.Persons);
        context.Result("generate_seconds", F(generateSeconds, "F1"));
        context.Result("exact_only_link_seconds", F(exactSeconds));
        context.Result("exact_only_persons", exact.Persons);
        context.Result("link_seconds", F(linked.Elapsed.TotalSeconds));
        context.Result("link_cpu_seconds", F(linked.Stages.Sum(s => s.Cpu.TotalSeconds)));
        context.Result("link_peak_rss_mb", F(peakRss / 1e6, "F0"));
        // The profile: wall and CPU time (all threads, DuckDB's included) of each stage; CPU above wall means both cores.
        foreach (var stage in linked.Stages)
            context.Result($"link_stage {stage.Name}", $"{F(stage.Wall.TotalSeconds)} s wall, {F(stage.Cpu.TotalSeconds)} s cpu, rss {F(stage.RssBytes / 1e6, "F0")} MB, peak so far {F(stage.PeakRssBytes / 1e6, "F0")} MB");
        context.Result("found_persons", linked.Persons);
        context.Result("candidate_comparisons", linked.ExactCandidates + linked.FuzzyComparisons + linked.BirthDateComparisons);
        context.Result("all_pairs", F(linked.AllPairs, "E3"));
        context.Result("comparisons_per_all_pairs", F((linked.ExactCandidates + linked.FuzzyComparisons + linked.BirthDateComparisons) / linked.AllPairs, "E2"));
        context.Result("precision", F(quality.Precision, "F4"));
        context.Result("recall", F(quality.Recall, "F4"));
        context.Result("f1", F(quality.F1, "F4"));
        context.Result("unique_error", F(quality.UniqueError, "F4"));
        context.Result("exact_only_unique_error", F((exact.Persons - files.Persons) / (double)files.Persons, "F4"));
        context.Result("same_platform_links", linked.SamePlatformLinks);
        context.Result("mutual_best_links", linked.MutualBestLinks);
        context.Result("same_platform_threshold", F(linked.SamePlatformThreshold, "F2"));
        var (recall, distribution) = linked.Diagnostics!.Evaluate(warehouse, files.TruthCsv);
        foreach (var bin in distribution.Where(b => b.From >= linked.Diagnostics.Threshold - 12 && b.From < linked.Diagnostics.Threshold + 8))
            context.Result($"match_weight {bin.From:+0;-0;0}", $"true {bin.TruePairs:N0}, false {bin.FalsePairs:N0}");
        context.Result("blocking_recall", F(recall.Recall, "F4"));
        context.Result("blocking_recall_above_threshold", $"{F(recall.RecallAboveThreshold, "F4")} ({recall.FoundAboveThreshold:N0} of {recall.TruePairsAboveThreshold:N0})");
        context.Result("blocking_recall_above_threshold_workers", $"{F(recall.WorkerRecallAboveThreshold, "F4")} ({recall.WorkerFoundAboveThreshold:N0} of {recall.WorkerPairsAboveThreshold:N0})");
        // Where the errors come from (issue 13): blocking, scoring or clustering, and which fields disagree.
        var errors = LinkageAttribution.Of(linked.Diagnostics!, warehouse, files.TruthCsv);
        context.Result("missed_true_pairs", $"{errors.MissedByBlocking + errors.ScoredBelowThreshold + errors.CutByClustering:N0} of {errors.TruePairs:N0}: {errors.MissedByBlocking:N0} by blocking, {errors.ScoredBelowThreshold:N0} below the threshold, {errors.CutByClustering:N0} by clustering");
        context.Result("false_pairs", $"{errors.FalsePairs:N0}: {errors.FalseDirectLinks:N0} direct links, {errors.FalseThroughChains:N0} through chains");
        foreach (var (kind, patterns) in errors.Patterns)
            foreach (var (pattern, count) in patterns)
                context.Result($"error_pattern {kind}", $"{count,7:N0}  {pattern}");
        LinkCommand.PrintParameters(context, linked, verbose: true);
        warehouse.Dispose();
        Directory.Delete(work, recursive: true);
    }

    private static List<(int, string, string)> AccountIndex(Warehouse warehouse)
    {
        var accounts = new List<(int, string, string)>();
        using var reader = warehouse.Query("select account_index, platform_id, account_id from int_link_accounts");
        while (reader.Read()) accounts.Add(((int)reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        return accounts;
    }
}
