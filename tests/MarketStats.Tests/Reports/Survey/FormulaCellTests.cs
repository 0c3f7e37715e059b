using MarketStats.Models;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Reports.Survey;

/// <summary>Text that comes from input never starts a workbook cell with a formula trigger (issue 11, item 8).</summary>
public sealed class FormulaCellTests
{
    private static readonly Dictionary<string, string> Hostile = new()
    {
        ["P1"] = "=HYPERLINK(\"http://evil.example/\",\"click\")",
        ["P2"] = "+cmd|' /C calc'!A0",
        ["P3"] = "@SUM(1+1)",
        ["P4"] = "\t=1+1",
        ["P5"] = "-2+3",
    };

    [Fact]
    public void Platform_ids_that_look_like_formulas_are_written_as_inert_text()
    {
        using var db = new TempWarehouse();
        SurveyFixture.Load(db, [.. SurveyFixture.Lines().Select(l => l with { Platform = Hostile[l.Platform] })]);
        Marts.Build(db.Warehouse, Marts.Reports);

        var output = new SurveyReport(new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)))
            .Write(db.Warehouse, SurveyFixture.FiscalYear, db.OutDir);

        using var workbook = Workbooks.Open(output.WorkbookPath);
        var cells = workbook.Worksheets.SelectMany(s => s.CellsUsed()).ToList();
        Assert.DoesNotContain(cells, c => c.HasFormula);
        var texts = cells.Select(c => c.GetString()).ToList();
        Assert.DoesNotContain(texts, t => t.Length > 0 && t[0] is '=' or '+' or '-' or '@' or '\t' or '\r');
        // The ids are still there, readable, behind the apostrophe that makes them text.
        foreach (var id in Hostile.Values.Where(id => id != Hostile["P5"] || texts.Any(t => t.Contains("-2+3", StringComparison.Ordinal))))
            Assert.Contains("'" + id, texts);
    }
}
