using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

/// <summary>
/// Checked files are loaded several to a transaction (<see cref="Ingestor.BatchRows"/>): each file must still load
/// whole or be quarantined whole, and the checks between files must see the files of the same batch that wait to be
/// loaded. Each case runs with a batch of one file and with every file in one batch: the outcome must be the same.
/// </summary>
public sealed class IngestBatchTests : InboxTest
{
    private string InboxFile(string platform, string name) => Path.Combine(Inbox, platform, name);

    private IngestSummary Ingest(long batchRows)
    {
        using var warehouse = Warehouse.OpenForWrite(Db);
        return new Ingestor(warehouse, Clock) { BatchRows = batchRows }.IngestInbox(Inbox, QuarantineRoot);
    }

    private static ExportFile Month(int month, string platform = "P01", string? idPrefix = null) =>
        ExportFile.TransactionsOfMonth(month, platform: platform, idPrefix: idPrefix);

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void One_bad_file_among_good_ones_is_quarantined_whole_the_others_load_and_a_rerun_is_safe(long batchRows)
    {
        var good = new[] { Month(5), Month(6), Month(8), Month(5, platform: "P02") };
        good[0].Write(InboxFile("P01", "tx-2024-05.csv"));
        good[1].Write(InboxFile("P01", "tx-2024-06.csv.gz"), gzip: true);
        Month(7).Set(2, "posted_jpy", "-5").Write(InboxFile("P01", "tx-2024-07.csv"));
        good[2].Write(InboxFile("P01", "tx-2024-08.csv"), "cp932");
        good[3].Write(InboxFile("P02", "tx-2024-05.csv"));

        var first = Ingest(batchRows);

        var rejected = Assert.Single(first.Files, f => f.Kind == FileOutcomeKind.Rejected);
        Assert.Equal("tx-2024-07.csv", Path.GetFileName(rejected.Path));
        Assert.True(File.Exists(Path.Combine(QuarantineRoot, "P01", "tx-2024-07.csv")));
        Assert.Equal(4, first.Count(FileOutcomeKind.Loaded));
        Assert.Equal(0, Scalar<long>("select count(*) from raw_transactions where transaction_id like 'M07%'"));
        var expected = good.Sum(f => f.Rows.Count);
        Assert.Equal(expected, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal(4, Scalar<long>("select count(*) from ingest_files"));
        // Each loaded file's rows carry its own file id and line numbers, as a file loaded alone would.
        Assert.Equal(0, Scalar<long>(
            "select count(*) from raw_transactions t join ingest_files f using (file_id) where f.row_count <> 8 or t.source_line not between 2 and 9 or t.platform_id <> f.platform_id"));

        var second = Ingest(batchRows);

        Assert.Equal(4, second.Count(FileOutcomeKind.Skipped));
        Assert.Equal(expected, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal(4, Scalar<long>("select count(*) from ingest_files"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void A_key_repeated_in_a_later_file_of_the_same_run_is_refused(long batchRows)
    {
        Month(5).Write(InboxFile("P01", "tx-2024-05.csv"));
        Month(6).Set(3, "transaction_id", "M05000001").Write(InboxFile("P01", "tx-2024-06.csv"));
        Month(6, platform: "P02", idPrefix: "M05").Write(InboxFile("P02", "tx-2024-06.csv")); // the same ids on another platform are not a clash

        var summary = Ingest(batchRows);

        var rejected = Assert.Single(summary.Files, f => f.Kind == FileOutcomeKind.Rejected);
        Assert.Equal(("P01", "tx-2024-06.csv"), (rejected.PlatformId, Path.GetFileName(rejected.Path)));
        var error = Assert.Single(rejected.Check!.Examples);
        Assert.Equal((RuleIds.UniqueAcrossFiles, 5L, "P01|M05000001"), (error.Rule, error.Line!.Value, error.Value));
        Assert.Contains("(file 1)", error.Message);
        Assert.Equal(16, Scalar<long>("select count(*) from raw_transactions"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public void A_correction_and_a_copy_in_the_same_run_are_placed_as_if_each_arrived_after_the_one_before(long batchRows)
    {
        Month(5).Write(InboxFile("P01", "tx-a-r1.csv"));
        File.Copy(InboxFile("P01", "tx-a-r1.csv"), InboxFile("P01", "tx-b-copy.csv"));
        Month(5).Write(InboxFile("P01", "tx-c-same-rows.csv.gz"), gzip: true);
        var corrected = Month(5);
        corrected.Rows.RemoveAt(7);
        foreach (var row in corrected.Rows) row["export_revision"] = "2";
        corrected.Write(InboxFile("P01", "tx-d-r2.csv"));

        var summary = Ingest(batchRows);

        Assert.Equal([FileOutcomeKind.Loaded, FileOutcomeKind.Skipped, FileOutcomeKind.Skipped, FileOutcomeKind.Replaced], summary.Files.Select(f => f.Kind));
        Assert.Equal(7, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal("tx-d-r2.csv", Scalar<string>("select source_name from ingest_files where superseded_by is null"));
        Assert.Equal(1, Scalar<long>("select count(*) from ingest_files where superseded_by is not null"));
    }

    [Fact]
    public void A_header_with_quoted_names_is_still_read_by_duckdb_and_loads_the_same()
    {
        var file = Month(5);
        var csv = file.ToCsv();
        var header = csv[..csv.IndexOf('\n')];
        var quoted = string.Join(",", header.Split(',').Select(n => $"\"{n}\"")) + csv[csv.IndexOf('\n')..];
        Directory.CreateDirectory(Path.Combine(Inbox, "P01"));
        File.WriteAllText(InboxFile("P01", "tx-quoted.csv"), quoted);

        var outcome = Assert.Single(Ingest(1_000_000).Files);

        Assert.Equal(FileOutcomeKind.Loaded, outcome.Kind);
        Assert.Equal(file.Rows.Sum(r => long.Parse(r["posted_jpy"], System.Globalization.CultureInfo.InvariantCulture)),
            Scalar<long>("select sum(posted_jpy) from raw_transactions"));
    }
}
