using MarketStats.Core.Storage;
using MarketStats.Ingest.Pulling;
using Quartz;

namespace MarketStats.Scheduling.Jobs;

/// <summary>What every job does around its work: the shared database lock, the job-history record, and one log line.</summary>
/// <param name="databaseBusyWait">How long a database job keeps retrying while another process holds DuckDB (zero: fail at once).</param>
public sealed class JobRunner(JobHistory history, TextWriter log, TimeProvider clock, TimeSpan databaseBusyWait)
{
    private static readonly TimeSpan DatabaseRetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>One lock across all job types that open DuckDB: it allows one writer, so database jobs queue here instead of failing each other.</summary>
    /// <remarks>[DisallowConcurrentExecution] stops two runs of the same job; this stops an ingest and a link at once. Another
    /// process holding the database is reported by <see cref="WarehouseUnavailableException"/> and recorded as database-busy.</remarks>
    private readonly SemaphoreSlim databaseLock = new(1, 1);

    /// <summary>Raised after each run is recorded (for <c>schedule trigger</c>, which waits for its one run).</summary>
    public event Action<string, WorkOutcome>? Completed;

    /// <summary>Retries work refused by DuckDB's writer lock until <c>databaseBusyWait</c> has passed: another process's
    /// ingest at 04:00 should delay tonight's link, not cancel it. Nothing was done when the open failed, so a retry is safe.</summary>
    private async Task<WorkOutcome> WaitingForTheDatabase(Func<CancellationToken, Task<WorkOutcome>> work, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + databaseBusyWait;
        while (true)
        {
            try
            {
                return await work(ct);
            }
            catch (WarehouseUnavailableException) when (clock.GetUtcNow() + DatabaseRetryInterval <= deadline)
            {
                await Task.Delay(DatabaseRetryInterval, clock, ct);
            }
        }
    }

    public async ValueTask Run(IJobExecutionContext context, string job, bool usesDatabase, Func<CancellationToken, Task<WorkOutcome>> work, CancellationToken ct)
    {
        var id = history.Start(job, context.Scheduler.SchedulerInstanceId, context.ScheduledFireTimeUtc);
        var holdsLock = false;
        WorkOutcome outcome;
        try
        {
            if (usesDatabase)
            {
                await databaseLock.WaitAsync(ct);
                holdsLock = true;
            }
            outcome = await WaitingForTheDatabase(work, ct);
        }
        catch (WarehouseUnavailableException e)
        {
            outcome = new WorkOutcome(JobHistory.DatabaseBusy, [], "the database is in use by another process", e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            outcome = new WorkOutcome(JobHistory.Cancelled, [], "stopped by shutdown; work in progress was abandoned whole", "cancelled");
        }
        catch (Exception e)
        {
            // A job must never throw into Quartz: the failure belongs in the history, and the next fire tries again.
            outcome = new WorkOutcome(JobHistory.Failed, [], "failed", $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (holdsLock) databaseLock.Release();
        }
        // A URL in a message may carry a member's credential: never store or print one.
        outcome = outcome with { Summary = SourceUrls.Redact(outcome.Summary), Error = outcome.Error is null ? null : SourceUrls.Redact(outcome.Error) };
        history.Finish(id, outcome.Status, outcome.Error, outcome.FilesTouched);
        context.Result = outcome;
        log.WriteLine($"run: {job} {outcome.Status}: {outcome.Summary}{(outcome.Error is null ? "" : " — " + outcome.Error)}");
        log.Flush();
        Completed?.Invoke(job, outcome);
    }
}
