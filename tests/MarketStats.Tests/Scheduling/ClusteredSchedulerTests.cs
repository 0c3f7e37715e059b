using System.Diagnostics;
using MarketStats.Scheduling;
using MarketStats.Tests.Support;
using Npgsql;

namespace MarketStats.Tests.Scheduling;

/// <summary>Two real <c>schedule run</c> processes share one PostgreSQL job store: every fire runs exactly once.</summary>
/// <remarks>Needs PostgreSQL: CI runs .ci/postgres.sh, which starts it and exports MARKETSTATS_TEST_POSTGRES. Without it this test fails; it never passes silently.</remarks>
public sealed class ClusteredSchedulerTests : IDisposable
{
    public const string ConnectionVariable = "MARKETSTATS_TEST_POSTGRES";
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private static string ConnectionString() =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new Xunit.Sdk.XunitException($"PostgreSQL is needed for the clustering test and {ConnectionVariable} is not set: run 'source .ci/postgres.sh' first (it installs and starts PostgreSQL on 127.0.0.1).");

    [Fact]
    public async Task Two_scheduler_processes_on_one_PostgreSQL_fire_each_slot_exactly_once()
    {
        var connection = ConnectionString();
        await using (var probe = new NpgsqlConnection(connection))
        {
            try { await probe.OpenAsync(); }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                Assert.Fail($"PostgreSQL at {ConnectionVariable} is not reachable ({e.Message}): run 'source .ci/postgres.sh' first.");
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
        var nodes = new[] { CliProcess.Start(environment, "schedule", "run", "--config", temp["schedule.json"]), CliProcess.Start(environment, "schedule", "run", "--config", temp["schedule.json"]) };
        var outputs = nodes.Select(n => (Out: n.StandardOutput.ReadToEndAsync(), Err: n.StandardError.ReadToEndAsync())).ToArray();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(14));
            foreach (var node in nodes) CliProcess.Terminate(node);
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            foreach (var node in nodes) await node.WaitForExitAsync(stopping.Token);
        }
        finally
        {
            foreach (var node in nodes.Where(n => !n.HasExited)) node.Kill(entireProcessTree: true);
            await DeleteSchedule(connection, schedulerName);
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            var (stdout, stderr) = (await outputs[i].Out, await outputs[i].Err);
            Assert.True(nodes[i].ExitCode == 0, $"node {i} exited {nodes[i].ExitCode}\n{stdout}\n{stderr}");
            Assert.Contains("stopped: cleanly", stdout);
        }
        var runs = new JobHistory(temp["job-history.sqlite"], TimeProvider.System).Runs().Where(r => r.Job == "pull-P01").ToList();
        var perSlot = runs.GroupBy(r => r.ScheduledFireUtc).ToDictionary(g => g.Key!.Value, g => g.Count());
        var report = string.Join(", ", perSlot.OrderBy(p => p.Key).Select(p => $"{p.Key:HH:mm:ss}×{p.Value}")) + $"; instances: {string.Join(" ", runs.Select(r => r.Instance).Distinct())}";
        Assert.True(perSlot.Count >= 4, $"expected a fire every 2 s for about 12 s, saw {report}");
        Assert.True(perSlot.Values.All(count => count == 1), $"a slot fired more than once: {report}");
        Assert.All(runs, r => Assert.Equal(JobHistory.Succeeded, r.Status));
        Console.WriteLine($"clustered fires per slot: {report}");
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
