using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using MarketStats.Scheduling;

namespace MarketStats.Cli.Commands;

/// <summary><c>marketstats schedule run|list|trigger JOB --config FILE</c>: the Quartz scheduler that pulls, ingests, links, builds and publishes unattended.</summary>
public static class ScheduleCommand
{
    public static Command Build(CliContext context)
    {
        var command = new Command("schedule", "Run the pipeline on a schedule (Quartz): pull member exports, ingest, link, build marts, publish the survey. See docs/schedule.example.json.");
        command.Subcommands.Add(BuildRun(context));
        command.Subcommands.Add(BuildList(context));
        command.Subcommands.Add(BuildTrigger(context));
        return command;
    }

    private static Option<string> ConfigOption() => new("--config")
    {
        Description = "The schedule configuration (JSON): paths, sources, cron schedules in Asia/Tokyo time, optional PostgreSQL cluster.",
        Required = true,
    };

    /// <summary><c>schedule run</c> handles SIGINT/SIGTERM itself, so a running job may take as long as it needs to stop whole.</summary>
    public static bool HandlesItsOwnSignals(ParseResult parse) => parse.CommandResult.Command is { Name: "run", Parents: var parents } && parents.OfType<Command>().Any(p => p.Name == "schedule");

    private static ScheduleConfig Load(ParseResult parse, Option<string> config)
    {
        try { return ScheduleConfig.Load(parse.GetValue(config)!); }
        catch (ScheduleConfigException e) { throw new CliUsageException(e.Message); }
    }

    private static Command BuildRun(CliContext context)
    {
        var config = ConfigOption();
        var command = new Command("run", "Run the scheduler in the foreground until Ctrl-C or SIGTERM; then no new job starts, and running ones stop whole (a download is abandoned, an ingest rolls back its current file).") { config };
        command.SetAction(async (parse, _) =>
        {
            var settings = Load(parse, config);
            using var stop = new CancellationTokenSource();
            void RequestStop(PosixSignalContext signal)
            {
                if (stop.IsCancellationRequested) return; // a second Ctrl-C: let the runtime end the process now
                signal.Cancel = true; // stop the scheduler ourselves instead of letting the runtime end the process mid-job
                context.Error.WriteLine($"{signal.Signal} received: finishing or abandoning the current job, then stopping (again to stop at once).");
                stop.Cancel();
            }
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
            await using var host = await Start(settings, context, persistent: true);
            context.Result("scheduler", host.Scheduler.SchedulerName);
            context.Result("instance", host.Scheduler.SchedulerInstanceId);
            context.Result("job_store", settings.Cluster is null ? "memory" : "postgresql (clustered)");
            context.Result("job_history", settings.JobHistoryPath);
            context.Out.Flush();
            try { await host.RunUntil(stop.Token); }
            catch (Quartz.SchedulerException e) { throw CouldNotStart(e); }
            context.Result("stopped", "cleanly");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command BuildList(CliContext context)
    {
        var config = ConfigOption();
        var count = new Option<int>("--next") { Description = "How many next fire times to show per job.", DefaultValueFactory = _ => 1 };
        var command = new Command("list", "List the jobs with their cron schedule, misfire policy and next fire times (Japan time).") { config, count };
        command.SetAction((parse, _) =>
        {
            var settings = Load(parse, config);
            var now = context.Clock.GetUtcNow();
            var lastRuns = new JobHistory(settings.JobHistoryPath, context.Clock).Runs().GroupBy(r => r.Job).ToDictionary(g => g.Key, g => g.Last());
            foreach (var job in SchedulerHost.Definitions(settings))
            {
                var last = lastRuns.TryGetValue(job.Name, out var run)
                    ? $"{run.Status} at {TimeZoneInfo.ConvertTime(run.StartedUtc, settings.Zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}"
                    : "never";
                var next = job.Cron is null
                    ? "not scheduled (run with 'schedule trigger')"
                    : string.Join(", ", SchedulerHost.NextFireTimes(settings, job.Cron, now).Take(parse.GetValue(count))
                        .Select(t => t.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)));
                context.Result(job.Name, $"next {next}; cron \"{job.Cron ?? "-"}\" ({settings.TimeZone}); misfire: {job.MisfireText}; last run: {last}");
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command BuildTrigger(CliContext context)
    {
        var config = ConfigOption();
        var job = new Argument<string>("JOB") { Description = "A job name from 'schedule list': pull-<platform>, ingest, link, build-marts or publish-survey." };
        var command = new Command("trigger", "Run one job now, through the same job class, database lock and job history as a scheduled fire, and wait for it.") { job, config };
        command.SetAction(async (parse, ct) =>
        {
            var settings = Load(parse, config);
            await using var host = await Start(settings, context, persistent: false);
            WorkOutcome outcome;
            try { outcome = await host.TriggerNow(parse.GetValue(job)!, ct); }
            catch (ScheduleConfigException e) { throw new CliUsageException(e.Message); }
            context.Result("job", parse.GetValue(job)!);
            context.Result("status", outcome.Status);
            context.Result("summary", outcome.Summary);
            foreach (var file in outcome.FilesTouched) context.Result("file", file);
            context.Result("job_history", settings.JobHistoryPath);
            if (outcome.Error is not null) context.Error.WriteLine(outcome.Error);
            return outcome.Status switch
            {
                JobHistory.Succeeded => ExitCodes.Success,
                JobHistory.ProblemFound => ExitCodes.ProblemFound,
                _ => ExitCodes.CouldNotRun, // failed after retries, database busy, cancelled
            };
        });
        return command;
    }

    private static async Task<SchedulerHost> Start(ScheduleConfig settings, CliContext context, bool persistent)
    {
        try
        {
            return await SchedulerHost.Create(settings, context.Clock, TextWriter.Synchronized(context.Out), persistent, CancellationToken.None);
        }
        catch (ScheduleConfigException e)
        {
            throw new CliUsageException(e.Message);
        }
        catch (Quartz.SchedulerException e)
        {
            throw CouldNotStart(e);
        }
    }

    /// <summary>PostgreSQL unreachable, a wrong password, a schema that cannot be created: exit code 3 with the reason first.</summary>
    private static IOException CouldNotStart(Quartz.SchedulerException e) =>
        new($"The scheduler could not start: {e.Message}{(e.InnerException is { } inner ? " (" + inner.Message + ")" : "")}", e);
}
