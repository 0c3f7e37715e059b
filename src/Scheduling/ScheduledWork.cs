using System.Globalization;
using MarketStats.Ingest;
using MarketStats.Ingest.Pulling;
using MarketStats.Pipeline;

namespace MarketStats.Scheduling;

/// <summary>How one piece of scheduled work ended: a job-history status, the files it touched, and a line for people.</summary>
public sealed record WorkOutcome(string Status, IReadOnlyList<string> FilesTouched, string Summary, string? Error = null);

/// <summary>
/// The work behind each scheduled job, one method per job: each resolves the configuration's paths, takes the
/// database and calls one step of <see cref="PipelineSteps"/>, the same step the commands call, then turns its
/// result into a job-history outcome.
/// </summary>
public sealed class ScheduledWork(ScheduleConfig config, SourcePuller puller, TimeProvider clock)
{
    private readonly PipelineSteps steps = new(clock);

    public async Task<WorkOutcome> Pull(string platform, CancellationToken ct)
    {
        var summary = await steps.Pull(puller, config.PullSource(platform), ct);
        var touched = summary.Landed.Select(n => Path.Combine(config.InboxPath, platform, n)).Concat(summary.Quarantined).ToList();
        var line = $"landed {summary.Landed.Count}, skipped {summary.Skipped.Count}, quarantined {summary.Quarantined.Count}, refused {summary.Refused.Count}, failed {summary.Failed.Count}";
        if (summary.AnyFailed) return new WorkOutcome(JobHistory.Failed, touched, line, string.Join("; ", summary.Failed));
        if (summary.AnyQuarantined || summary.AnyRefused)
            return new WorkOutcome(JobHistory.ProblemFound, touched, line,
                string.Join("; ", summary.Quarantined.Select(q => "quarantined: " + q).Concat(summary.Refused.Select(r => "refused: " + r))));
        return new WorkOutcome(JobHistory.Succeeded, touched, line);
    }

    public WorkOutcome Ingest(CancellationToken ct)
    {
        using var warehouse = PipelineSteps.OpenWarehouse(config.DatabasePath);
        // A scheduled ingest before any delivery finds an empty inbox, not a missing one.
        Directory.CreateDirectory(config.InboxPath);
        var summary = steps.Ingest(warehouse, config.InboxPath, config.QuarantinePath, ct);
        var touched = summary.Files.Where(f => f.Kind != FileOutcomeKind.Skipped).Select(f => f.QuarantinedTo ?? f.Path).ToList();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"loaded {summary.Count(FileOutcomeKind.Loaded) + summary.Count(FileOutcomeKind.Replaced)}, skipped {summary.Count(FileOutcomeKind.Skipped)}, rejected {summary.Count(FileOutcomeKind.Rejected)}, rows {summary.RowsLoaded}");
        return summary.AnyProblem
            ? new WorkOutcome(JobHistory.ProblemFound, touched, line,
                $"{summary.Count(FileOutcomeKind.Rejected)} file(s) quarantined in {config.QuarantinePath}, {summary.Ignored.Count} ignored outside the platform folders")
            : new WorkOutcome(JobHistory.Succeeded, touched, line);
    }

    public WorkOutcome Link(CancellationToken ct)
    {
        using var warehouse = PipelineSteps.OpenWarehouse(config.DatabasePath);
        // As in a refresh: a transactions file alone changes no person, so the persons are re-linked only when needed.
        if (steps.LinkIfStale(warehouse, ct) is not { } linkage)
            return new WorkOutcome(JobHistory.Succeeded, [], "persons current (registrations unchanged): not re-linked");
        return new WorkOutcome(JobHistory.Succeeded, [], string.Create(CultureInfo.InvariantCulture,
            $"{linkage.Accounts} accounts, {linkage.WorkerPersons} workers, {linkage.ClientPersons} clients, {linkage.Links} links, {linkage.NewPersonIds} new person ids"));
    }

    public WorkOutcome BuildMarts()
    {
        using var warehouse = PipelineSteps.OpenWarehouse(config.DatabasePath);
        var rebuilt = steps.BuildMarts(warehouse, MartScope.All);
        return new WorkOutcome(JobHistory.Succeeded, [], rebuilt ? "marts rebuilt" : "marts current");
    }

    public WorkOutcome PublishSurvey()
    {
        using var warehouse = PipelineSteps.OpenWarehouse(config.DatabasePath);
        // One folder per publication day (in the schedule's time zone), so a re-run never overwrites last year's survey.
        var folder = Path.Combine(config.OutputPath, TimeZoneInfo.ConvertTime(clock.GetUtcNow(), config.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var files = steps.Publish(warehouse, folder, config.PublishLanguage).Files;
        return new WorkOutcome(JobHistory.Succeeded, files, $"published {files.Count} file(s) in {folder}");
    }
}
