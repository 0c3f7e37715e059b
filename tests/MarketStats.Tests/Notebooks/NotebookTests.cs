using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MarketStats.Analysis;
using MarketStats.Tests.Extracts;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Notebooks;

/// <summary>
/// Every analyst notebook in notebooks/ executed headless by dotnet-repl (the repository's local dotnet tool) against
/// a demo database, and its executed copy read back: no error output, nothing on stderr, every code cell run, and
/// the tables and charts it is there to show. An exit code of 0 alone proves none of that.
/// </summary>
/// <remarks>
/// Shares the demo market the extract tests build (a demo run is about half a minute) and only reads it: the
/// collection runs its tests one at a time, so no writer holds the database while the notebooks read it. The three
/// notebooks run at once, in separate kernels, the first time any of these tests needs them.
/// </remarks>
[Collection(ExtractMarketCollection.Name)]
public sealed partial class NotebookTests(ExtractMarket market)
{
    public static TheoryData<string, int, int> Notebooks => new()
    {
        // notebook, tables and images it shows at least
        { "market-overview.ipynb", 7, 1 },
        { "linkage-review.ipynb", 7, 1 },
        { "regional-deep-dive.ipynb", 4, 2 },
    };

    [Fact]
    public void Every_notebook_in_the_folder_is_executed_here_and_kept_without_outputs()
    {
        var inFolder = Directory.GetFiles(Repository.File("notebooks"), "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(Notebooks.Select(row => (string)row[0]).Order(StringComparer.Ordinal), inFolder);
        foreach (var name in inFolder)
        {
            var notebook = JsonNode.Parse(File.ReadAllText(Repository.File(Path.Combine("notebooks", name!))))!;
            // Stored as source only, so they diff and review like code; outputs are made by running them.
            Assert.All(CodeCells(notebook), cell => Assert.Empty(cell["outputs"]!.AsArray()));
            Assert.Equal("csharp", notebook["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_on_the_demo_database_without_an_error_and_shows_its_tables_and_charts(string name, int minTables, int minImages)
    {
        var run = await Runs.GetOrAdd(market.Db, RunAll);
        var (executed, log) = run[name];
        var cells = CodeCells(executed).ToList();
        Assert.NotEmpty(cells);

        var problems = new List<string>();
        var tables = new List<int>();
        var images = 0;
        foreach (var (cell, index) in cells.Select((c, i) => (c, i)))
        {
            var source = string.Concat(cell["source"]!.AsArray().Select(l => l!.GetValue<string>()));
            var where = $"cell {index + 1} ({source.Split('\n')[0].Trim()})";
            // dotnet-repl leaves execution_count null; it stamps each cell it ran with its start and end times.
            if (cell["metadata"]?["dotnet_repl_cellExecutionEndTime"] is null) problems.Add($"{where} was not run");
            foreach (var output in cell["outputs"]!.AsArray().Select(o => o!))
            {
                var type = output["output_type"]!.GetValue<string>();
                if (type == "error") problems.Add($"{where}: {output["evalue"]}");
                if (type == "stream" && output["name"]?.GetValue<string>() == "stderr") problems.Add($"{where} wrote to stderr: {Text(output["text"])}");
                if (output["data"] is not JsonObject data) continue;
                if (data["text/html"] is { } html)
                    tables.AddRange(TableRows().Matches(Text(html)).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
                if (data["image/png"] is { } png)
                {
                    var bytes = Convert.FromBase64String(Text(png));
                    if (bytes.Length < 5_000 || !bytes.AsSpan(0, 8).SequenceEqual(PngSignature)) problems.Add($"{where}: its image is not a drawn PNG ({bytes.Length} bytes)");
                    else images++;
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n--- dotnet-repl said:\n" + log);
        Assert.True(tables.Count >= minTables, $"{name} showed {tables.Count} tables, expected at least {minTables}");
        Assert.True(tables.All(rows => rows > 0), $"{name} showed an empty table (rows: {string.Join(", ", tables)})");
        Assert.True(images >= minImages, $"{name} showed {images} charts, expected at least {minImages}");
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [GeneratedRegex("""<table class="marketstats-frame" data-rows="(\d+)" """, RegexOptions.None)]
    private static partial Regex TableRows();

    /// <summary>One run of all notebooks per database for the whole test run (the theory's rows share it).</summary>
    private static readonly ConcurrentDictionary<string, Task<Dictionary<string, (JsonNode Executed, string Log)>>> Runs = new();

    private static async Task<Dictionary<string, (JsonNode, string)>> RunAll(string database)
    {
        var output = Directory.CreateTempSubdirectory("marketstats-notebooks-").FullName;
        try
        {
            // The README's test command restores it too; here as well, so this test runs on its own in a fresh clone.
            var (restored, restoreLog) = await Run(Repository.Root, [], "tool", "restore");
            Assert.True(restored == 0, "dotnet tool restore failed:\n" + restoreLog);
            Assert.True(File.Exists(Repository.File("src/Analysis/bin/Debug/net10.0/linux-x64/MarketStats.Analysis.dll")),
                "the notebooks load src/Analysis's Debug build: run dotnet build first");
            var names = Notebooks.Select(row => (string)row[0]).ToList();
            var runs = names.Select(async name =>
            {
                var executed = Path.Combine(output, name);
                var (code, log) = await Run(Repository.File("notebooks"), new() { [AnalystDatabase.PathVariable] = database },
                    "tool", "run", "dotnet-repl", "--", "--run", name, "--output-path", executed, "--exit-after-run");
                Assert.True(File.Exists(executed), $"dotnet-repl wrote no executed copy of {name} (exit {code}):\n{log}");
                return (name, JsonNode.Parse(await File.ReadAllTextAsync(executed))!, $"exit {code}\n{log}");
            });
            return (await Task.WhenAll(runs)).ToDictionary(r => r.name, r => (r.Item2, r.Item3));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int Code, string Log)> Run(string folder, Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static IEnumerable<JsonNode> CodeCells(JsonNode notebook) =>
        notebook["cells"]!.AsArray().Select(c => c!).Where(c => c["cell_type"]!.GetValue<string>() == "code");

    /// <summary>Notebook text fields are a string or a list of lines.</summary>
    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        _ => node.GetValue<string>(),
    };
}
