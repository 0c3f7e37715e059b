using System.Globalization;
using MarketStats.Ingest.Pulling;
using MarketStats.Scheduling.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace MarketStats.Scheduling;

/// <summary>One schedulable job: its name, job class, cron (null: only by trigger), misfire policy and data.</summary>
public sealed record JobDefinition(string Name, Type JobType, string? Cron, CronTriggerMisfireInstruction Misfire, string? Platform = null)
{
    public JobKey Key => new(Name, "marketstats");
    public TriggerKey TriggerKey => new(Name, "marketstats");

    /// <summary>The misfire policy in words, for <c>schedule list</c> and the README.</summary>
    public string MisfireText => Misfire == CronTriggerMisfireInstruction.DoNothing
        ? "missed fires are skipped; run it by hand with 'schedule trigger'"
        : "fire once now for all missed fires, then keep to the schedule";
}

/// <summary>Builds the Quartz scheduler for a configuration: its job store, the jobs and their cron triggers.</summary>
/// <remarks>
/// Misfire policy (a fire missed because the machine was off, or every worker was busy, for longer than
/// <c>misfireThresholdSeconds</c>, 60 s by default):
/// pulls, ingest, link and build-marts fire once as soon as the scheduler is back (FireAndProceed), however many
/// fires were missed — one catch-up run does all the missed work, since each of these is idempotent. The yearly
/// publish-survey does nothing (DoNothing): a publication is an event people expect at a known time, so a late one
/// is run deliberately with <c>schedule trigger publish-survey</c>, never by surprise.
/// </remarks>
public sealed class SchedulerHost : IAsyncDisposable
{
    private const string Group = "marketstats";

    public IScheduler Scheduler { get; }
    public JobRunner Runner { get; }
    public IReadOnlyList<JobDefinition> Jobs { get; }
    private readonly ScheduleConfig config;
    private readonly TimeProvider clock;
    private readonly TextWriter log;

    private SchedulerHost(IScheduler scheduler, JobRunner runner, IReadOnlyList<JobDefinition> jobs, ScheduleConfig config, TimeProvider clock, TextWriter log)
    {
        this.log = log;
        Scheduler = scheduler;
        Runner = runner;
        Jobs = jobs;
        this.config = config;
        this.clock = clock;
    }

    /// <summary>Every job the configuration defines, in the order the pipeline runs them.</summary>
    public static IReadOnlyList<JobDefinition> Definitions(ScheduleConfig config) =>
    [
        .. config.Sources.Select(s => new JobDefinition(JobNames.Pull(s.Platform), typeof(PullJob), s.Cron, CronTriggerMisfireInstruction.FireAndProceed, s.Platform)),
        new(JobNames.Ingest, typeof(IngestJob), config.Jobs.Ingest, CronTriggerMisfireInstruction.FireAndProceed),
        new(JobNames.Link, typeof(LinkJob), config.Jobs.Link, CronTriggerMisfireInstruction.FireAndProceed),
        new(JobNames.BuildMarts, typeof(BuildMartsJob), config.Jobs.BuildMarts, CronTriggerMisfireInstruction.FireAndProceed),
        new(JobNames.PublishSurvey, typeof(PublishSurveyJob), config.Jobs.PublishSurvey, CronTriggerMisfireInstruction.DoNothing),
    ];

    /// <summary>The next fire times of a cron expression in the configuration's time zone.</summary>
    public static IEnumerable<DateTimeOffset> NextFireTimes(ScheduleConfig config, string cron, DateTimeOffset after)
    {
        var expression = new CronExpression(cron, config.Zone);
        for (var next = expression.GetNextValidTimeAfter(after); next is { } time; next = expression.GetNextValidTimeAfter(time))
            yield return TimeZoneInfo.ConvertTime(time, config.Zone);
    }

    /// <param name="persistent">For <c>schedule run</c>: the configured store (PostgreSQL when <c>cluster</c> is set), and database jobs wait
    /// <c>databaseBusyWaitSeconds</c> for another process. False, for <c>schedule trigger</c>: a private in-memory store, no waiting.</param>
    public static async Task<SchedulerHost> Create(ScheduleConfig config, TimeProvider clock, TextWriter log, bool persistent, CancellationToken ct,
        HttpClient? http = null)
    {
        var jobs = Definitions(config);
        var history = new JobHistory(config.JobHistoryPath, clock);
        // A person running 'schedule trigger' wants the "in use" answer now; the scheduler may wait for the other process.
        var runner = new JobRunner(history, log, clock, persistent ? TimeSpan.FromSeconds(config.DatabaseBusyWaitSeconds) : TimeSpan.Zero);
        // One HttpClient per scheduler: each attempt has its own timeout, so the client's own is switched off.
        http ??= new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var work = new ScheduledWork(config, new SourcePuller(config.PullFolders, config.Http, http, clock), clock);
        var properties = Properties(config, persistent);
        var scheduler = await QuartzSchedulerBuilder.Create(quartz =>
            {
                quartz.UseTimeProvider(clock);
                quartz.Services.AddSingleton(config);
                quartz.Services.AddSingleton(history);
                quartz.Services.AddSingleton(runner);
                quartz.Services.AddSingleton(work);
                // Ctrl-C / SIGTERM: cancel the running jobs' tokens and wait for them, so each finishes or abandons its step whole.
                quartz.ConfigureScheduler(o => o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs);
            })
            .UseProperties(properties)
            .BuildScheduler(ct);
        return new SchedulerHost(scheduler, runner, jobs, config, clock, log);
    }

    private static Dictionary<string, string?> Properties(ScheduleConfig config, bool persistent)
    {
        var inv = CultureInfo.InvariantCulture;
        var properties = new Dictionary<string, string?>
        {
            ["quartz.threadPool.maxConcurrency"] = "4",
            ["quartz.jobStore.misfireThreshold"] = ((int)(config.MisfireThresholdSeconds * 1000)).ToString(inv),
        };
        if (!persistent || config.Cluster is null)
        {
            // A private name: several in-memory schedulers may live in one process (tests, trigger beside run).
            properties["quartz.scheduler.instanceName"] = "marketstats-local-" + Guid.NewGuid().ToString("N");
            return properties;
        }
        var cluster = config.Cluster;
        properties["quartz.scheduler.instanceName"] = cluster.SchedulerName;
        properties["quartz.scheduler.instanceId"] = "AUTO";
        // A node that is idle polls this often for due triggers; the default (30 s) would make a standby node react late.
        properties["quartz.scheduler.idleWaitTime"] = cluster.IdleWaitMilliseconds.ToString(inv);
        properties["quartz.jobStore.type"] = "Quartz.Impl.AdoJobStore.JobStoreTX, Quartz";
        properties["quartz.jobStore.driverDelegateType"] = "Quartz.Impl.AdoJobStore.PostgreSQLDelegate, Quartz";
        properties["quartz.jobStore.dataSource"] = "marketstats";
        properties["quartz.jobStore.tablePrefix"] = "qrtz_";
        properties["quartz.jobStore.useProperties"] = "true";
        properties["quartz.jobStore.clustered"] = "true";
        properties["quartz.jobStore.clusterCheckinInterval"] = cluster.CheckinIntervalMilliseconds.ToString(inv);
        properties["quartz.jobStore.schemaProvisioning"] = "CreateIfMissing";
        properties["quartz.dataSource.marketstats.provider"] = "Npgsql";
        properties["quartz.dataSource.marketstats.connectionString"] = cluster.ConnectionString();
        properties["quartz.serializer.type"] = "stj";
        return properties;
    }

    /// <summary>Stores every job and, for those with a cron, its trigger. Safe when several cluster nodes start together.</summary>
    public async Task ScheduleConfiguredJobs(CancellationToken ct)
    {
        foreach (var job in Jobs)
        {
            await Scheduler.AddJob(Detail(job), AddJobOptions.Replacing, ct);
            if (job.Cron is null)
            {
                await Scheduler.UnscheduleJob(job.TriggerKey, ct);
                continue;
            }
            var trigger = TriggerBuilder.Create(clock)
                .WithIdentity(job.TriggerKey)
                .ForJob(job.Key)
                .WithSchedule(CronScheduleBuilder.Create(job.Cron).InTimeZone(config.Zone).WithMisfireInstruction(job.Misfire))
                .Build();
            // Keep a stored trigger that already has this schedule: replacing it on every node's start could re-fire a slot another node has just fired.
            // Keeping it also keeps its missed fires, which the misfire policy then handles.
            var existing = await Scheduler.GetTrigger(job.TriggerKey, ct) as ICronTrigger;
            var same = existing is not null && existing.CronExpressionString == job.Cron && existing.TimeZone.Id == config.Zone.Id && existing.MisfireInstruction == job.Misfire;
            if (same) continue;
            if (!NextFireTimes(config, job.Cron, clock.GetUtcNow()).Any())
            {
                log.WriteLine($"warning: the cron \"{job.Cron}\" of {job.Name} never fires again; the job is not scheduled.");
                await Scheduler.UnscheduleJob(job.TriggerKey, ct);
                continue;
            }
            // Two nodes starting together may both get here: the later one's Keep leaves the first one's trigger alone.
            await Scheduler.ScheduleTrigger(trigger, existing is null ? TriggerConflict.Keep : TriggerConflict.Replace, ct);
        }
        // Jobs removed from the configuration stop firing.
        var configured = Jobs.Select(j => j.Key).ToHashSet();
        var stored = await Scheduler.QueryJobs(new JobQuery(), ct);
        foreach (var header in stored.Items)
            if (header.Key.Group == Group && !configured.Contains(header.Key))
                await Scheduler.DeleteJob(header.Key, ct);
    }

    private static IJobDetail Detail(JobDefinition job)
    {
        var builder = JobBuilder.Create().OfType(job.JobType).WithIdentity(job.Key).StoreDurably(true).WithDescription(job.MisfireText);
        if (job.Platform is not null) builder = builder.UsingJobData(PullJob.PlatformKey, job.Platform);
        return builder.Build();
    }

    /// <summary>Runs the scheduler until <paramref name="stop"/> is cancelled, then shuts down: no new fires, running jobs are cancelled and awaited.</summary>
    public async Task RunUntil(CancellationToken stop)
    {
        await ScheduleConfiguredJobs(stop);
        await Scheduler.Start(stop);
        try { await Task.Delay(Timeout.InfiniteTimeSpan, clock, stop); }
        catch (OperationCanceledException) { /* the way a foreground scheduler is asked to stop */ }
        await Scheduler.Shutdown(true, CancellationToken.None);
    }

    /// <summary>Runs one job now through the same job class, lock and history as a scheduled fire, and waits for it.</summary>
    public async Task<WorkOutcome> TriggerNow(string name, CancellationToken ct)
    {
        var job = Jobs.FirstOrDefault(j => j.Name == name)
            ?? throw new ScheduleConfigException($"No job named {name}; 'schedule list' shows the jobs: {string.Join(", ", Jobs.Select(j => j.Name))}.");
        var done = new TaskCompletionSource<WorkOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Runner.Completed += (completed, outcome) => { if (completed == name) done.TrySetResult(outcome); };
        await Scheduler.AddJob(Detail(job), AddJobOptions.Replacing, ct);
        await Scheduler.Start(ct);
        await Scheduler.TriggerJob(job.Key, new JobDataMap(), ct);
        try
        {
            return await done.Task.WaitAsync(ct);
        }
        finally
        {
            await Scheduler.Shutdown(true, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Scheduler.Status is not (SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown)) await Scheduler.Shutdown(false, CancellationToken.None);
    }
}
