using System.Diagnostics;
using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

/// <summary>
/// Symbolic links, named pipes and devices in the inbox or a drop folder (issue 11, item 3): only regular files are
/// read; the others are refused with a warning naming the file and the rule, never followed, never echoed. The
/// commands run as real processes, killed if they hang, since a pipe or /dev/zero is exactly what made them hang.
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private const string SecretLine = "secret-first-line:x:0:0";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempFolder temp = new();

    public SpecialFileTests()
    {
        File.WriteAllText(temp["secret.txt"], SecretLine + "\nsecond line\n");
        Directory.CreateDirectory(temp["inbox/P01"]);
    }

    public void Dispose() => temp.Dispose();

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Runs marketstats in its own process; a run that does not end in time is killed and fails the test.</summary>
    private static async Task<(int Code, string Output, string Error, TimeSpan Took)> Run(params string[] args)
    {
        using var child = CliProcess.Start(args);
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        if (!child.WaitForExit(Patience))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            Assert.Fail($"marketstats {string.Join(' ', args)} still ran after {Patience.TotalSeconds} s and was killed");
        }
        return (child.ExitCode, await output, await error, watch.Elapsed);
    }

    private Task<(int Code, string Output, string Error, TimeSpan Took)> Ingest() =>
        Run("ingest", "--inbox", temp["inbox"], "--db", temp["w.duckdb"], "--quarantine", temp["quarantine"]);

    private string[] Quarantined() => Directory.Exists(temp["quarantine"]) ? Directory.GetFiles(temp["quarantine"], "*", SearchOption.AllDirectories) : [];

    [Theory]
    [InlineData("link-to-zero.csv", "/dev/zero", "symbolic link")]
    [InlineData("link-to-secret.csv", "{secret}", "symbolic link")]
    [InlineData("link-to-passwd.csv", "/etc/passwd", "symbolic link")]
    [InlineData("pipe.csv", null, "named pipe")]
    public async Task Ingest_refuses_what_is_not_a_regular_file_and_loads_the_rest(string name, string? target, string what)
    {
        var path = temp[$"inbox/P01/{name}"];
        if (target is null) MakeFifo(path);
        else File.CreateSymbolicLink(path, target.Replace("{secret}", temp["secret.txt"]));
        ExportFile.Transactions(rows: 8).Write(temp["inbox/P01/good.csv"]);

        var (code, output, error, took) = await Ingest();

        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains($"P01/{name}", output);
        Assert.Contains($"[{RuleIds.NotRegular}]", output);
        Assert.Contains(what, output);
        Assert.Equal("1", CliRunner.Results(output)["files_loaded"].Single());
        Assert.DoesNotContain(SecretLine, output + error);
        Assert.DoesNotContain("root:x:0:0", output + error);
        Assert.True(took < TimeSpan.FromSeconds(20), $"took {took}");
        // Refused where it lies: not followed into the quarantine, not recorded with anything it points at.
        Assert.Contains(name, Directory.GetFileSystemEntries(temp["inbox/P01"]).Select(Path.GetFileName));
        Assert.Empty(Quarantined());
        using var warehouse = Warehouse.OpenReadOnly(temp["w.duckdb"]);
        Assert.Equal(0, warehouse.Scalar<long>("select count(*) from ingest_rejections"));
        Assert.Equal(8, warehouse.Scalar<long>("select count(*) from raw_transactions"));
    }

    [Fact]
    public async Task Validate_refuses_a_named_pipe_instead_of_waiting_for_a_writer()
    {
        MakeFifo(temp["pipe.csv"]);

        var (code, output, _, _) = await Run("validate", temp["pipe.csv"]);

        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains($"[{RuleIds.NotRegular}]", output);
    }

    [Theory]
    [InlineData("zero.csv", "/dev/zero")]
    [InlineData("shadow.csv", "/etc/shadow")]
    [InlineData("secret.csv", "{secret}")]
    [InlineData("pipe.csv", null)]
    public async Task A_drop_folder_pull_copies_regular_files_only(string name, string? target)
    {
        Directory.CreateDirectory(temp["drop"]);
        var path = temp[$"drop/{name}"];
        if (target is null) MakeFifo(path);
        else File.CreateSymbolicLink(path, target.Replace("{secret}", temp["secret.txt"]));
        ExportFile.Transactions(rows: 8).Write(temp["drop/good.csv"]);
        File.WriteAllText(temp["schedule.json"], """
            { "sources": [ { "platform": "P01", "dropFolder": "drop" } ], "inbox": "inbox", "landing": "landing",
              "quarantine": "quarantine", "database": "w.duckdb", "jobHistory": "history.sqlite" }
            """);

        var (code, output, error, took) = await Run("schedule", "trigger", "pull-P01", "--config", temp["schedule.json"]);

        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains(name, output + error);
        Assert.Contains($"[{RuleIds.NotRegular}]", output + error);
        Assert.DoesNotContain(SecretLine, output + error);
        Assert.True(took < TimeSpan.FromSeconds(20), $"took {took}");
        Assert.Equal(["good.csv"], Directory.GetFiles(temp["inbox/P01"]).Select(Path.GetFileName));
        Assert.Empty(Directory.Exists(temp["landing"]) ? Directory.GetFiles(temp["landing"], "*.part", SearchOption.AllDirectories) : []);
    }
}
