using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Pipeline;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

/// <summary>A real ingest process killed while it loads: the database holds the whole file or none of it.</summary>
public sealed class IngestCrashTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(0)]    // the moment the load starts: the transaction cannot have committed
    [InlineData(150)]  // somewhere inside the insert
    [InlineData(600)]  // late in the insert or around the commit
    public async Task Killed_mid_load_leaves_all_or_nothing_and_a_rerun_completes(int delayAfterLoadStartsMs)
    {
        var inbox = temp["inbox"];
        var generated = new MarketGenerator().Generate(new GeneratorOptions(inbox, Seed: 3, FirstFiscalYear: 2024, LastFiscalYear: 2024, Platforms: 1, Transactions: 300_000));
        foreach (var file in generated.ExportFiles.Where(f => f.Contains("registrations_", StringComparison.Ordinal))) File.Delete(file);
        var db = temp["crash.duckdb"];

        using var child = CliProcess.Start("ingest", "--inbox", inbox, "--db", db, "--quarantine", temp["q"], "--progress");
        var sawLock = false;
        string? line;
        while ((line = await child.StandardError.ReadLineAsync()) is not null)
        {
            if (line.Contains("validating", StringComparison.Ordinal) && !sawLock)
            {
                // While the child writes, a second process must be told clearly, not handed a corrupt file.
                var (code, _, error) = await CliRunner.Run("sql", "select 1", "--db", db);
                Assert.Equal(ExitCodes.CouldNotRun, code);
                Assert.Contains("in use by another MarketStats process", error);
                sawLock = true;
            }
            if (line.Contains("loading", StringComparison.Ordinal)) break;
        }
        Assert.True(sawLock && line is not null, "the child never reached the load step");
        await Task.Delay(delayAfterLoadStartsMs);
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        using (var warehouse = PipelineSteps.OpenWarehouse(db))
        {
            var rows = warehouse.Scalar<long>("select count(*) from raw_transactions");
            var files = warehouse.Scalar<long>("select count(*) from ingest_files");
            Assert.True((rows, files) == (0, 0) || (rows, files) == (generated.TransactionRows, 1),
                $"half-loaded: {rows} rows, {files} manifest rows after the kill");
            if (delayAfterLoadStartsMs == 0) Assert.Equal(0, rows);

            new Ingestor(warehouse, TimeProvider.System).IngestInbox(inbox, temp["q"]);
            Assert.Equal(generated.TransactionRows, warehouse.Scalar<long>("select count(*) from raw_transactions"));
            Assert.Equal(1, warehouse.Scalar<long>("select count(*) from ingest_files"));
            Assert.Equal(generated.TransactionRows, warehouse.Scalar<long>("select count(distinct transaction_id) from raw_transactions"));
        }
    }
}
