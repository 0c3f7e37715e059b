using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.HostileInput;

/// <summary>
/// Time of check to time of use: a writer with access to the inbox replaces a delivered file after ingest has checked
/// and hashed it (regular file, size caps, gzip trailer, encoding) and before DuckDB reads it. The ingestor's
/// <c>AfterChecks</c> seam makes the race deterministic. Whatever the swap, the swapped-in rows are never loaded: the
/// checked bytes are, or the file is refused whole.
/// </summary>
public sealed class HostileSwapAfterCheckTests : IDisposable
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, bool> Swaps => new()
    {
        { "rename-over", false }, { "rename-over", true },
        { "symlink", false }, { "symlink", true },
        { "rewrite-in-place", false }, { "rewrite-in-place", true },
    };

    [Theory]
    [MemberData(nameof(Swaps))]
    public void A_file_swapped_after_its_checks_never_loads_the_swapped_rows(string swap, bool gzip)
    {
        var name = gzip ? "tx.csv.gz" : "tx.csv";
        var delivered = ExportFile.Transactions(rows: 8).Write(Path.Combine(temp["inbox"], "P01", name), gzip: gzip);
        // The same platform, period and revision with other ids: it would load if it were read.
        var forged = ExportFile.Transactions(rows: 5, idPrefix: "X").Write(temp["forged/" + name], gzip: gzip);
        var swapped = 0;

        FileOutcome outcome;
        using (var warehouse = Warehouse.OpenForWrite(temp["db/w.duckdb"]))
        {
            var ingestor = new Ingestor(warehouse, Clock) { AfterChecks = path => { Swap(swap, path, forged); swapped++; } };
            outcome = Assert.Single(ingestor.IngestInbox(temp["inbox"], temp["quarantine"]).Files);
        }

        Assert.Equal(1, swapped);
        using var read = Warehouse.OpenReadOnly(temp["db/w.duckdb"]);
        Assert.Equal(0, read.Scalar<long>("select count(*) from raw_transactions where transaction_id like 'X%'"));
        if (outcome.Kind == FileOutcomeKind.Rejected)
        {
            Assert.Equal(0, read.Scalar<long>("select count(*) from raw_transactions"));
        }
        else
        {
            Assert.Equal(FileOutcomeKind.Loaded, outcome.Kind);
            Assert.Equal(8, outcome.Rows);
            Assert.Equal(8, read.Scalar<long>("select count(*) from raw_transactions where transaction_id like 'T%'"));
            Assert.Equal(8, read.Scalar<long>("select row_count from ingest_files"));
        }
    }

    /// <summary>
    /// Between the hash and the checks: a new file at the path is not read (the open one is, and loads as hashed); the
    /// open file rewritten in place no longer matches its hash and is refused whole as <c>file.changed</c>.
    /// </summary>
    [Theory]
    [InlineData("rename-over", false)]
    [InlineData("symlink", true)]
    [InlineData("rewrite-in-place", false)]
    [InlineData("rewrite-in-place", true)]
    public void A_file_swapped_between_its_hash_and_its_checks_loads_as_hashed_or_is_refused(string swap, bool gzip)
    {
        var name = gzip ? "tx.csv.gz" : "tx.csv";
        ExportFile.Transactions(rows: 8).Write(Path.Combine(temp["inbox"], "P01", name), gzip: gzip);
        var forged = ExportFile.Transactions(rows: 5, idPrefix: "X").Write(temp["forged/" + name], gzip: gzip);

        FileOutcome outcome;
        using (var warehouse = Warehouse.OpenForWrite(temp["db/w.duckdb"]))
            outcome = Assert.Single(new Ingestor(warehouse, Clock) { AfterHash = path => Swap(swap, path, forged) }
                .IngestInbox(temp["inbox"], temp["quarantine"]).Files);

        using var read = Warehouse.OpenReadOnly(temp["db/w.duckdb"]);
        Assert.Equal(0, read.Scalar<long>("select count(*) from raw_transactions where transaction_id like 'X%'"));
        if (swap == "rewrite-in-place")
        {
            Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
            Assert.Equal(MarketStats.Ingest.Validation.RuleIds.Changed, Assert.Single(outcome.Check!.Examples).Rule);
            Assert.Equal(0, read.Scalar<long>("select count(*) from raw_transactions"));
        }
        else
        {
            Assert.Equal(FileOutcomeKind.Loaded, outcome.Kind);
            Assert.Equal(8, read.Scalar<long>("select count(*) from raw_transactions where transaction_id like 'T%'"));
        }
    }

    [Fact]
    public void The_copies_are_made_in_a_private_folder_that_is_emptied_after_use_and_at_start_up()
    {
        ExportFile.Transactions(rows: 8).Write(Path.Combine(temp["inbox"], "P01", "tx.csv.gz"), gzip: true);
        var copies = PrivateFolder.ForDatabase(temp["db/w.duckdb"]);
        Directory.CreateDirectory(copies);
        File.WriteAllText(Path.Combine(copies, "left-by-a-killed-run.csv"), "stale");
        string[] seenDuringRead = [];
        var mode = default(UnixFileMode);

        using (var warehouse = Warehouse.OpenForWrite(temp["db/w.duckdb"]))
        {
            var ingestor = new Ingestor(warehouse, Clock)
            {
                AfterChecks = _ => (seenDuringRead, mode) = (Directory.GetFiles(copies), OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(copies)),
            };
            Assert.Equal(FileOutcomeKind.Loaded, Assert.Single(ingestor.IngestInbox(temp["inbox"], temp["quarantine"]).Files).Kind);
        }

        // While DuckDB reads: one copy (the checked text, not the gzip), owner-only; afterwards none.
        Assert.EndsWith(".csv", Assert.Single(seenDuringRead), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
        Assert.Empty(Directory.GetFiles(copies));
    }

    private static void Swap(string how, string path, string forged)
    {
        switch (how)
        {
            case "rename-over": // another file (another inode) takes the name
                var beside = path + ".new";
                File.Copy(forged, beside);
                File.Move(beside, path, overwrite: true);
                break;
            case "symlink":
                File.Delete(path);
                File.CreateSymbolicLink(path, forged);
                break;
            case "rewrite-in-place": // the same inode, new bytes
                File.WriteAllBytes(path, File.ReadAllBytes(forged));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(how));
        }
    }
}
