using System.Text.RegularExpressions;
using MarketStats.Cli;
using MarketStats.Tests.Support;
using Spectre.Console.Testing;

namespace MarketStats.Tests.Cli;

/// <summary>
/// Progress (issue 11, item 12): on a terminal, long steps draw a bar with counts, rate and time left; in a pipe the
/// CLI prints only its <c>key: value</c> results, no escape sequences and no progress lines.
/// </summary>
public sealed partial class ProgressDisplayTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void On_a_terminal_a_step_shows_a_bar_with_its_count_and_rate()
    {
        var console = new TestConsole().Interactive().Width(120);
        using (var progress = new TerminalProgress(console))
        {
            progress.Advance("ingest", 0, 10, "files");
            Thread.Sleep(200);
            progress.Advance("ingest", 3, 10, "files");
            Thread.Sleep(200);
        }

        var output = console.Output;
        Assert.Contains("ingest", output, StringComparison.Ordinal);
        Assert.Contains("3 / 10 files", output, StringComparison.Ordinal);
        Assert.True(Rate().IsMatch(output), output);
    }

    [Fact]
    public void Messages_print_above_the_bars_and_a_new_step_gets_its_own_bar()
    {
        var console = new TestConsole().Interactive().Width(120);
        using (var progress = new TerminalProgress(console))
        {
            progress.Advance("generate", 500, 1000, "rows");
            progress.Report("P01: 500 transaction rows");
            progress.Advance("generate", 1000, 1000, "rows");
            progress.Advance("mart build", 2, 8, "models and tests");
        }

        var output = console.Output;
        Assert.Contains("P01: 500 transaction rows", output, StringComparison.Ordinal);
        Assert.Contains("1,000 / 1,000 rows", output, StringComparison.Ordinal);
        Assert.Contains("2 / 8 models and tests", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_pipe_ingest_prints_plain_results_without_escapes_or_progress()
    {
        ExportFile.Transactions(rows: 8).Write(temp["inbox/P01/tx.csv"]);

        var (code, output, error) = await CliRunner.Run("ingest", "--inbox", temp["inbox"], "--db", temp["w.duckdb"], "--quarantine", temp["q"]);

        Assert.Equal(0, code);
        Assert.DoesNotContain('\u001b', output + error);
        Assert.DoesNotContain("…", output + error, StringComparison.Ordinal);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.True(KeyValue().IsMatch(line), line));
    }

    [Fact]
    public async Task With_progress_in_a_pipe_steps_report_plain_count_lines()
    {
        ExportFile.Transactions(rows: 8).Write(temp["inbox/P01/tx.csv"]);

        var (code, _, error) = await CliRunner.Run("ingest", "--progress", "--inbox", temp["inbox"], "--db", temp["w.duckdb"], "--quarantine", temp["q"]);

        Assert.Equal(0, code);
        Assert.DoesNotContain('\u001b', error);
        Assert.Contains("  … ingest: 1 / 1 files", error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[\d,]+ files/s")]
    private static partial Regex Rate();

    /// <summary>A result: <c>key: value</c>, or one file's outcome as tab-separated columns.</summary>
    [GeneratedRegex(@"^([a-z_0-9.\-]+: |(loaded|replaced|skipped|rejected)\t)")]
    private static partial Regex KeyValue();
}
