using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Scheduling;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace MarketStats.Tests.Cli;

/// <summary><c>schedule run|list|trigger</c>: the same jobs, lock and history whether fired by the clock or by hand.</summary>
public sealed class ScheduleCommandTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private string DropFolderConfig(string extra = "")
    {
        var drop = Directory.CreateDirectory(temp["drop"]).FullName;
        ExportFile.Transactions(rows: 8).Write(Path.Combine(drop, "transactions-FY2024.csv"));
        ExportFile.Registrations(rows: 6).Write(Path.Combine(drop, "registrations-FY2024.csv"));
        File.WriteAllText(temp["schedule.json"], $$"""
            {
              "sources": [ { "platform": "P01", "dropFolder": "drop", "cron": "0 0 2 * * ?" } ],
              "jobs": { "ingest": "0 0 4 * * ?", "publishSurvey": "0 0 10 1 7 ?" }{{extra}}
            }
            """);
        return temp["schedule.json"];
    }

    [Fact]
    public async Task Trigger_runs_each_job_by_hand_from_pull_to_publish_and_records_every_run()
    {
        var config = DropFolderConfig();
        foreach (var job in new[] { "pull-P01", "ingest", "link", "build-marts", "publish-survey" })
        {
            var (code, output, error) = await CliRunner.Run("schedule", "trigger", job, "--config", config);
            Assert.True(code == ExitCodes.Success, $"{job} exited {code}: {output}\n{error}");
            Assert.Equal(JobHistory.Succeeded, CliRunner.Results(output)["status"].Single());
        }
        Assert.Equal(2, Directory.GetFiles(temp["inbox/P01"]).Length);
        Assert.Single(Directory.GetFiles(temp["out"], "market-size.xlsx", SearchOption.AllDirectories));
        Assert.Single(Directory.GetFiles(temp["out"], "survey-FY2024.xlsx", SearchOption.AllDirectories));

        var runs = new JobHistory(temp["job-history.sqlite"], TimeProvider.System).Runs();
        Assert.Equal(["pull-P01", "ingest", "link", "build-marts", "publish-survey"], runs.Select(r => r.Job));
        Assert.All(runs, r => Assert.True(r.EndedUtc >= r.StartedUtc));
        Assert.Equal(2, runs[0].FilesTouched.Count); // pull: the two files it put in the inbox
        Assert.Equal(2, runs[1].FilesTouched.Count); // ingest: the two files it loaded
        // build-marts then publish-survey rebuild the marts on an existing database: a regression test for re-runs.
        using var warehouse = Warehouse.OpenReadOnly(temp["marketstats.duckdb"]);
        Assert.Equal(8L, warehouse.Scalar<long>("select count(*) from raw_transactions"));
    }

    [Fact]
    public async Task Trigger_while_another_process_holds_the_database_exits_3_and_records_database_busy()
    {
        var config = DropFolderConfig();
        using (Warehouse.OpenForWrite(temp["marketstats.duckdb"])) { } // create it, then hold it from this process below
        using var holder = Warehouse.OpenForWrite(temp["marketstats.duckdb"]);
        using var child = CliProcess.Start("schedule", "trigger", "ingest", "--config", config);
        var stderr = child.StandardError.ReadToEndAsync();
        await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();

        Assert.Equal(ExitCodes.CouldNotRun, child.ExitCode);
        Assert.Contains("in use by another MarketStats process", await stderr);
        Assert.Equal(JobHistory.DatabaseBusy, new JobHistory(temp["job-history.sqlite"], TimeProvider.System).Runs().Single().Status);
    }

    [Fact]
    public async Task Run_waits_for_another_process_to_release_the_database_instead_of_giving_up()
    {
        DropFolderConfig();
        File.WriteAllText(temp["schedule.json"], """
            { "sources": [ { "platform": "P01", "dropFolder": "drop" } ], "jobs": { "ingest": "0/1 * * * * ?" }, "databaseBusyWaitSeconds": 60 }
            """);
        var history = new JobHistory(temp["job-history.sqlite"], TimeProvider.System);
        using (Warehouse.OpenForWrite(temp["marketstats.duckdb"])) { }
        var holder = Warehouse.OpenForWrite(temp["marketstats.duckdb"]); // this process is the "other writer"
        using var node = CliProcess.Start("schedule", "run", "--config", temp["schedule.json"]);
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        try
        {
            var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
            while (history.Runs().Count == 0 && TimeProvider.System.GetUtcNow() < deadline && !node.HasExited) await Task.Delay(100);
            await Task.Delay(TimeSpan.FromSeconds(3)); // the ingest is now waiting for the lock
            Assert.Equal(JobHistory.Running, history.Runs().First().Status);
            holder.Dispose();
            while (history.Runs().First().Status == JobHistory.Running && TimeProvider.System.GetUtcNow() < deadline.AddSeconds(30)) await Task.Delay(100);
            CliProcess.Terminate(node);
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await node.WaitForExitAsync(stopping.Token);
        }
        finally
        {
            holder.Dispose();
            if (!node.HasExited) node.Kill(entireProcessTree: true);
        }
        Assert.True(node.ExitCode == ExitCodes.Success, $"exit {node.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Equal(JobHistory.Succeeded, history.Runs().First().Status);
        Assert.DoesNotContain(history.Runs(), r => r.Status == JobHistory.DatabaseBusy);
    }

    [Fact]
    public async Task List_prints_each_job_with_its_next_fire_time_in_Japan_time()
    {
        var config = DropFolderConfig();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await MarketStatsCli.RunAsync(["schedule", "list", "--config", config], output, error, clock);

        Assert.Equal(ExitCodes.Success, code);
        var results = CliRunner.Results(output.ToString());
        Assert.StartsWith("next 2026-11-24 02:00:00 +09:00;", results["pull-P01"].Single());
        Assert.StartsWith("next 2026-11-24 04:00:00 +09:00;", results["ingest"].Single());
        Assert.StartsWith("next 2027-07-01 10:00:00 +09:00;", results["publish-survey"].Single());
        Assert.Contains("not scheduled", results["link"].Single());
        Assert.EndsWith("last run: never", results["ingest"].Single());
    }

    [Fact]
    public async Task Schedule_and_its_subcommands_have_help()
    {
        foreach (var args in new[] { new[] { "schedule", "--help" }, ["schedule", "run", "--help"], ["schedule", "list", "--help"], ["schedule", "trigger", "--help"] })
        {
            var (code, output, _) = await CliRunner.Run(args);
            Assert.Equal(ExitCodes.Success, code);
            Assert.Contains("Usage:", output);
        }
    }

    [Theory]
    [InlineData("schedule", "trigger", "no-such-job")]
    [InlineData("schedule", "list")]                     // --config is required
    [InlineData("schedule", "list", "--config", "{bad}")] // an invalid configuration
    public async Task Wrong_usage_exits_2(params string[] args)
    {
        var config = DropFolderConfig();
        File.WriteAllText(temp["bad.json"], """{ "sources": [ { "platform": "P01" } ] }""");
        var resolved = args.Select(a => a == "{bad}" ? temp["bad.json"] : a).ToList();
        if (args[1] == "trigger") resolved.AddRange(["--config", config]);
        var (code, _, error) = await CliRunner.Run([.. resolved]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Misfire_policy_is_fire_once_for_pipeline_jobs_and_nothing_for_the_yearly_publication()
    {
        var config = ScheduleConfig.Load(DropFolderConfig());
        await using var host = await SchedulerHost.Create(config, TimeProvider.System, TextWriter.Null, persistent: true, CancellationToken.None);
        await host.ScheduleConfiguredJobs(CancellationToken.None);
        async Task<CronTriggerMisfireInstruction> MisfireOf(string job) =>
            ((ICronTrigger)(await host.Scheduler.GetTrigger(new TriggerKey(job, "marketstats"), CancellationToken.None))!).MisfireInstruction;

        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, await MisfireOf("pull-P01"));
        Assert.Equal(CronTriggerMisfireInstruction.FireAndProceed, await MisfireOf("ingest"));
        Assert.Equal(CronTriggerMisfireInstruction.DoNothing, await MisfireOf("publish-survey"));
        Assert.Null(await host.Scheduler.GetTrigger(new TriggerKey("link", "marketstats"), CancellationToken.None)); // no cron: trigger only
    }

    [Fact]
    public async Task Run_stopped_by_SIGTERM_mid_download_abandons_it_whole_and_exits_cleanly()
    {
        using var server = new ExportServer();
        server.Offer("transactions.csv", System.Text.Encoding.UTF8.GetBytes(ExportFile.Transactions().ToCsv()))
              .Misbehave("transactions.csv", ExportServer.Misbehaviour.SlowAnswer, times: 10);
        File.WriteAllText(temp["schedule.json"], $$"""
            {
              "sources": [ { "platform": "P01", "manifestUrl": "{{server.ManifestUrl}}", "cron": "0/1 * * * * ?" } ],
              "http": { "timeoutSeconds": 30, "maxAttempts": 1 }
            }
            """);
        using var node = CliProcess.Start("schedule", "run", "--config", temp["schedule.json"]);
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        var history = new JobHistory(temp["job-history.sqlite"], TimeProvider.System);
        try
        {
            var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
            while (server.CountRequests("transactions.csv") == 0 && TimeProvider.System.GetUtcNow() < deadline && !node.HasExited) await Task.Delay(100);
            Assert.True(server.CountRequests("transactions.csv") > 0, "the pull never started; requests: " + string.Join(" | ", server.Requests));

            CliProcess.Terminate(node);
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await node.WaitForExitAsync(stopping.Token);
        }
        finally
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true); // never leave a scheduler running after a failed test
        }

        Assert.True(node.ExitCode == ExitCodes.Success, $"exit {node.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains("stopped: cleanly", await stdout);
        Assert.Equal(JobHistory.Cancelled, history.Runs().Single().Status);
        Assert.False(Directory.Exists(temp["inbox/P01"]) && Directory.EnumerateFileSystemEntries(temp["inbox/P01"]).Any());
        Assert.Empty(Directory.GetFiles(temp["landing"], "*.part", SearchOption.AllDirectories));
    }
}
