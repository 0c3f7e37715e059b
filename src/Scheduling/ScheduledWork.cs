using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Linkage;
using MarketStats.Reports;
using MarketStats.Reports.Survey;
using MarketStats.Scheduling.Pulling;

namespace MarketStats.Scheduling;

/// <summary>How one piece of scheduled work ended: a job-history status, the files it touched, and a line for people.</summary>
public sealed record WorkOutcome(string Status, IReadOnlyList<string> FilesTouched, string Summary, string? Error = null);

/// <summary>The work behind each scheduled job, one method per job; the jobs only call these, so anything they do can be run by hand.</summary>
public sealed class ScheduledWork(ScheduleConfig config, SourcePuller puller, TimeProvider clock, ISurveyPublication publication)
{
    public async Task<WorkOutcome> Pull(string platform, CancellationToken ct)
    {
        var summary = await puller.PullAsync(config.Source(platform), ct);
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
        using var warehouse = Warehouse.OpenForWrite(config.DatabasePath);
        Directory.CreateDirectory(config.InboxPath);
        var summary = new Ingestor(warehouse, clock).IngestInbox(config.InboxPath, config.QuarantinePath, ct);
        new SqlModelRunner(warehouse).Run(StagingModels.Models, StagingModels.Tests);
        var touched = summary.Files.Where(f => f.Kind != FileOutcomeKind.Skipped).Select(f => f.QuarantinedTo ?? f.Path).ToList();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"loaded {summary.Count(FileOutcomeKind.Loaded) + summary.Count(FileOutcomeKind.Replaced)}, skipped {summary.Count(FileOutcomeKind.Skipped)}, rejected {summary.Count(FileOutcomeKind.Rejected)}, rows {summary.RowsLoaded}");
        return summary.AnyRejected
            ? new WorkOutcome(JobHistory.ProblemFound, touched, line, $"{summary.Count(FileOutcomeKind.Rejected)} file(s) quarantined in {config.QuarantinePath}")
            : new WorkOutcome(JobHistory.Succeeded, touched, line);
    }

    public WorkOutcome Link()
    {
        using var warehouse = Warehouse.OpenForWrite(config.DatabasePath);
        // Linkage reads staging: make sure it exists even before the first ingest has run.
        new SqlModelRunner(warehouse).Run(StagingModels.Models, StagingModels.Tests);
        var linkage = new ExactLinker(warehouse).Link();
        return new WorkOutcome(JobHistory.Succeeded, [], string.Create(CultureInfo.InvariantCulture, $"{linkage.Accounts} accounts, {linkage.Persons} persons"));
    }

    public WorkOutcome BuildMarts()
    {
        using var warehouse = Warehouse.OpenForWrite(config.DatabasePath);
        Marts.BuildAll(warehouse);
        return new WorkOutcome(JobHistory.Succeeded, [], "marts rebuilt");
    }

    public WorkOutcome PublishSurvey()
    {
        using var warehouse = Warehouse.OpenForWrite(config.DatabasePath);
        // One folder per publication day (in the schedule's time zone), so a re-run never overwrites last year's survey.
        var folder = Path.Combine(config.OutputPath, TimeZoneInfo.ConvertTime(clock.GetUtcNow(), config.Zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var files = publication.Publish(warehouse, folder, config.PublishLanguage);
        return new WorkOutcome(JobHistory.Succeeded, files, $"published {files.Count} file(s) in {folder}");
    }
}

/// <summary>What the yearly publish job writes (a seam, so tests and other publications can stand in).</summary>
public interface ISurveyPublication
{
    /// <summary>Builds what it needs and writes the publication into <paramref name="folder"/>; returns the files written.</summary>
    IReadOnlyList<string> Publish(Warehouse warehouse, string folder, string lang);
}

/// <summary>Publishes the yearly survey for the latest fiscal year that has ended (when one has paid data), and the market-size workbook.</summary>
public sealed class SurveyPublication(TimeProvider clock) : ISurveyPublication
{
    public IReadOnlyList<string> Publish(Warehouse warehouse, string folder, string lang)
    {
        SurveyReport.BuildMarts(warehouse);
        var files = new List<string>();
        if (SurveyReport.LatestCompleteFiscalYear(warehouse, DateOnly.FromDateTime(clock.GetLocalNow().DateTime)) is { } fiscalYear)
        {
            var survey = new SurveyReport(clock).Write(warehouse, fiscalYear, folder, lang);
            files.AddRange([survey.WorkbookPath, .. survey.ChartPaths]);
        }
        var marketSize = new MarketSizeReport().Write(warehouse, folder, lang);
        files.AddRange([marketSize.WorkbookPath, .. marketSize.ChartPaths]);
        return files;
    }
}
