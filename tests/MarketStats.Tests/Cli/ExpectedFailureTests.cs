using System.Diagnostics;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>Expected conditions print one sentence and no stack trace; demo fails at its start (issue 11, item 12).</summary>
public sealed class ExpectedFailureTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Demo_with_an_unusable_output_folder_fails_at_its_start_with_one_sentence()
    {
        File.WriteAllText(temp["a-file"], "where the output folder's parent should be");
        var clock = Stopwatch.StartNew();

        var (code, _, error) = await CliRunner.Run("demo", "--out", temp["a-file/out"], "--db", temp["demo/demo.duckdb"], "--transactions", "6000");

        Assert.Equal(3, code);
        Assert.Contains(temp["a-file/out"], error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(temp["demo/inbox"]), "nothing was generated before the check");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_database_that_is_not_duckdb_is_one_sentence_and_verbose_shows_the_detail()
    {
        File.WriteAllText(temp["not-a-database.duckdb"], "this is not a DuckDB file, it is text");
        Directory.CreateDirectory(temp["inbox"]);

        var (code, _, error) = await CliRunner.Run("ingest", "--inbox", temp["inbox"], "--db", temp["not-a-database.duckdb"], "--quarantine", temp["q"]);
        var (verboseCode, _, verboseError) = await CliRunner.Run("ingest", "--inbox", temp["inbox"], "--db", temp["not-a-database.duckdb"], "--quarantine", temp["q"], "--verbose");

        Assert.Equal(3, code);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, verboseCode);
        Assert.Contains("   at ", verboseError, StringComparison.Ordinal);
    }
}
