using System.Globalization;
using System.IO.Compression;
using ClosedXML.Excel;
using MarketStats.Cli;
using MarketStats.Core.Domain;
using MarketStats.Reports;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Cli;

/// <summary>The README's main command, end to end, reconciled against the raw export files it generated.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Demo_workbook_headline_equals_paid_value_summed_from_the_raw_exports()
    {
        var (code, output, error) = await CliRunner.Run("demo", "--out", temp["out"], "--db", temp["demo/demo.duckdb"], "--transactions", "6000");
        Assert.True(code == ExitCodes.Success, error);
        var results = CliRunner.Results(output);
        Assert.Equal("0", results["files_rejected"].Single());

        var independent = PaidByFiscalYear(temp["demo/inbox"]);
        using var workbook = Workbooks.Open(results["workbook"].Single());
        var labels = ReportLabels.For("ja");
        var totals = workbook.Worksheet(labels.MarketSizeSheet).Table(MarketSizeWorkbook.TableName).DataRange.Rows()
            .Where(r => r.Cell(2).GetString() == labels.AllForms)
            .ToDictionary(r => r.Cell(1).GetValue<int>(), r => (Lines: r.Cell(7).GetValue<long>(), Paid: r.Cell(8).GetValue<long>(), Fee: r.Cell(9).GetValue<long>()));
        Assert.Equal(independent, totals);
        Assert.True(independent.Count >= 3);

        // Regression: the survey's method text once listed every link's evidence string and overflowed an Excel cell.
        using (var survey = Workbooks.Open(results["survey_workbook"].Single()))
            Assert.DoesNotContain(survey.Worksheets.SelectMany(s => s.CellsUsed()), c => c.GetString().Contains("clk_dice=", StringComparison.Ordinal));

        foreach (var chart in results["chart"])
            Assert.True(new FileInfo(chart).Length > 1000, chart);
        Assert.Equal(0x89, File.ReadAllBytes(results["chart"].Single(c => c.EndsWith(".png", StringComparison.Ordinal)))[0]);
    }

    [Fact]
    public async Task Demo_linkage_finds_planted_duplicates_and_rarely_merges_two_true_persons()
    {
        var (code, output, _) = await CliRunner.Run("demo", "--out", temp["out"], "--db", temp["demo/demo.duckdb"], "--transactions", "3000");
        Assert.Equal(ExitCodes.Success, code);
        var truth = File.ReadLines(temp["demo/inbox-ground-truth.csv"]).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
        var (_, clusters, _) = await CliRunner.Run("sql", "select platform_id, account_id, kind, person_id from int_account_persons", "--db", temp["demo/demo.duckdb"], "--format", "csv");
        var byPerson = clusters.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))
            .GroupBy(f => (f[2], f[3]), f => truth[(f[0], f[1], f[2])]).ToList();

        // Counted here from the ground truth, independently of the linker's own evaluation.
        var pure = byPerson.Count(cluster => cluster.Distinct().Count() == 1);
        Assert.True(pure >= 0.98 * byPerson.Count, $"{byPerson.Count - pure} of {byPerson.Count} clusters mix true persons");
        var truePersons = truth.Values.Distinct().Count();
        var found = long.Parse(CliRunner.Results(output)["unique_workers"].Single(), CultureInfo.InvariantCulture)
                  + long.Parse(CliRunner.Results(output)["unique_clients"].Single(), CultureInfo.InvariantCulture);
        Assert.InRange(found, truePersons * 0.97, truePersons * 1.03);
    }

    /// <summary>Paid lines, paid value and fees per fiscal year of paid_on, read straight from the CSV exports (no DuckDB).</summary>
    private static Dictionary<int, (long Lines, long Paid, long Fee)> PaidByFiscalYear(string inbox)
    {
        var totals = new Dictionary<int, (long Lines, long Paid, long Fee)>();
        foreach (var path in Directory.GetFiles(inbox, "transactions_*", SearchOption.AllDirectories))
        {
            using Stream raw = File.OpenRead(path);
            using var text = new StreamReader(path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw);
            var header = text.ReadLine()!.TrimStart('\uFEFF').Split(',');
            int Col(string name) => Array.IndexOf(header, name);
            var (paidOn, paid, fee) = (Col("paid_on"), Col("paid_jpy"), Col("fee_jpy"));
            while (text.ReadLine() is { Length: > 0 } line)
            {
                var f = line.Split(',');
                if (f[paidOn].Length == 0) continue;
                var fy = FiscalYear.Of(DateOnly.ParseExact(f[paidOn], "yyyy-MM-dd", CultureInfo.InvariantCulture));
                var t = totals.GetValueOrDefault(fy);
                totals[fy] = (t.Lines + 1, t.Paid + long.Parse(f[paid], CultureInfo.InvariantCulture),
                    t.Fee + (f[fee].Length == 0 ? 0 : long.Parse(f[fee], CultureInfo.InvariantCulture)));
            }
        }
        return totals;
    }
}
