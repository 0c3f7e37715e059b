using DuckDB.NET.Data;
using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

/// <summary>
/// Files of one kind and header are checked several to a statement (<see cref="FileGroupValidator"/>). A bad file in
/// such a group must fare exactly as if it had come alone — quarantined whole with the same report, lines included —
/// and must not take its neighbours down, even when DuckDB cannot read it at all.
/// </summary>
public sealed class IngestGroupTests : InboxTest
{
    private string InboxFile(string platform, string name) => Path.Combine(Inbox, platform, name);

    private IngestSummary Ingest(int groupFiles)
    {
        using var warehouse = Warehouse.OpenForWrite(Db);
        return new Ingestor(warehouse, Clock) { GroupFiles = groupFiles }.IngestInbox(Inbox, QuarantineRoot);
    }

    private static ExportFile Month(int month, int rows = 8, string platform = "P01") => ExportFile.TransactionsOfMonth(month, rows, platform);

    /// <summary>
    /// Good files of different lengths around bad ones (a rule broken on one line, a ragged row, a key twice, a date
    /// outside the file's period, a file constant that changes, another platform's file in the folder):
    /// with every file in one statement and with each file alone, the same files load with the same lines, and each
    /// bad file is quarantined whole with the same errors at the same lines.
    /// </summary>
    [Fact]
    public void Bad_files_in_a_shared_statement_get_the_report_they_get_alone_and_the_good_ones_load_with_their_own_lines()
    {
        (IngestSummary Summary, List<(string Name, long Line, string Rule)> Errors, List<(string Name, long Lines, long First, long Last)> Loaded) Run(int groupFiles)
        {
            if (Directory.Exists(Inbox)) Directory.Delete(Inbox, recursive: true);
            if (Directory.Exists(QuarantineRoot)) Directory.Delete(QuarantineRoot, recursive: true);
            if (File.Exists(Db)) File.Delete(Db);
            Month(4, rows: 3).Write(InboxFile("P01", "tx-2024-04.csv"));
            Month(5, rows: 11).Set(6, "posted_jpy", "-5").Write(InboxFile("P01", "tx-2024-05.csv"));
            Month(6, rows: 5).Write(InboxFile("P01", "tx-2024-06.csv.gz"), gzip: true);
            var ragged = Month(7, rows: 6).ToCsv().Split('\n');
            ragged[4] = ragged[4][..ragged[4].LastIndexOf(',')]; // line 5 loses its last field
            Directory.CreateDirectory(Path.Combine(Inbox, "P01"));
            File.WriteAllText(InboxFile("P01", "tx-2024-07.csv"), string.Join('\n', ragged));
            Month(8, rows: 9).Write(InboxFile("P01", "tx-2024-08.csv"), "cp932");
            Month(9, rows: 7).Set(5, "transaction_id", "M09000001").Write(InboxFile("P01", "tx-2024-09.csv"));
            Month(10, rows: 6).Set(2, "posted_on", "2024-11-01").Write(InboxFile("P01", "tx-2024-10.csv"));
            Month(11, rows: 5).Set(3, "export_revision", "2").Write(InboxFile("P01", "tx-2024-11.csv"));
            Month(12, rows: 4, platform: "P02").Write(InboxFile("P01", "tx-2024-12.csv")); // in P01's folder
            Month(5, rows: 4, platform: "P02").Write(InboxFile("P02", "tx-2024-05.csv"));
            // A byte-order mark before the header: read like a plain header, in the same statement.
            Month(1, rows: 6, platform: "P02").Write(InboxFile("P02", "tx-2024-01.csv"), "utf-8-bom");
            Month(2, rows: 7, platform: "P02").Set(3, "posted_jpy", "-5").Write(InboxFile("P02", "tx-2024-02.csv"), "utf-8-bom");
            // A key of another file of the same statement (placed before it): the keys across files are checked per group first.
            Month(3, rows: 5, platform: "P02").Set(2, "transaction_id", Month(1, rows: 6, platform: "P02").Rows[0]["transaction_id"]!).Write(InboxFile("P02", "tx-2024-03.csv"));

            var summary = Ingest(groupFiles);
            var errors = summary.Files.Where(f => f.Kind == FileOutcomeKind.Rejected)
                .SelectMany(f => f.Check!.Examples.Select(e => (Path.GetFileName(f.Path), e.Line ?? -1, e.Rule))).Order().ToList();
            var loaded = new List<(string, long, long, long)>();
            using var warehouse = Warehouse.OpenReadOnly(Db);
            using var reader = warehouse.Query(
                "select f.source_name, count(*), min(t.source_line), max(t.source_line) from raw_transactions t join ingest_files f using (file_id) " +
                "where t.transaction_id like 'M' || substr(f.export_period, 6, 2) || '%' group by all order by 1");
            while (reader.Read()) loaded.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            return (summary, errors, loaded);
        }

        var alone = Run(groupFiles: 1);
        var shared = Run(groupFiles: 32);

        string[] bad = ["tx-2024-02.csv", "tx-2024-03.csv", "tx-2024-05.csv", "tx-2024-07.csv", "tx-2024-09.csv", "tx-2024-10.csv", "tx-2024-11.csv", "tx-2024-12.csv"];
        Assert.Equal(bad, shared.Summary.Files.Where(f => f.Kind == FileOutcomeKind.Rejected).Select(f => Path.GetFileName(f.Path)).Order());
        Assert.Contains(("tx-2024-05.csv", 8L, RuleIds.AmountNegative), shared.Errors); // row 6 (0-based) is line 8
        Assert.Contains(("tx-2024-02.csv", 5L, RuleIds.AmountNegative), shared.Errors); // after a byte-order mark, too
        Assert.Contains(("tx-2024-03.csv", 4L, RuleIds.UniqueAcrossFiles), shared.Errors);
        Assert.Contains(shared.Errors, e => e is { Name: "tx-2024-07.csv", Line: 5, Rule: RuleIds.CsvStructure });
        Assert.Contains(shared.Errors, e => e is { Name: "tx-2024-09.csv", Rule: RuleIds.UniqueKey });
        // The rules whose terms differ per file (its period, its first row, its folder) fire per file in a shared scan.
        Assert.Contains(("tx-2024-10.csv", 4L, RuleIds.DateInPeriod), shared.Errors);
        Assert.Contains(("tx-2024-11.csv", 5L, RuleIds.FileConstant), shared.Errors);
        Assert.Contains(shared.Errors, e => e is { Name: "tx-2024-12.csv", Rule: RuleIds.PlatformFolder });
        Assert.Equal(alone.Errors, shared.Errors);
        // Every loaded file's rows, and only its own, with lines 2 .. rows + 1, as a file loaded alone.
        Assert.Equal([("tx-2024-01.csv", 6L, 2L, 7L), ("tx-2024-04.csv", 3L, 2L, 4L), ("tx-2024-05.csv", 4L, 2L, 5L), ("tx-2024-06.csv.gz", 5L, 2L, 6L), ("tx-2024-08.csv", 9L, 2L, 10L)],
            shared.Loaded);
        Assert.Equal(alone.Loaded, shared.Loaded);
        Assert.All(bad, name => Assert.True(File.Exists(Path.Combine(QuarantineRoot, name is "tx-2024-02.csv" or "tx-2024-03.csv" ? "P02" : "P01", name))));
    }

    /// <summary>
    /// A header after a UTF-8 byte-order mark is still a plain header: the file shares its neighbours' statement instead
    /// of going alone through DuckDB's sniffer (which also cut the group around it in two), and loads with its own lines.
    /// </summary>
    [Fact]
    public void A_file_with_a_byte_order_mark_shares_the_statement_of_plain_files_and_loads_with_its_own_lines()
    {
        Month(5, rows: 3).Write(InboxFile("P01", "tx-2024-05.csv"));
        var marked = Month(6, rows: 5);
        marked.Write(InboxFile("P01", "tx-2024-06.csv"), "utf-8-bom");
        Month(7, rows: 4).Write(InboxFile("P01", "tx-2024-07.csv"), "utf-8-bom");
        Month(8, rows: 2).Write(InboxFile("P01", "tx-2024-08.csv"));
        var timings = new IngestTimings();
        using (var warehouse = Warehouse.OpenForWrite(Db))
            Assert.Equal(4, new Ingestor(warehouse, Clock) { Timings = timings }.IngestInbox(Inbox, QuarantineRoot).Count(FileOutcomeKind.Loaded));

        Assert.Equal(1, Assert.Single(timings.Phases, p => p.Phase == "validate: read into temp table").Count);
        Assert.DoesNotContain(timings.Phases, p => p.Phase == "validate: header");
        Assert.Equal("csv (utf-8-bom)", Scalar<string>("select source_format from ingest_files where source_name = 'tx-2024-06.csv'"));
        var expected = marked.Rows.Select((row, i) => $"{i + 2}:{row["transaction_id"]}:{row["posted_jpy"]}");
        Assert.Equal(string.Join(",", expected), Scalar<string>(
            "select string_agg(source_line || ':' || transaction_id || ':' || posted_jpy, ',' order by source_line) " +
            "from raw_transactions join ingest_files using (file_id) where source_name = 'tx-2024-06.csv'"));
    }

    /// <summary>CSV faults DuckDB cannot parse as rows; read with other files it lists them among its rejects (it does not fail), and the file is checked alone.</summary>
    public static TheoryData<string> Unparseable => ["unterminated-quote", "line-over-1-MB", "too-many-fields"];

    private static string Culprit(string how)
    {
        var lines = Month(6, rows: 4).ToCsv().TrimEnd('\n').Split('\n');
        lines[2] = how switch
        {
            "unterminated-quote" => lines[2].Replace(",J", ",\"J"),
            "line-over-1-MB" => lines[2].Replace(",J", "," + new string('J', 1_100_000)),
            _ => lines[2] + ",extra",
        };
        return string.Join('\n', lines) + "\n";
    }

    [Theory]
    [MemberData(nameof(Unparseable))]
    public void A_file_DuckDB_cannot_parse_in_a_shared_statement_is_quarantined_alone_and_its_neighbours_load(string how)
    {
        Directory.CreateDirectory(Path.Combine(Inbox, "P01"));
        Month(5).Write(InboxFile("P01", "tx-2024-05.csv"));
        File.WriteAllText(InboxFile("P01", "tx-2024-06.csv"), Culprit(how));
        Month(7).Write(InboxFile("P01", "tx-2024-07.csv"));

        var summary = Ingest(groupFiles: 32);

        var rejected = Assert.Single(summary.Files, f => f.Kind == FileOutcomeKind.Rejected);
        Assert.Equal("tx-2024-06.csv", Path.GetFileName(rejected.Path));
        Assert.Equal(3, Assert.Single(rejected.Check!.Examples, e => e.Rule == RuleIds.CsvStructure).Line);
        Assert.True(File.Exists(Path.Combine(QuarantineRoot, "P01", "tx-2024-06.csv")));
        Assert.Equal(2, summary.Count(FileOutcomeKind.Loaded));
        Assert.Equal(16, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal(0, Scalar<long>("select count(*) from raw_transactions where transaction_id like 'M06%'"));
    }

    /// <summary>
    /// When DuckDB fails the shared read itself (here: one file's private copy gone before the read), the group vouches
    /// for no file and leaves no table: every file is then checked alone, where only the culprit can fail.
    /// </summary>
    [Fact]
    public void A_shared_read_that_fails_sends_every_file_to_be_checked_alone()
    {
        var copies = Temp["copies"];
        Directory.CreateDirectory(copies);
        var members = new[] { 5, 6, 7 }.Select(m =>
        {
            var path = Month(m).Write(Temp[$"tx-2024-{m:D2}.csv"]);
            return new FileGroupValidator.Member(DeliveredFile.Open(path, copies), Path.GetFileName(path), "P01");
        }).ToList();
        File.Delete(members[1].File.ReadablePath);
        var header = Month(5).Columns;
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            // The premise: DuckDB reading the three in one statement throws.
            var paths = "[" + string.Join(", ", members.Select(m => SqlText.Literal(m.File.ReadablePath))) + "]";
            command.CommandText = $"select count(*) from {FileValidator.CsvSource(paths, header, fileName: true)}";
            Assert.ThrowsAny<DuckDBException>(() => command.ExecuteScalar());
        }

        var verdicts = new FileGroupValidator(connection, Clock).Check("ingest_group_test", MarketStats.Core.Contract.RecordKind.Transactions, header, members);

        Assert.All(verdicts, Assert.Null);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "select count(*) from duckdb_tables() where table_name = 'ingest_group_test'";
            Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar()));
        }
        // With the copy back, the same group vouches for all three.
        File.WriteAllText(members[1].File.ReadablePath, Month(6).ToCsv());
        Assert.All(new FileGroupValidator(connection, Clock).Check("ingest_group_test", MarketStats.Core.Contract.RecordKind.Transactions, header, members), Assert.NotNull);
        members.ForEach(m => m.File.Dispose());
    }
}
