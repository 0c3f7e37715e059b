using System.Globalization;
using System.Security.Cryptography;
using MarketStats.Cli;
using MarketStats.Core.Domain;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Extracts;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Extracts;

/// <summary>
/// <c>marketstats extract</c> on a generated market: published figures recomputed from the raw exports, the policy on
/// every published cell, the attack audit over the logged release, the audit log, and differencing across requests.
/// </summary>
[Collection(ExtractMarketCollection.Name)]
public sealed class ExtractTests(ExtractMarket market)
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Extract;

    private static Dictionary<string, string[]> ReadCsv(string path, out string[] header)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // BOM: Excel reads the Japanese labels
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        header = lines[0].TrimStart('\uFEFF').Split(',');
        return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0] + "|" + f[2], f => f);
    }

    [Fact]
    public async Task Extract_PublishedPaidCells_EqualRawExportSums_AndEachPassesTheExtractPolicy()
    {
        var year = market.FiscalYear;
        var spec = market.Spec($"""
            requester: Reconciliation test
            purpose: Paid value by region and category
            measures: [paid_jpy, active_workers]
            dimensions: [region, category]
            filters: {"{"} fiscal_year: [{year}] {"}"}
            format: csv
            """);
        var (code, output, error) = await CliRunner.Run("extract", "--spec", spec, "--db", market.Db, "--out", market.Temp["out-reconcile"]);
        Assert.True(code == ExitCodes.Success, error);
        var results = CliRunner.Results(output);
        var rows = ReadCsv(results["extract_file"].Single(), out var header);
        Assert.Equal(["worker_region", "worker_region_name", "category", "category_name", "paid_jpy", "active_workers"], header);
        Assert.DoesNotContain(header, h => h.Contains("sdc", StringComparison.Ordinal) || h.Contains("platform", StringComparison.Ordinal));

        var lines = market.PaidLines.Where(l => l.FiscalYear == year).ToList();
        var cells = lines.GroupBy(l => ExtractMarket.RegionOf(l.WorkerPrefecture) + "|" + l.Category)
            .Concat(lines.GroupBy(l => ExtractMarket.RegionOf(l.WorkerPrefecture) + "|*"))
            .Concat(lines.GroupBy(l => "*|" + l.Category))
            .Concat(lines.GroupBy(_ => "*|*"))
            .ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(cells.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        var published = 0;
        var suppressed = 0;
        foreach (var (key, cellLines) in cells)
        {
            var row = rows[key];
            if (row[4] == "x")
            {
                Assert.Equal("x", row[5]); // a row is hidden whole
                suppressed++;
                continue;
            }
            published++;
            Assert.Equal(cellLines.Sum(l => l.PaidJpy), long.Parse(row[4], CultureInfo.InvariantCulture));
            var workers = cellLines.Where(l => l.Worker.Length > 0).Select(l => l.Worker).Distinct().Count();
            Assert.Equal(workers, long.Parse(row[5], CultureInfo.InvariantCulture));
            // The policy, recomputed from the raw lines: persons, platforms, (2, 85%) dominance on paid value.
            var clients = cellLines.Select(l => l.Client).Distinct().Count();
            Assert.True(Math.Min(clients, workers) >= Policy.MinPersons, $"{key}: {clients} clients, {workers} workers published");
            var byPlatform = cellLines.GroupBy(l => l.Platform).Select(g => g.Sum(l => l.PaidJpy)).OrderDescending().ToList();
            Assert.True(byPlatform.Count >= Policy.MinPlatforms, $"{key}: {byPlatform.Count} platforms published");
            Assert.True(byPlatform.Take(2).Sum() <= Policy.DominanceMaxShare * byPlatform.Sum(), $"{key}: two platforms dominate");
        }
        Assert.True(published >= 10, $"only {published} cells published");
        Assert.True(suppressed >= 1, "nothing suppressed: the test would not see the rule work");
        Assert.Equal(suppressed * 2, int.Parse(results["suppressed_primary"].Single(), CultureInfo.InvariantCulture)
            + int.Parse(results["suppressed_complementary"].Single(), CultureInfo.InvariantCulture));

        // The release as logged passes the attack audit, and the log's files are the files written, byte for byte.
        using var warehouse = market.Open();
        Assert.Empty(ExtractMarket.AuditPooled(warehouse, "reconciliation test"));
        var releaseId = results["release_id"].Single();
        Assert.Equal(1L, warehouse.Scalar<long>("select count(*) from release_log where release_id = $1 and kind = 'extract' and recipient = 'reconciliation test'", releaseId));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(spec))),
            warehouse.Scalar<string>("select request_sha256 from release_log where release_id = $1", releaseId));
        var files = new List<(string Path, string Sha)>();
        using (var reader = warehouse.Query("select path, sha256 from release_log_files where release_id = $1 order by path", releaseId))
            while (reader.Read()) files.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Equal([results["extract_file"].Single(), results["notes_file"].Single()], files.Select(f => f.Path).Order(StringComparer.Ordinal));
        foreach (var (path, sha) in files) Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), sha);
        // What the log says was withheld is what the file shows as x (each row hides both measures).
        Assert.Equal(suppressed * 2, warehouse.Scalar<long>("select count(*) from release_log_suppressed where release_id = $1", releaseId));
        Assert.Equal(published * 2, warehouse.Scalar<long>("select count(*) from release_log_published where release_id = $1", releaseId));
    }

    [Theory]
    [InlineData("measures: [paid_jpy, salary]", "Unknown measure 'salary' in measures; allowed: paid_jpy")]
    [InlineData("dimensions: [category, colour]", "Unknown dimension 'colour' in dimensions; allowed:")]
    [InlineData("dimensions: [prefecture, worker_prefecture]", "The dimension 'worker_prefecture' is asked for twice")]
    [InlineData("dimensions: []", "'dimensions' is an empty list")]
    [InlineData("filters: { category: [cooking] }", "Unknown code 'cooking' in filters.category; allowed: web_development")]
    [InlineData("filters: { colour: [red] }", "Unknown dimension 'colour' in filters")]
    [InlineData("filters: { category: [] }", "'filters.category' is an empty list")]
    [InlineData("filters: { fiscal_year: [1999] }", "Unknown code '1999' in filters.fiscal_year; the data has:")]
    [InlineData("format: pdf", "Unknown format 'pdf'; allowed: csv, xlsx, parquet")]
    [InlineData("colour: red", "Unknown key 'colour' in the request; allowed: requester, purpose")]
    [InlineData("x: &a [paid_jpy]\nmeasures: *a", "anchor")]
    [InlineData("measures: !!python/object [paid_jpy]", "tag")]
    public async Task Extract_InvalidRequest_IsWrongUsage_NamingTheKeyOrValue(string replace, string message)
    {
        var lines = new Dictionary<string, string>
        {
            ["requester"] = "requester: Validation test",
            ["purpose"] = "purpose: errors",
            ["measures"] = "measures: [paid_jpy]",
            ["dimensions"] = "dimensions: [category]",
            ["filters"] = "filters: { fiscal_year: [" + market.FiscalYear + "] }",
            ["format"] = "format: csv",
        };
        var key = replace.Split(':')[0];
        if (key == "x") lines.Remove("measures");
        lines[key] = replace;
        var (code, output, error) = await CliRunner.Run("extract", "--spec", market.Spec(string.Join('\n', lines.Values)), "--db", market.Db, "--out", market.Temp["out-invalid"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(market.Temp["out-invalid"]) && Directory.EnumerateFileSystemEntries(market.Temp["out-invalid"]).Any());
    }

    [Fact]
    public async Task Extract_OversizeOrAliasBomb_IsRefusedBeforeParsing()
    {
        var big = market.Spec("requester: big\npurpose: " + new string('a', 200) + "\n# " + new string('x', ExtractRequest.MaxBytes) + "\n");
        var (code, _, error) = await CliRunner.Run("extract", "--spec", big, "--db", market.Db);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("at most 65,536 bytes", error, StringComparison.Ordinal);

        var bomb = market.Spec("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nrequester: *c\n");
        (code, _, error) = await CliRunner.Run("extract", "--spec", bomb, "--db", market.Db);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("anchors and aliases are not allowed", error, StringComparison.Ordinal);

        // 60 KB of nesting: refused by depth, not by a stack overflow while building the document.
        var deep = market.Spec("requester: deep\nmeasures: " + new string('[', 30_000) + new string(']', 30_000) + "\n");
        (code, _, error) = await CliRunner.Run("extract", "--spec", deep, "--db", market.Db);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("levels deep", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_MoreRowsThanAnExcelSheet_IsRefused_NothingWrittenNorLogged()
    {
        Assert.Equal(1_048_576, ExtractWriter.ExcelMaxRows);
        var request = ExtractRequest.Parse(System.Text.Encoding.UTF8.GetBytes($"""
            requester: Row limit test
            purpose: too many rows
            measures: [paid_jpy]
            dimensions: [category]
            filters: {"{"} fiscal_year: [{market.FiscalYear}] {"}"}
            format: xlsx
            """));
        var outDir = market.Temp["out-rows"];
        using var warehouse = market.Open();
        var report = new ExtractReport(TimeProvider.System) { ExcelMaxRows = 5 };
        var e = Assert.Throws<ExtractRefusedException>(() => report.Write(warehouse, request, outDir));
        Assert.Contains("more than an Excel sheet holds", e.Message, StringComparison.Ordinal);
        Assert.Contains("csv", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
        Assert.Equal(EarlierReleases.None, ReleaseLog.Earlier(warehouse, request.Recipient));
        // Same request, the real limit: written.
        var output = new ExtractReport(TimeProvider.System).Write(warehouse, request, outDir);
        Assert.True(File.Exists(output.ExtractFile));
    }

    [Fact]
    public async Task Extract_FormulaLikeText_IsInert_InXlsxAndCsv()
    {
        var requester = "=HYPERLINK(\"http://evil.example\",\"click\")";
        var spec = market.Spec($"""
            requester: '{requester}'
            purpose: "+cmd|' /C calc'!A0"
            measures: [paid_jpy]
            dimensions: [form]
            filters: {"{"} fiscal_year: [{market.FiscalYear}] {"}"}
            format: xlsx
            """);
        var (code, output, error) = await CliRunner.Run("extract", "--spec", spec, "--db", market.Db, "--out", market.Temp["out-formula"]);
        Assert.True(code == ExitCodes.Success, error);
        using (var workbook = Workbooks.Open(CliRunner.Results(output)["extract_file"].Single()))
        {
            var cells = workbook.Worksheets.SelectMany(s => s.CellsUsed()).ToList();
            Assert.DoesNotContain(cells, c => c.HasFormula);
            var notes = workbook.Worksheet("notes");
            var values = notes.CellsUsed().Select(c => c.GetString()).ToList();
            Assert.Contains("'" + requester, values);
            Assert.Contains("'+cmd|' /C calc'!A0", values);
            Assert.DoesNotContain(cells, c => c.GetString().Length > 1 && c.GetString()[0] is '=' or '+' or '@');
        }

        // CSV: the notes sidecar and every text field of the table.
        var csvSpec = market.Spec(File.ReadAllText(spec).Replace("format: xlsx", "format: csv", StringComparison.Ordinal));
        (code, output, error) = await CliRunner.Run("extract", "--spec", csvSpec, "--db", market.Db, "--out", market.Temp["out-formula-csv"]);
        Assert.True(code == ExitCodes.Success, error);
        var notesText = File.ReadAllLines(CliRunner.Results(output)["notes_file"].Single());
        Assert.Contains("requester: '" + requester, notesText);
        var table = new ExtractTable(["form", "form_name"], ["paid_jpy"],
            [new ExtractTableRow(["=1+1", "@SUM(A1)"], [5], true), new ExtractTableRow(["-", "\tx"], [null], false)]);
        var path = market.Temp["formula.csv"];
        ExtractWriter.WriteCsv(path, table);
        var written = File.ReadAllLines(path);
        Assert.Equal("'=1+1,'@SUM(A1),5", written[1]);
        Assert.Equal("-,'\tx,x", written[2]);
    }

    [Fact]
    public async Task Extract_Parquet_HasNullsWhereSuppressed_AndAStatusColumn()
    {
        var spec = market.Spec($"""
            requester: Parquet test
            purpose: format
            measures: [paid_jpy, jobs]
            dimensions: [region]
            filters: {"{"} fiscal_year: [{market.FiscalYear}] {"}"}
            format: parquet
            """);
        var (code, output, error) = await CliRunner.Run("extract", "--spec", spec, "--db", market.Db, "--out", market.Temp["out-parquet"]);
        Assert.True(code == ExitCodes.Success, error);
        var file = CliRunner.Results(output)["extract_file"].Single();
        using var warehouse = market.Open();
        Assert.Equal(0L, warehouse.Scalar<long>($"select count(*) from read_parquet('{file}') where (status = 'suppressed') <> (paid_jpy is null) or (paid_jpy is null) <> (jobs is null)"));
        // 9 regions, the total, and 'unknown' where a line names no prefecture
        Assert.InRange(warehouse.Scalar<long>($"select count(*) from read_parquet('{file}')"), 10L, 11L);
        Assert.Equal(["worker_region", "worker_region_name", "paid_jpy", "jobs", "status"],
            ParquetColumns(warehouse, file));
    }

    private static List<string> ParquetColumns(MarketStats.Core.Storage.Warehouse warehouse, string file)
    {
        var names = new List<string>();
        using var reader = warehouse.Query($"select * from read_parquet('{file}') limit 0");
        for (var i = 0; i < reader.FieldCount; i++) names.Add(reader.GetName(i));
        return names;
    }

    /// <summary>
    /// Two overlapping requests from the same requester: A publishes a category table of one region (one category
    /// suppressed, with complements); B asks for the same region without that category, so B's margin and cells give
    /// the complements back. Without the log, B alone publishes them and A's suppressed cell is recovered by
    /// subtraction (shown by auditing what A's requester and a requester who got B hold together); with the log, B is
    /// protected (more suppressed) or refused, and the audit over all the requester holds passes.
    /// </summary>
    [Fact]
    public void Extract_OverlappingRequests_SameRequester_CannotRecoverASuppressedCellBySubtraction()
    {
        var year = market.FiscalYear;
        ExtractRequest Request(string requester, string region, IEnumerable<string>? categories = null) =>
            ExtractRequest.Parse(System.Text.Encoding.UTF8.GetBytes($"""
                requester: {requester}
                purpose: differencing
                measures: [paid_jpy]
                dimensions: [category]
                filters: {"{"} fiscal_year: [{year}], region: [{region}]{(categories is null ? "" : $", category: [{string.Join(", ", categories)}]")} {"}"}
                """));
        var allCategories = ExtractCatalogue.Dimension("category")!.Codes!;

        // Find a region where B, solved alone, would leak A's suppressed cell.
        using var warehouse = market.Open();
        string? chosen = null;
        string? dropped = null;
        foreach (var region in Region.All.Select(r => r.Code))
        {
            var a = new ExtractRelease(Request("probe", region), ExtractQuery.Run(warehouse, Request("probe", region)), Policy);
            a.Solve(EarlierReleases.None);
            var hidden = a.Rows.Where(r => r.Status is not (Suppression.None or Suppression.Complementary) && r.Cell.Codes[0] is not null
                && r.Cell.Value(ExtractCatalogue.Measure("paid_jpy")!) > 0).ToList();
            foreach (var candidate in hidden)
            {
                var b = Request("probe", region, allCategories.Where(c => c != candidate.Cell.Codes[0]));
                var rb = new ExtractRelease(b, ExtractQuery.Run(warehouse, b), Policy);
                rb.Solve(EarlierReleases.None);
                var pooled = a.Cells.Concat(rb.Cells.Where(c => !a.Cells.Any(x => x.Key == c.Key))).ToList();
                // what the two recipients hold together: a key published in either is known
                var status = a.Status.Concat(rb.Status).GroupBy(s => s.Key)
                    .ToDictionary(g => g.Key, g => g.Any(s => s.Value == Suppression.None) ? Suppression.None : g.First().Value);
                if (AttackAudit.Audit(pooled, [.. a.Relations, .. rb.Relations], status, new ProtectionPolicy(Policy.ProtectionMargin)).Count > 0)
                {
                    (chosen, dropped) = (region, candidate.Cell.Codes[0]);
                    break;
                }
            }
            if (chosen is not null) break;
        }
        Assert.True(chosen is not null, "no region where two overlapping requests would leak: the fixture cannot show the attack");
        var others = allCategories.Where(c => c != dropped).ToList();

        var report = new ExtractReport(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-01T00:00:00Z", CultureInfo.InvariantCulture)));
        var outDir = market.Temp["out-diff"];
        var first = report.Write(warehouse, Request("Differencing Researcher", chosen!), outDir);
        Assert.True(first.SuppressedPrimary >= 1);

        // Another requester gets B with nothing before: published in full where its own cells allow …
        var other = report.Write(warehouse, Request("Someone Else", chosen!, others), outDir);
        Assert.Equal(0, other.EarlierReleases);
        // … and pooled with A, A's suppressed cell is no longer protected: without the log the attack works.
        Assert.NotEmpty(ExtractMarket.AuditPooled(warehouse, "differencing researcher", "someone else"));

        // The same requester (different case and spacing: one recipient) asks for B: the log protects A's cell.
        ExtractOutput? second = null;
        try
        {
            second = report.Write(warehouse, Request("  differencing   RESEARCHER ", chosen!, others), market.Temp["out-diff-2"]);
        }
        catch (DisclosureAuditException)
        {
            // refused whole: nothing written, nothing logged
            Assert.False(Directory.Exists(market.Temp["out-diff-2"]) && Directory.EnumerateFiles(market.Temp["out-diff-2"]).Any());
        }
        if (second is not null)
        {
            Assert.Equal(1, second.EarlierReleases);
            // It withholds a cell the stranger's B published (else the pooled audit below could not pass).
            Assert.True(warehouse.Scalar<long>(
                """
                select count(*) from release_log_suppressed as s
                join release_log_published as p on p.key = s.key and p.release_id = $2
                where s.release_id = $1
                """, second.ReleaseId, other.ReleaseId) > 0, "the same requester's B withholds nothing the stranger's B published");
        }
        Assert.Empty(ExtractMarket.AuditPooled(warehouse, "differencing researcher"));
        // The stranger's own releases still pass on their own.
        Assert.Empty(ExtractMarket.AuditPooled(warehouse, "someone else"));
    }
}
