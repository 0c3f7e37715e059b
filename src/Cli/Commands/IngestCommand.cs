using System.Globalization;
using System.CommandLine;
using MarketStats.Core.Diagnostics;
using MarketStats.Ingest;
using MarketStats.Pipeline;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats ingest --inbox DIR</c>: validates and loads every export in the per-platform inbox folders.</summary>
public static class IngestCommand
{
    public static Command Build(CliContext context)
    {
        var inbox = new Option<string>("--inbox") { Description = "Inbox with one folder per platform id (default: data/inbox).", DefaultValueFactory = _ => DefaultPaths.Inbox };
        var db = CommonOptions.Database();
        var quarantine = new Option<string>("--quarantine") { Description = "Where rejected files go, with their error reports (default: data/quarantine).", DefaultValueFactory = _ => DefaultPaths.Quarantine };
        var trace = new Option<bool>("--trace") { Description = "Print where the time went, phase by phase (seconds and count), as trace_* lines." };
        var command = new Command("ingest", "Validate and load member exports from INBOX/<platform_id>/ into the database; each file loads whole or is quarantined whole; re-runs are safe.")
        {
            inbox, db, quarantine, trace,
        };
        command.SetAction((parse, ct) =>
        {
            var timings = parse.GetValue(trace) ? new IngestTimings() : null;
            var summary = Run(context, parse.GetValue(inbox)!, parse.GetValue(db)!, parse.GetValue(quarantine)!, ct, timings);
            if (timings is not null) PrintTimings(context, timings);
            return Task.FromResult(summary.AnyProblem ? ExitCodes.ProblemFound : ExitCodes.Success);
        });
        return command;
    }

    /// <summary>One <c>trace_&lt;phase&gt;: seconds (count)</c> line per phase, in the order they first ran, each followed by
    /// <c>trace_&lt;phase&gt;_cpu: seconds</c>, the process's CPU time in it.</summary>
    /// <param name="prefix">Put before each key (<c>bench --scale</c> names the size and the stage).</param>
    /// <param name="include">The phases to print; all when null.</param>
    internal static void PrintTimings(CliContext context, PhaseTimings timings, string prefix = "", Func<string, bool>? include = null)
    {
        foreach (var (phase, seconds, count) in timings.Phases.Where(p => include?.Invoke(p.Phase) ?? true))
        {
            context.Result(prefix + "trace_" + TraceKey(phase), string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} s ({count})"));
            context.Result(prefix + "trace_" + TraceKey(phase) + "_cpu", string.Create(CultureInfo.InvariantCulture, $"{timings.CpuSeconds(phase):F2} s"));
        }
    }

    private static string TraceKey(string phase) =>
        string.Join('_', phase.Split([' ', ',', ':', '(', ')', '+'], StringSplitOptions.RemoveEmptyEntries));

    internal static IngestSummary Run(CliContext context, string inbox, string dbPath, string quarantine, CancellationToken ct, IngestTimings? timings = null)
    {
        using var warehouse = PipelineSteps.OpenWarehouse(dbPath);
        var summary = new PipelineSteps(context.Clock, context.Progress).Ingest(warehouse, inbox, quarantine, ct, timings);
        foreach (var outcome in summary.Files) ValidateCommand.PrintOutcome(context, outcome);
        context.Result("database", Path.GetFullPath(dbPath));
        context.Result("files_loaded", summary.Count(FileOutcomeKind.Loaded) + summary.Count(FileOutcomeKind.Replaced));
        context.Result("files_skipped", summary.Count(FileOutcomeKind.Skipped));
        context.Result("files_rejected", summary.Count(FileOutcomeKind.Rejected));
        context.Result("files_ignored", summary.Ignored.Count);
        context.Result("rows_loaded", summary.RowsLoaded);
        if (summary.Ignored.Count > 0)
            context.Error.WriteLine(
                $"{summary.Ignored.Count} file(s) were ignored and left where they are, because only INBOX/<platform_id>/<file> is read: " +
                string.Join(", ", summary.Ignored.Select(f => Path.GetRelativePath(inbox, f))) + ". Move each into its platform's folder.");
        if (summary.AnyRejected)
        {
            context.Result("quarantine", Path.GetFullPath(quarantine));
            var left = summary.Files.Count(f => f.Kind == FileOutcomeKind.Rejected && f.QuarantinedTo is null);
            context.Error.WriteLine(left == 0
                ? $"{summary.Count(FileOutcomeKind.Rejected)} file(s) were rejected and quarantined whole in {Path.GetFullPath(quarantine)}; each has an .errors.txt report beside it. Other files loaded."
                : $"{summary.Count(FileOutcomeKind.Rejected)} file(s) were rejected: {left} not being regular files (links, pipes, devices) were left in the inbox unread, the others quarantined whole in {Path.GetFullPath(quarantine)} with an .errors.txt report. Other files loaded.");
        }
        return summary;
    }
}
