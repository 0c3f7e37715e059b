using Quartz;

namespace MarketStats.Scheduling.Jobs;

// Thin jobs: each resolves its arguments and calls one method of ScheduledWork, through JobRunner (lock, history, log).

[DisallowConcurrentExecution] // two pulls of one source would write the same landing files
public sealed class PullJob(JobRunner runner, ScheduledWork work) : IJob
{
    public const string PlatformKey = "platform";

    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default)
    {
        var platform = context.MergedJobDataMap[PlatformKey] as string ?? throw new JobExecutionException($"Job {context.JobDetail.Key} has no {PlatformKey}.");
        return runner.Run(context, JobNames.Pull(platform), usesDatabase: false, c => work.Pull(platform, c), ct);
    }
}

[DisallowConcurrentExecution] // two overlapping ingests would fight over DuckDB's single writer
public sealed class IngestJob(JobRunner runner, ScheduledWork work) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default) =>
        runner.Run(context, JobNames.Ingest, usesDatabase: true, c => Task.FromResult(work.Ingest(c)), ct);
}

[DisallowConcurrentExecution]
public sealed class LinkJob(JobRunner runner, ScheduledWork work) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default) =>
        runner.Run(context, JobNames.Link, usesDatabase: true, c => Task.FromResult(work.Link(c)), ct);
}

[DisallowConcurrentExecution]
public sealed class BuildMartsJob(JobRunner runner, ScheduledWork work) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default) =>
        runner.Run(context, JobNames.BuildMarts, usesDatabase: true, _ => Task.FromResult(work.BuildMarts()), ct);
}

[DisallowConcurrentExecution]
public sealed class PublishSurveyJob(JobRunner runner, ScheduledWork work) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default) =>
        runner.Run(context, JobNames.PublishSurvey, usesDatabase: true, _ => Task.FromResult(work.PublishSurvey()), ct);
}
