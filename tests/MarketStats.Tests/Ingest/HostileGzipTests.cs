using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using MarketStats.Cli;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Scheduling;
using MarketStats.Ingest.Pulling;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Ingest;

/// <summary>
/// Gzip files that are cut off, corrupt or that expand without bound (issue 11, items 2 and 4): every one is refused
/// whole, with the rule and what is wrong, and nothing already loaded is replaced. The files are crafted here.
/// </summary>
public sealed class HostileGzipTests : IDisposable
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly TempFolder temp = new();
    public HostileGzipTests() => Directory.CreateDirectory(Path.Combine(temp.Path, "inbox", "P01"));
    public void Dispose() => temp.Dispose();

    private string Db => temp["warehouse.duckdb"];
    private string Inbox => temp["inbox"];
    private string InboxFile(string name) => Path.Combine(Inbox, "P01", name);

    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    /// <summary>What a writer killed after a Z_SYNC_FLUSH leaves: a valid prefix of deflate blocks, no final block, no trailer.</summary>
    private static byte[] SyncFlushedAndCut(byte[] data)
    {
        var buffer = new MemoryStream();
        var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true);
        gzip.Write(data);
        gzip.Flush(); // Z_SYNC_FLUSH: everything written so far decodes
        return buffer.ToArray(); // taken before Dispose writes the final block and the trailer
    }

    /// <summary>1,600 valid rows at revision 2, and the first 800 of them as text (header included).</summary>
    private static (byte[] Whole, byte[] FirstHalf) Revision2()
    {
        var csv = ExportFile.Transactions(rows: 1600, revision: 2).ToCsv();
        var lines = csv.Split('\n');
        return (Encoding.UTF8.GetBytes(csv), Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(801)) + "\n"));
    }

    /// <summary>Loads 1,600 rows at revision 1 for P01 FY2024.</summary>
    private void LoadRevision1()
    {
        ExportFile.Transactions(rows: 1600).Write(InboxFile("tx-r1.csv"));
        var summary = Ingest();
        Assert.Equal(1600, summary.RowsLoaded);
    }

    private IngestSummary Ingest(DecompressionLimits? limits = null)
    {
        using var warehouse = Warehouse.OpenForWrite(Db);
        var ingestor = new Ingestor(warehouse, Clock) { Limits = limits ?? DecompressionLimits.Default };
        return ingestor.IngestInbox(Inbox, temp["quarantine"]);
    }

    private long Rows()
    {
        using var warehouse = Warehouse.OpenReadOnly(Db);
        return warehouse.Scalar<long>("select count(*) from raw_transactions where platform_id = 'P01'");
    }

    private static FileOutcome Rejected(IngestSummary summary, string rule)
    {
        var rejected = Assert.Single(summary.Files, f => f.Kind == FileOutcomeKind.Rejected);
        Assert.Equal(rule, Assert.Single(rejected.Check!.Violations).Rule);
        return rejected;
    }

    [Fact]
    public async Task Validate_refuses_a_gzip_cut_after_a_sync_flush()
    {
        var (_, half) = Revision2();
        var path = temp["tx.csv.gz"];
        File.WriteAllBytes(path, SyncFlushedAndCut(half));

        var (code, output, _) = await CliRunner.Run("validate", path);

        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains($"tx.csv.gz: [{RuleIds.GzipIntegrity}] ", output);
        Assert.Contains("cut off", output);
        Assert.DoesNotContain("valid", output.Replace("invalid", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Ingest_refuses_a_cut_gzip_and_keeps_the_rows_it_would_have_replaced()
    {
        LoadRevision1();
        var (_, half) = Revision2();
        File.WriteAllBytes(InboxFile("tx-r2.csv.gz"), SyncFlushedAndCut(half));

        var summary = Ingest();

        var rejected = Rejected(summary, RuleIds.GzipIntegrity);
        Assert.Contains("tx-r2.csv.gz", rejected.Detail);
        Assert.Equal(1600, Rows());
        Assert.True(File.Exists(Path.Combine(temp["quarantine"], "P01", "tx-r2.csv.gz")));
    }

    [Fact]
    public async Task A_cut_gzip_pulled_from_a_drop_folder_is_refused_by_ingest()
    {
        LoadRevision1();
        var (_, half) = Revision2();
        Directory.CreateDirectory(temp["drop"]);
        File.WriteAllBytes(temp["drop/tx-r2.csv.gz"], SyncFlushedAndCut(half));
        File.WriteAllText(temp["schedule.json"], """{ "sources": [ { "platform": "P01", "dropFolder": "drop" } ], "inbox": "inbox", "landing": "landing", "quarantine": "quarantine" }""");
        var config = ScheduleConfig.Load(temp["schedule.json"]);
        using var http = new HttpClient();
        Assert.Equal(["tx-r2.csv.gz"], (await new SourcePuller(config.PullFolders, config.Http, http, TimeProvider.System).PullAsync(config.PullSource("P01"), CancellationToken.None)).Landed);

        var (code, _, error) = await CliRunner.Run("ingest", "--inbox", Inbox, "--db", Db, "--quarantine", temp["quarantine"]);

        Assert.Equal(ExitCodes.ProblemFound, code);
        Assert.Contains("rejected", error);
        Assert.Equal(1600, Rows());
    }

    [Theory]
    [InlineData("last 6 bytes missing", 6, -1)]
    [InlineData("last byte missing", 1, -1)]
    [InlineData("CRC-32 wrong", 0, 0)]   // a byte of the stored CRC-32 flipped
    [InlineData("length wrong", 0, 4)]   // a byte of the stored ISIZE flipped
    public void A_gzip_whose_trailer_is_missing_or_wrong_is_refused_whole(string what, int cut, int flipTrailerByte)
    {
        LoadRevision1();
        var (whole, _) = Revision2();
        var bytes = Gzip(whole);
        if (flipTrailerByte >= 0) bytes[bytes.Length - 8 + flipTrailerByte] ^= 0x5a;
        File.WriteAllBytes(InboxFile("tx-r2.csv.gz"), bytes[..^cut]);

        var summary = Ingest();

        var rejected = Rejected(summary, RuleIds.GzipIntegrity);
        Assert.True(rejected.Detail.Contains("tx-r2.csv.gz", StringComparison.Ordinal), what);
        Assert.Equal(1600, Rows());
    }

    [Fact]
    public void A_multi_member_gzip_loads_every_member()
    {
        LoadRevision1();
        var (whole, half) = Revision2();
        var rest = whole[half.Length..];
        File.WriteAllBytes(InboxFile("tx-r2.csv.gz"), [.. Gzip(half), .. Gzip(rest)]);

        var summary = Ingest();

        Assert.Equal(FileOutcomeKind.Replaced, Assert.Single(summary.Files, f => f.Path.EndsWith("tx-r2.csv.gz", StringComparison.Ordinal)).Kind);
        Assert.Equal(1600, Rows());
    }

    [Fact]
    public void Bytes_after_the_last_member_are_refused()
    {
        var (whole, _) = Revision2();
        File.WriteAllBytes(InboxFile("tx-r2.csv.gz"), [.. Gzip(whole), .. "junk"u8]);

        var rejected = Rejected(Ingest(), RuleIds.GzipIntegrity);

        Assert.Contains("member 2", rejected.Detail);
    }

    [Fact]
    public void A_gzip_bomb_is_refused_within_seconds_and_leaves_no_spill_files()
    {
        // 400 MiB of valid-looking rows in ~1 MB: one member of 1 MiB of rows, repeated (multi-member gzip is legal).
        var header = Encoding.UTF8.GetBytes(ExportFile.Transactions(rows: 1).ToCsv().Split('\n')[0] + "\n");
        var row = Encoding.UTF8.GetBytes(ExportFile.Transactions(rows: 1).ToCsv().Split('\n')[1] + "\n");
        var chunk = new byte[1 << 20];
        for (var i = 0; i + row.Length <= chunk.Length; i += row.Length) row.CopyTo(chunk, i);
        var member = Gzip(chunk[..(chunk.Length / row.Length * row.Length)], CompressionLevel.SmallestSize);
        using (var bomb = File.Create(InboxFile("bomb.csv.gz")))
        {
            bomb.Write(Gzip(header));
            for (var i = 0; i < 400; i++) bomb.Write(member);
        }
        var compressed = new FileInfo(InboxFile("bomb.csv.gz")).Length;
        ExportFile.Registrations().Write(InboxFile("good.csv"));

        var watch = Stopwatch.StartNew();
        var summary = Ingest();
        watch.Stop();

        var rejected = Rejected(summary, RuleIds.TooLarge);
        Assert.Contains("bomb.csv.gz", rejected.Detail);
        Assert.Contains($"{DecompressionLimits.Default.MaxRatio} times", rejected.Detail);
        Assert.True(compressed < 2_000_000, $"the bomb is {compressed} bytes");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"refused after {watch.Elapsed}");
        Assert.Equal(FileOutcomeKind.Loaded, Assert.Single(summary.Files, f => f.Path.EndsWith("good.csv", StringComparison.Ordinal)).Kind);
        Assert.Empty(Directory.Exists(Db + ".tmp") ? Directory.GetFiles(Db + ".tmp") : []);
    }

    [Fact]
    public void A_file_decompressing_beyond_the_size_limit_is_refused()
    {
        var (whole, _) = Revision2();
        File.WriteAllBytes(InboxFile("tx.csv.gz"), Gzip(whole));

        var rejected = Rejected(Ingest(new DecompressionLimits(MaxBytes: 64 * 1024, MaxRatio: 100)), RuleIds.TooLarge);

        Assert.Contains("64 KiB", rejected.Detail);
        Assert.False(File.Exists(InboxFile("tx.csv.gz")));
    }
}
