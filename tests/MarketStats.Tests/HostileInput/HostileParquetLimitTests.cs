using DuckDB.NET.Data;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.HostileInput;

/// <summary>
/// A Parquet export is held to the same caps as CSV and gzip (issue 11, item 4): the rows and the uncompressed size its
/// footer declares are checked before DuckDB reads it, and a file beyond them is refused whole as <c>file.too_large</c>.
/// Small caps stand in for the defaults.
/// </summary>
public sealed class HostileParquetLimitTests : IDisposable
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>An export of <paramref name="rows"/> transactions as Parquet, compressed well (the rows repeat).</summary>
    private string Parquet(int rows)
    {
        var csv = ExportFile.Transactions(rows: rows).Write(temp["source.csv"]);
        var parquet = temp["inbox/P01/tx.parquet"];
        Directory.CreateDirectory(Path.GetDirectoryName(parquet)!);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"copy (select * from read_csv('{csv}', header = true, all_varchar = true)) to '{parquet}' (format parquet, compression zstd)";
        command.ExecuteNonQuery();
        return parquet;
    }

    private (FileOutcome Outcome, long Loaded) Ingest(DecompressionLimits limits)
    {
        FileOutcome outcome;
        using (var warehouse = Warehouse.OpenForWrite(temp["db/w.duckdb"]))
            outcome = Assert.Single(new Ingestor(warehouse, Clock) { Limits = limits }.IngestInbox(temp["inbox"], temp["quarantine"]).Files);
        using var read = Warehouse.OpenReadOnly(temp["db/w.duckdb"]);
        return (outcome, read.Scalar<long>("select count(*) from raw_transactions"));
    }

    [Fact]
    public void A_parquet_file_declaring_more_rows_than_the_cap_is_refused_whole()
    {
        Parquet(rows: 40);

        var (outcome, loaded) = Ingest(DecompressionLimits.Default with { MaxRows = 39 });

        Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
        var error = Assert.Single(outcome.Check!.Examples);
        Assert.Equal(RuleIds.TooLarge, error.Rule);
        Assert.Contains("declares 40 rows, more than 39", error.Message, StringComparison.Ordinal);
        Assert.Contains(DecompressionLimits.MaxRowsVariable, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, loaded);
    }

    [Fact]
    public void A_parquet_file_expanding_beyond_the_size_cap_is_refused_before_it_is_read()
    {
        var size = new FileInfo(Parquet(rows: 2000)).Length;

        // Room for the file itself, not for what its columns declare uncompressed.
        var (outcome, loaded) = Ingest(new DecompressionLimits(MaxBytes: size + 1, MaxRatio: 1, RatioFloorBytes: 1));

        Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
        var error = Assert.Single(outcome.Check!.Examples);
        Assert.Equal(RuleIds.TooLarge, error.Rule);
        Assert.Contains("uncompressed", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, loaded);
    }

    [Fact]
    public void Within_the_caps_a_parquet_file_loads()
    {
        Parquet(rows: 40);

        var (outcome, loaded) = Ingest(DecompressionLimits.Default with { MaxRows = 40 });

        Assert.Equal(FileOutcomeKind.Loaded, outcome.Kind);
        Assert.Equal(40, loaded);
    }
}
