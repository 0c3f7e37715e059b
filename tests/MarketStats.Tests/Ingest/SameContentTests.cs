using System.Text;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

/// <summary>"Already loaded" means the same rows, whatever bytes carry them (issue 11, item 11).</summary>
public sealed class SameContentTests : InboxTest
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("crlf")]
    [InlineData("bom")]
    [InlineData("cp932")]
    [InlineData("no-final-newline")]
    public void The_same_rows_re_sent_in_other_bytes_are_skipped_as_already_loaded(string form)
    {
        var file = ExportFile.Transactions(rows: 6);
        file.Write(Path.Combine(Inbox, "P01", "tx.csv"));
        Assert.Equal(1, Ingest().Count(FileOutcomeKind.Loaded));

        var again = Path.Combine(Inbox, "P01", form == "gzip" ? "tx-again.csv.gz" : "tx-again.csv");
        switch (form)
        {
            case "gzip": file.Write(again, gzip: true); break;
            case "bom": file.Write(again, "utf-8-bom"); break;
            case "cp932": file.Write(again, "cp932"); break;
            case "crlf": File.WriteAllText(again, file.ToCsv().Replace("\n", "\r\n", StringComparison.Ordinal), new UTF8Encoding(false)); break;
            case "no-final-newline": File.WriteAllText(again, file.ToCsv().TrimEnd('\n'), new UTF8Encoding(false)); break;
        }
        var second = Ingest();

        var outcome = Assert.Single(second.Files, f => f.Path == again);
        Assert.Equal(FileOutcomeKind.Skipped, outcome.Kind);
        Assert.Contains("already loaded as file 1", outcome.Detail, StringComparison.Ordinal);
        Assert.False(second.AnyRejected);
        Assert.Equal(6L, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal(1L, Scalar<long>("select count(*) from ingest_files"));
        Assert.Equal(0L, Scalar<long>("select count(*) from ingest_rejections"));
        Assert.True(File.Exists(again), "a skipped file stays in the inbox, as an identical one does");
    }

    /// <summary>
    /// A re-run knows a loaded file by its status (device, inode, size, modified and changed times) without reading it
    /// again, as a refresh would read the whole inbox to find one new file; a file written since (even with the same
    /// size and its old modified time put back) is read and judged by its bytes.
    /// </summary>
    [Fact]
    public void An_unchanged_loaded_file_is_skipped_without_being_read_and_a_rewritten_one_is_read_again()
    {
        var path = Path.Combine(Inbox, "P01", "tx.csv");
        ExportFile.Transactions(rows: 6).Write(path);
        Assert.Equal(1, Ingest().Count(FileOutcomeKind.Loaded));

        var timings = new IngestTimings();
        IngestSummary Again()
        {
            using var warehouse = Warehouse.OpenForWrite(Db);
            return new Ingestor(warehouse, Clock) { Timings = timings }.IngestInbox(Inbox, QuarantineRoot);
        }
        var unchanged = Assert.Single(Again().Files);
        Assert.Equal(FileOutcomeKind.Skipped, unchanged.Kind);
        Assert.Contains("already loaded as file 1", unchanged.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(timings.Phases, p => p.Phase == "hash + known bytes");

        // Other bytes of the same length, the modified time set back: the changed time still tells, so it is read.
        var modified = File.GetLastWriteTimeUtc(path);
        ExportFile.Transactions(rows: 6).Set(0, "posted_jpy", "50002").Write(path);
        File.SetLastWriteTimeUtc(path, modified);
        var rewritten = Assert.Single(Again().Files);
        Assert.Equal(FileOutcomeKind.Rejected, rewritten.Kind); // other rows at the same revision
        Assert.Equal(RuleIds.StaleRevision, rewritten.Check!.Violations.Single().Rule);
        Assert.Equal(1, Assert.Single(timings.Phases, p => p.Phase == "hash + known bytes").Count);
    }

    [Fact]
    public void Other_rows_at_the_same_revision_are_still_refused_and_the_byte_hash_is_kept_for_lineage()
    {
        ExportFile.Transactions(rows: 6).Write(Path.Combine(Inbox, "P01", "tx.csv"));
        Ingest();
        ExportFile.Transactions(rows: 6).Set(0, "posted_jpy", "50001").Write(Path.Combine(Inbox, "P01", "tx-changed.csv"), gzip: true);

        var rejected = Assert.Single(Ingest().Files, f => f.Kind == FileOutcomeKind.Rejected);

        Assert.Equal(RuleIds.StaleRevision, rejected.Check!.Violations.Single().Rule);
        Assert.Equal(DeliveredFile.HashOf(Path.Combine(Inbox, "P01", "tx.csv")), Scalar<string>("select content_sha256 from ingest_files"));
    }
}
