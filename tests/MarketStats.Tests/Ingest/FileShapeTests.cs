using System.Text;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

/// <summary>Files in an encoding, shape or place the contract does not accept get the rule that names the real problem (issue 11, item 10).</summary>
public sealed class FileShapeTests : InboxTest
{
    private FileOutcome IngestOne(string name, byte[] bytes)
    {
        var path = Path.Combine(Inbox, "P01", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return Assert.Single(Ingest().Files);
    }

    [Theory]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-16le")]
    public void A_utf16_file_is_refused_as_an_encoding_problem(string form)
    {
        var csv = ExportFile.Transactions().ToCsv();
        byte[] bytes = form switch
        {
            "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(csv)],
            "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(csv)],
            _ => Encoding.Unicode.GetBytes(csv),
        };

        var outcome = IngestOne("tx.csv", bytes);

        Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
        var error = Assert.Single(outcome.Check!.Examples);
        Assert.Equal(RuleIds.Unreadable, error.Rule);
        Assert.Contains("UTF-16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_latin1_file_is_refused_as_an_encoding_problem_not_read_as_kanji()
    {
        var csv = ExportFile.Registrations().Set(1, "account_id", "Léa01").ToCsv();

        var outcome = IngestOne("reg.csv", Encoding.Latin1.GetBytes(csv));

        Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
        var error = Assert.Single(outcome.Check!.Examples);
        Assert.Equal(RuleIds.Unreadable, error.Rule);
        Assert.Contains("Latin-1", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_cp932_file_with_japanese_text_is_still_read_as_cp932()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var csv = ExportFile.Registrations().Set(1, "account_id", "山田花子").ToCsv();

        var outcome = IngestOne("reg.csv", Encoding.GetEncoding(932).GetBytes(csv));

        Assert.Contains(outcome.Check!.Examples, e => e.Rule == RuleIds.PiiName && e.Value == "山田花子");
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("empty-gzip")]
    public void An_empty_file_is_file_empty(string form)
    {
        byte[] bytes = [];
        if (form == "empty-gzip")
        {
            using var buffer = new MemoryStream();
            using (new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) { }
            bytes = buffer.ToArray();
        }

        var outcome = IngestOne(form == "empty" ? "tx.csv" : "tx.csv.gz", bytes);

        Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(RuleIds.Empty, Assert.Single(outcome.Check!.Examples).Rule);
    }

    [Fact]
    public void Mixed_crlf_and_lf_line_ends_load_like_any_other_file()
    {
        var lines = ExportFile.Transactions(rows: 6).ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var mixed = string.Concat(lines.Select((l, i) => l + (i % 2 == 0 ? "\r\n" : "\n")));

        var outcome = IngestOne("tx.csv", new UTF8Encoding(false).GetBytes(mixed));

        Assert.Equal(FileOutcomeKind.Loaded, outcome.Kind);
        Assert.Equal(6, outcome.Rows);
        using var warehouse = Warehouse.OpenReadOnly(Db);
        Assert.Equal(0L, warehouse.Scalar<long>("select count(*) from raw_transactions where worker_prefecture like '%' || chr(13) or client_prefecture like '%' || chr(13)"));
        Assert.Equal("T000005", warehouse.Scalar<string>("select transaction_id from raw_transactions where source_line = 7"));
    }

    [Fact]
    public async Task Files_at_the_inbox_root_or_in_a_nested_folder_are_named_in_a_warning_and_exit_1()
    {
        ExportFile.Transactions().Write(Path.Combine(Inbox, "P01", "tx.csv"));
        ExportFile.Transactions(platform: "P02").Write(Path.Combine(Inbox, "stray.csv"));
        ExportFile.Transactions(platform: "P03").Write(Path.Combine(Inbox, "P03", "2024", "nested.csv"));

        var (code, output, error) = await CliRunner.Run("ingest", "--inbox", Inbox, "--db", Db, "--quarantine", QuarantineRoot);

        Assert.Equal(1, code);
        Assert.Equal("1", CliRunner.Results(output)["files_loaded"].Single());
        Assert.Equal("2", CliRunner.Results(output)["files_ignored"].Single());
        Assert.Contains("stray.csv", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("P03", "2024", "nested.csv"), error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Inbox, "stray.csv")), "an ignored file is left where it is");
    }

    [Fact]
    public async Task An_unusable_quarantine_stops_the_run_before_any_file_is_read()
    {
        ExportFile.Transactions().Write(Path.Combine(Inbox, "P01", "good.csv"));
        ExportFile.Transactions(platform: "P02").Set(0, "paid_jpy", "999999").Write(Path.Combine(Inbox, "P02", "bad.csv"));
        File.WriteAllText(QuarantineRoot, "a file where the quarantine folder should be");

        var (code, _, error) = await CliRunner.Run("ingest", "--inbox", Inbox, "--db", Db, "--quarantine", QuarantineRoot);

        Assert.Equal(3, code);
        Assert.Contains("quarantine", error, StringComparison.Ordinal);
        Assert.Contains(QuarantineRoot, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        using var warehouse = Warehouse.OpenReadOnly(Db);
        Assert.Equal(0L, warehouse.Scalar<long>("select count(*) from ingest_files"));
    }
}
