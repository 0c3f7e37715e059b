using MarketStats.Scheduling;
using MarketStats.Tests.Support;
using Npgsql;

namespace MarketStats.Tests.Scheduling;

/// <summary>Two real <c>schedule run</c> processes share one PostgreSQL job store: every fire runs exactly once.</summary>
/// <remarks>Needs PostgreSQL: <see cref="PostgresServer"/> starts a throwaway one (or uses MARKETSTATS_TEST_POSTGRES). Without it these tests fail; they never pass silently.</remarks>
public sealed class ClusteredSchedulerTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    /// <summary>The variable the tests' schedule configuration names for the cluster's connection string.</summary>
    public const string ConnectionVariable = "MARKETSTATS_TEST_CLUSTER_POSTGRES";
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private string ConnectionString()
    {
        var connection = postgres.ConnectionString;
        // The in-process scheduler reads the configured variable from this process's environment, as a node does.
        Environment.SetEnvironmentVariable(ConnectionVariable, connection);
        return connection;
    }

    [Fact]
    public async Task Two_scheduler_processes_on_one_PostgreSQL_fire_each_slot_exactly_once()
    {
        var connection = ConnectionString();
        await using (var probe = new NpgsqlConnection(connection))
        {
            try { await probe.OpenAsync(); }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                Assert.Fail($"PostgreSQL at {PostgresServer.ConnectionVariable} is not reachable ({e.Message}).");
            }
        }
        // A scheduler name of its own: runs of this test (and other schedules) in the same database never see each other's triggers.
        var schedulerName = "test-cluster-" + Guid.NewGuid().ToString("N")[..12];
        Directory.CreateDirectory(temp["drop"]);
        File.WriteAllText(temp["schedule.json"], $$"""
            {
              "sources": [ { "platform": "P01", "dropFolder": "drop", "cron": "0/2 * * * * ?" } ],
              "cluster": { "connectionStringEnvironmentVariable": "{{ConnectionVariable}}", "schedulerName": "{{schedulerName}}",
                           "checkinIntervalMilliseconds": 1000, "idleWaitMilliseconds": 1000 }
            }
            """);
        var environment = new Dictionary<string, string> { [ConnectionVariable] = connection };
        var nodes = new[] { Node.Start(environment, temp["schedule.json"]), Node.Start(environment, temp["schedule.json"]) };
        var history = new JobHistory(temp["job-history.sqlite"], TimeProvider.System);
        DateTimeOffset bothRunning;
        try
        {
            // Count only the slots after both nodes were up: before that, one node alone proves nothing.
            using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Task.WhenAll(nodes.Select(n => n.Ready.Task.WaitAsync(starting.Token)));
            bothRunning = TimeProvider.System.GetUtcNow().AddSeconds(1);
            var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
            while (SlotsSince(history, bothRunning).Count < 5 && TimeProvider.System.GetUtcNow() < deadline) await Task.Delay(250);
            foreach (var node in nodes) CliProcess.Terminate(node.Process);
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            foreach (var node in nodes) await node.Process.WaitForExitAsync(stopping.Token);
        }
        finally
        {
            foreach (var node in nodes.Where(n => !n.Process.HasExited)) node.Process.Kill(entireProcessTree: true);
            await DeleteSchedule(connection, schedulerName);
        }

        foreach (var node in nodes)
        {
            var (stdout, stderr) = (string.Join('\n', node.Lines), await node.Error);
            Assert.True(node.Process.ExitCode == 0, $"a node exited {node.Process.ExitCode}\n{stdout}\n{stderr}");
            Assert.Contains("stopped: cleanly", stdout);
        }
        var perSlot = SlotsSince(history, bothRunning);
        var runs = history.Runs().Where(r => r.Job == "pull-P01").ToList();
        var report = string.Join(", ", perSlot.OrderBy(p => p.Key).Select(p => $"{p.Key:HH:mm:ss}×{p.Value}")) + $"; instances: {string.Join(" ", runs.Select(r => r.Instance).Distinct())}";
        Assert.True(perSlot.Count >= 4, $"expected a fire every 2 s while both nodes ran, saw {report}");
        Assert.True(perSlot.Values.All(count => count == 1), $"a slot fired more than once: {report}");
        Assert.All(runs, r => Assert.Equal(JobHistory.Succeeded, r.Status));
        Console.WriteLine($"clustered fires per slot: {report}");
    }

    [Fact]
    public async Task After_downtime_a_pull_fires_once_for_all_missed_slots_and_the_publication_not_at_all()
    {
        var connection = ConnectionString();
        var schedulerName = "test-misfire-" + Guid.NewGuid().ToString("N")[..12];
        // Three one-time slots 4-6 s from now (Japan time, year included), all falling while no scheduler runs.
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var first = TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow().AddSeconds(4), tokyo);
        if (first.Second > 57) first = first.AddSeconds(60 - first.Second); // keep the three slots inside one minute
        var cron = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{first.Second},{first.Second + 1},{first.Second + 2} {first.Minute} {first.Hour} {first.Day} {first.Month} ? {first.Year}");
        Directory.CreateDirectory(temp["drop"]);
        File.WriteAllText(temp["schedule.json"], $$"""
            {
              "sources": [ { "platform": "P01", "dropFolder": "drop", "cron": "{{cron}}" } ],
              "jobs": { "publishSurvey": "{{cron}}" },
              "misfireThresholdSeconds": 1,
              "cluster": { "connectionStringEnvironmentVariable": "{{ConnectionVariable}}", "schedulerName": "{{schedulerName}}",
                           "checkinIntervalMilliseconds": 1000, "idleWaitMilliseconds": 1000 }
            }
            """);
        var environment = new Dictionary<string, string> { [ConnectionVariable] = connection };
        try
        {
            // Store the triggers as 'schedule run' does at start-up (in-process: a child process may take longer than 4 s to start), then stay "off".
            var config = ScheduleConfig.Load(temp["schedule.json"]);
            await using (var host = await SchedulerHost.Create(config, TimeProvider.System, TextWriter.Null, persistent: true, CancellationToken.None))
                await host.ScheduleConfiguredJobs(CancellationToken.None);
            var afterSlots = first.AddSeconds(2 + 3);
            var off = afterSlots - TimeProvider.System.GetUtcNow();
            if (off > TimeSpan.Zero) await Task.Delay(off);
            Assert.Empty(new JobHistory(temp["job-history.sqlite"], TimeProvider.System).Runs()); // nothing ran while it was off
            await RunNodeBriefly(environment, TimeSpan.FromSeconds(5));       // back on: misfires are handled
        }
        finally
        {
            await DeleteSchedule(connection, schedulerName);
        }
        var runs = new JobHistory(temp["job-history.sqlite"], TimeProvider.System).Runs();
        Assert.Equal(1, runs.Count(r => r.Job == "pull-P01"));        // FireAndProceed: once now for three missed slots
        Assert.Equal(0, runs.Count(r => r.Job == "publish-survey"));  // DoNothing: a late publication is started by a person
    }

    private async Task RunNodeBriefly(IReadOnlyDictionary<string, string> environment, TimeSpan after)
    {
        var node = Node.Start(environment, temp["schedule.json"]);
        try
        {
            using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await node.Ready.Task.WaitAsync(starting.Token);
            await Task.Delay(after + TimeSpan.FromSeconds(1)); // the start-up line comes just before the scheduler starts
            CliProcess.Terminate(node.Process);
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await node.Process.WaitForExitAsync(stopping.Token);
        }
        finally
        {
            if (!node.Process.HasExited) node.Process.Kill(entireProcessTree: true);
        }
        Assert.True(node.Process.ExitCode == 0, $"the node exited {node.Process.ExitCode}\n{string.Join('\n', node.Lines)}\n{await node.Error}");
    }

    /// <summary>How many times each fire time (slot) of the pull ran, counting slots from <paramref name="since"/>.</summary>
    private static Dictionary<DateTimeOffset, int> SlotsSince(JobHistory history, DateTimeOffset since) =>
        history.Runs().Where(r => r.Job == "pull-P01" && r.ScheduledFireUtc >= since)
            .GroupBy(r => r.ScheduledFireUtc!.Value).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>One <c>schedule run</c> process, its output read line by line as it comes.</summary>
    private sealed class Node
    {
        public required System.Diagnostics.Process Process { get; init; }
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();
        /// <summary>Completes when the node has printed its start-up lines (its scheduler is built and about to start).</summary>
        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<string> Error { get; private set; } = Task.FromResult("");

        public static Node Start(IReadOnlyDictionary<string, string> environment, string config)
        {
            var node = new Node { Process = CliProcess.Start(environment, "schedule", "run", "--config", config) };
            node.Error = node.Process.StandardError.ReadToEndAsync();
            _ = Task.Run(async () =>
            {
                while (await node.Process.StandardOutput.ReadLineAsync() is { } line)
                {
                    node.Lines.Enqueue(line);
                    if (line.StartsWith("job_history:", StringComparison.Ordinal)) node.Ready.TrySetResult();
                }
                node.Ready.TrySetResult(); // exited early: the exit code assertion tells why
            });
            return node;
        }
    }

    /// <summary>Removes this test's schedule from Quartz's tables (rows are keyed by scheduler name).</summary>
    private static async Task DeleteSchedule(string connectionString, string schedulerName)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        string[] tables = ["qrtz_fired_triggers", "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_cron_triggers", "qrtz_blob_triggers",
                           "qrtz_triggers", "qrtz_job_details", "qrtz_calendars", "qrtz_paused_trigger_grps", "qrtz_locks", "qrtz_scheduler_state"];
        foreach (var table in tables)
        {
            await using var delete = new NpgsqlCommand($"delete from {table} where sched_name = $1", connection) { Parameters = { new() { Value = schedulerName } } };
            try { await delete.ExecuteNonQueryAsync(); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { /* this Quartz version has no such table */ }
        }
    }
}
