using System.Globalization;
using System.Security.Cryptography;
using ClosedXML.Excel;
using MarketStats.Cli;
using MarketStats.Core.Domain;
using MarketStats.Reports;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>
/// The survey workbook's headline figures, recomputed straight from the raw export files in C# (no DuckDB), and
/// compared with the workbook's cells. Unique persons use the linker's output (its mapping is an input of the survey).
/// </summary>
[Collection(SurveyDemoCollection.Name)]
public sealed class SurveyReconciliationTests(SurveyDemo demo) : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>What one fiscal year's headline figures are, by the survey's definitions, read from raw lines.</summary>
    private sealed class YearFigures
    {
        public long PaidJpy, ContractedJpy, PostedJpy, FeeJpy, LinesPaid, TokyoClientPaidJpy;
        public readonly HashSet<string> Jobs = [], Clients = [], Workers = [];
        public readonly Dictionary<string, long> PaidByCategory = [];
    }

    [Fact]
    public async Task Demo_SurveyWorkbookHeadlines_EqualFiguresRecomputedFromTheRawExports()
    {
        var results = demo.Results;
        var year = demo.FiscalYear;
        Assert.Equal("complete", results["survey_status"].Single());

        var years = FromRawExports(demo.Inbox, demo.Person);
        var expected = years[year];

        using var workbook = Workbooks.Open(results["survey_workbook"].Single());
        var s = ReportLabels.Japanese.Survey;
        var summary = workbook.Worksheet(s.SummarySheet).Table(SurveyWorkbook.SummaryTable).DataRange.Rows().Select(r => r.Cell(2)).ToList();
        // Rows in the order of SurveyLabels.Headlines: paid, contracted, posted, fee, lines paid, jobs posted, clients, workers, YoY, outside Tokyo.
        Assert.Equal(expected.PaidJpy, summary[0].GetValue<long>());
        Assert.Equal(expected.ContractedJpy, summary[1].GetValue<long>());
        Assert.Equal(expected.PostedJpy, summary[2].GetValue<long>());
        Assert.Equal(expected.FeeJpy, summary[3].GetValue<long>());
        Assert.Equal(expected.LinesPaid, summary[4].GetValue<long>());
        Assert.Equal(expected.Jobs.Count, summary[5].GetValue<long>());
        Assert.Equal(expected.Clients.Count, summary[6].GetValue<long>());
        Assert.Equal(expected.Workers.Count, summary[7].GetValue<long>());
        Assert.Equal((expected.PaidJpy - years[year - 1].PaidJpy) / (double)years[year - 1].PaidJpy, summary[8].GetDouble(), 12);
        Assert.Equal(1 - expected.TokyoClientPaidJpy / (double)expected.PaidJpy, summary[9].GetDouble(), 12);

        // Category shares of the year (all forms), where published.
        var category = workbook.Worksheet(s.CategorySheet).Table(SurveyWorkbook.CategoryTable).DataRange.Rows()
            .Where(r => r.Cell(2).GetString() == ReportLabels.Japanese.FormLabel(null)).ToList();
        var compared = 0;
        foreach (var (code_, paid) in expected.PaidByCategory)
        {
            var row = category.Single(r => r.Cell(1).GetString() == s.CategoryLabel(code_));
            if (row.Cell(3).GetString() == s.SuppressedMark) continue;
            Assert.Equal(paid, row.Cell(3).GetValue<long>());
            Assert.Equal(paid / (double)expected.PaidJpy, row.Cell(4).GetDouble(), 12);
            compared++;
        }
        Assert.True(compared >= 6, $"only {compared} categories published");

        // Files are counted per kind over all members, and nothing in the workbook is one member's own: no file name, no
        // file hash, and on the sources sheet no number equal to one delivered file's row count (a member's sign-ups or lines).
        var delivered = Directory.GetFiles(demo.Inbox, "*", SearchOption.AllDirectories);
        var counted = workbook.Worksheet(s.SourcesSheet).Table("Files").DataRange.Rows().Sum(r => r.Cell(2).GetValue<long>());
        Assert.Equal(delivered.Length, counted);
        var texts = workbook.Worksheets.SelectMany(sheet => sheet.CellsUsed()).Select(c => c.GetString()).ToList();
        foreach (var file in delivered)
        {
            var (name, hash) = (Path.GetFileName(file), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))));
            Assert.DoesNotContain(texts, t => t.Contains(name, StringComparison.Ordinal) || t.Contains(hash, StringComparison.Ordinal));
        }
        var rowCounts = delivered.Select(f => (double)(RawExports.Lines(f).Count() - 1)).ToHashSet();
        // (the Files table's totals over all members are exempt: 82 registration files once met a file of 82 rows)
        var sources = workbook.Worksheet(s.SourcesSheet);
        var fileTotals = sources.Table("Files").DataRange;
        var leaks = sources.CellsUsed().Where(c => c.DataType == XLDataType.Number && rowCounts.Contains(c.GetDouble()) && !fileTotals.Contains(c))
            .Select(c => $"{c.Address}={c.GetDouble()} (row: {string.Join(" | ", c.WorksheetRow().CellsUsed().Select(r => r.GetString()))})").ToList();
        Assert.True(leaks.Count == 0, "per-file row counts on the sources sheet: " + string.Join("; ", leaks));

        // The same database, a year nobody reported: the command says so (exit 1) and still writes a workbook that says so.
        var (emptyCode, emptyOutput, _) = await CliRunner.Run("report", "survey", "--fiscal-year", "2030", "--db", demo.Db, "--out", temp["empty"], "--lang", "en", "--trace");
        Assert.Equal(ExitCodes.ProblemFound, emptyCode);
        var empty = CliRunner.Results(emptyOutput);
        Assert.Equal("empty", empty["status"].Single());
        Assert.True(File.Exists(empty["workbook"].Single()));
        // --trace: every phase of the run once, in seconds, and the process's CPU seconds.
        foreach (var phase in new[] { "start-up", "open_warehouse", "survey_marts", "survey_read_marts_and_build_the_release", "survey_disclosure_control", "survey_charts", "survey_workbook" })
            Assert.Matches(@"^\d+\.\d\d s \(1\)$", empty["trace_" + phase].Single());
        Assert.True(double.Parse(empty["trace_cpu_seconds"].Single(), CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task ReportSurvey_MissingDatabase_CouldNotRun()
    {
        var (code, _, error) = await CliRunner.Run("report", "survey", "--fiscal-year", "2025", "--db", temp["nothing.duckdb"], "--out", temp["out"]);
        Assert.Equal(ExitCodes.CouldNotRun, code);
        Assert.StartsWith("No database at", error);
        Assert.False(File.Exists(temp["nothing.duckdb"]));
    }

    private static Dictionary<int, YearFigures> FromRawExports(string inbox, Func<string, string, string, string> personOf)
    {
        var years = new Dictionary<int, YearFigures>();
        YearFigures In(string date) =>
            years.TryGetValue(FiscalYear.Of(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture)), out var y) ? y
            : years[FiscalYear.Of(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture))] = new YearFigures();
        static long Yen(string text) => text.Length == 0 ? 0 : long.Parse(text, CultureInfo.InvariantCulture);

        foreach (var field in RawExports.Transactions(inbox))
        {
            var platform = field("platform_id");
            var posted = In(field("posted_on"));
            posted.PostedJpy += Yen(field("posted_jpy"));
            posted.Jobs.Add(platform + ":" + field("job_id"));
            if (field("contracted_on").Length > 0 && field("status") != "cancelled")
                In(field("contracted_on")).ContractedJpy += Yen(field("contracted_jpy"));
            if (field("paid_on").Length == 0) continue;
            var paid = In(field("paid_on"));
            var value = Yen(field("paid_jpy"));
            paid.PaidJpy += value;
            paid.FeeJpy += Yen(field("fee_jpy"));
            paid.LinesPaid++;
            paid.Clients.Add(personOf(platform, field("client_account_id"), "client"));
            paid.Workers.Add(personOf(platform, field("worker_account_id"), "worker"));
            paid.PaidByCategory[field("category")] = paid.PaidByCategory.GetValueOrDefault(field("category")) + value;
            if (field("client_prefecture") == SurveyData.TokyoCode) paid.TokyoClientPaidJpy += value;
        }
        return years;
    }
}
