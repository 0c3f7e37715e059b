using ClosedXML.Excel;
using MarketStats.Models;
using MarketStats.Core.Contract;
using MarketStats.Reports;
using MarketStats.Reports.Disclosure;
using MarketStats.Tests.Support;
using Xunit;

namespace MarketStats.Tests.Reports;

public sealed class MarketSizeReportTest
{
    private static readonly string[] Forms = ["project", "competition", "task"];

    private static TempWarehouse BuiltFixture(IEnumerable<FixtureLine>? lines = null)
    {
        var db = new TempWarehouse();
        db.Insert(lines ?? MarketSizeFixture.Lines);
        db.InsertPersons(MarketSizeFixture.Persons);
        Marts.Build(db.Warehouse, Marts.Reports);
        return db;
    }

    private static ExpectedFigures AsExpected(MarketSizeFigures f) =>
        new(f.JobsPosted, f.PostedJpy, f.LinesContracted, f.ContractedJpy, f.LinesPaid, f.PaidJpy, f.FeeJpy, f.ActiveClients, f.ActiveWorkers);

    [Fact]
    public void BuildMarts_MartEqualsFiguresComputedFromTheFixtureRows()
    {
        using var db = BuiltFixture();
        var data = MarketSizeData.Read(db.Warehouse);
        var lines = MarketSizeFixture.Lines;

        var years = MarketSizeFixture.FiscalYears(lines).ToList();
        Assert.Equal([2023, 2024], years);
        Assert.Equal(years, data.Totals.Select(t => t.FiscalYear));
        foreach (var year in years)
        {
            Assert.Equal(MarketSizeFixture.Expected(lines, year, null), AsExpected(data.Total(year)!));
            foreach (var form in Forms)
            {
                var expected = MarketSizeFixture.Expected(lines, year, form);
                var actual = data.For(year, form);
                Assert.Equal(expected, actual is null ? null : AsExpected(actual));
            }
        }
        Assert.Equal(years.Sum(y => Forms.Count(f => MarketSizeFixture.Expected(lines, y, f) is not null)), data.ByForm.Count);
    }

    [Fact]
    public void BuildMarts_LinePostedInMarchAndPaidInApril_CountsInTwoFiscalYears()
    {
        using var db = BuiltFixture();
        var data = MarketSizeData.Read(db.Warehouse);
        var project = MarketSizeFixture.Lines.Where(l => l.Form == "project").ToList();
        // Written as explicit April-to-March ranges rather than through FiscalYear.Of, to pin the boundary itself.
        static bool In(DateOnly? d, int fy) => d >= new DateOnly(fy, 4, 1) && d <= new DateOnly(fy + 1, 3, 31);

        Assert.Contains(project, l => l.PostedOn.Month == 3 && l.PaidOn?.Month == 4);
        Assert.Equal(project.Where(l => In(l.PostedOn, 2023)).Sum(l => l.PostedJpy), data.For(2023, "project")!.PostedJpy);
        Assert.Equal(project.Where(l => In(l.PaidOn, 2023)).Sum(l => l.PaidJpy), data.For(2023, "project")!.PaidJpy);
        Assert.Equal(project.Where(l => In(l.PaidOn, 2024)).Sum(l => l.PaidJpy), data.For(2024, "project")!.PaidJpy);
    }

    [Fact]
    public void BuildMarts_OnePersonOnTwoPlatformsIsOneActiveWorker()
    {
        using var db = BuiltFixture();
        var data = MarketSizeData.Read(db.Warehouse);

        // In FY2024 alpha:w1 (task) and beta:bw1 (competition) are person 1: once in total, once in each form.
        var byForm = data.ByForm.Where(f => f.FiscalYear == 2024).Sum(f => f.ActiveWorkers);
        Assert.Equal(byForm - 1, data.Total(2024)!.ActiveWorkers);
    }

    [Fact]
    public void BuildMarts_WithoutLinkage_EachAccountIsItsOwnPerson()
    {
        using var db = new TempWarehouse();
        db.Insert(MarketSizeFixture.Lines);
        Marts.Build(db.Warehouse, Marts.Reports);

        var paid2024 = MarketSizeFixture.Lines.Where(l => l.PaidOn is { } p && MarketStats.Core.Domain.FiscalYear.Of(p) == 2024).ToList();
        Assert.Equal(paid2024.Select(l => (l.Platform, l.WorkerAccount)).Distinct().Count(),
                     MarketSizeData.Read(db.Warehouse).Total(2024)!.ActiveWorkers);
    }

    [Fact]
    public void Write_WorkbookCellsEqualTheIndependentFiguresWithNumberFormats()
    {
        using var db = BuiltFixture();
        var output = new MarketSizeReport().Write(db.Warehouse, db.OutDir, "ja", AllPublished(db));
        var labels = ReportLabels.Japanese;
        var lines = MarketSizeFixture.Lines;

        using var workbook = Workbooks.Open(output.WorkbookPath);
        var sheet = workbook.Worksheet(labels.MarketSizeSheet);
        Assert.Equal(labels.Columns.InOrder, Enumerable.Range(1, 12).Select(c => sheet.Cell(MarketSizeWorkbook.HeaderRow, c).GetString()));
        var table = sheet.Table(MarketSizeWorkbook.TableName);
        Assert.True(table.ShowAutoFilter);
        Assert.Equal(MarketSizeWorkbook.HeaderRow, sheet.SheetView.SplitRow);

        var rows = table.DataRange.Rows().ToList();
        var expectedRows = MarketSizeFixture.FiscalYears(lines)
            .SelectMany(y => Forms.Where(f => MarketSizeFixture.Expected(lines, y, f) is not null).Append(null).Select(f => (Year: y, Form: f)))
            .ToList();
        Assert.Equal(expectedRows.Count, rows.Count);
        foreach (var (row, (year, form)) in rows.Zip(expectedRows))
        {
            Assert.Equal(year, row.Cell(1).GetValue<int>());
            Assert.Equal(form is null ? labels.AllForms : labels.Forms[form], row.Cell(2).GetString());
            var e = MarketSizeFixture.Expected(lines, year, form)!;
            long[] expectedMeasures = [e.JobsPosted, e.PostedJpy, e.LinesContracted, e.ContractedJpy, e.LinesPaid, e.PaidJpy, e.FeeJpy, e.ActiveClients, e.ActiveWorkers];
            Assert.Equal(expectedMeasures, Enumerable.Range(3, 9).Select(c => row.Cell(c).GetValue<long>()));

            Assert.Equal(labels.FiscalYearFormat, row.Cell(1).Style.NumberFormat.Format);
            Assert.Equal(labels.YenFormat, row.Cell(8).Style.NumberFormat.Format);
            Assert.Equal(labels.CountFormat, row.Cell(3).Style.NumberFormat.Format);
            Assert.Equal(labels.PercentFormat, row.Cell(12).Style.NumberFormat.Format);

            var previous = MarketSizeFixture.Expected(lines, year - 1, form);
            if (previous is null)
                Assert.True(row.Cell(12).IsEmpty());
            else
                Assert.Equal((e.PaidJpy - previous.PaidJpy) / (double)previous.PaidJpy, row.Cell(12).GetDouble(), 12);
        }
    }

    [Fact]
    public void Write_ChartIsAPlausiblePngAndAnSvg()
    {
        using var db = BuiltFixture();
        var output = new MarketSizeReport().Write(db.Warehouse, db.OutDir, "ja", AllPublished(db));

        Assert.Equal(2, output.ChartPaths.Count);
        var png = File.ReadAllBytes(output.ChartPaths[0]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        // IHDR: width and height, big-endian, right after the signature and chunk header
        Assert.Equal(MarketSizeChart.WidthPx, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(MarketSizeChart.HeightPx, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        Assert.InRange(png.Length, 10_000, 2_000_000);

        var svg = File.ReadAllText(output.ChartPaths[1]);
        Assert.Contains(ReportLabels.Japanese.ChartTitle, svg);
        Assert.Contains(ChartStyle.FontName, svg);
    }

    [Fact]
    public void Write_WorkbookHoldsTheChartBesideTheTable_AtItsPixelSize()
    {
        using var db = BuiltFixture();
        var output = new MarketSizeReport().Write(db.Warehouse, db.OutDir, "ja", AllPublished(db));

        var picture = Assert.Single(Workbooks.Pictures(output.WorkbookPath));
        Assert.Equal(ReportLabels.Japanese.MarketSizeSheet, picture.Sheet);
        Assert.Equal((MarketSizeWorkbook.HeaderRow, 14), (picture.Row, picture.Column)); // one column right of the 12-column table
        Assert.Equal((MarketSizeChart.WidthPx, MarketSizeChart.HeightPx), (picture.WidthPx, picture.HeightPx));
        Assert.Equal(File.ReadAllBytes(output.ChartPaths[0]), picture.Png);
    }

    [Fact]
    public void Write_English_UsesEnglishLabelsAndFormats()
    {
        using var db = BuiltFixture();
        var output = new MarketSizeReport().Write(db.Warehouse, db.OutDir, "en", AllPublished(db));
        var labels = ReportLabels.English;

        using var workbook = Workbooks.Open(output.WorkbookPath);
        Assert.Equal([labels.MarketSizeSheet, labels.DefinitionsSheet], workbook.Worksheets.Select(s => s.Name));
        var sheet = workbook.Worksheet(labels.MarketSizeSheet);
        Assert.Equal(labels.MarketSizeTitle, sheet.Cell(MarketSizeWorkbook.TitleRow, 1).GetString());
        Assert.Equal(labels.Columns.PaidJpy, sheet.Cell(MarketSizeWorkbook.HeaderRow, 8).GetString());
        var firstRow = sheet.Table(MarketSizeWorkbook.TableName).DataRange.FirstRow();
        Assert.Equal(labels.Forms["project"], firstRow.Cell(2).GetString());
        Assert.Equal(labels.YenFormat, firstRow.Cell(8).Style.NumberFormat.Format);
        Assert.Contains(labels.ChartTitle, File.ReadAllText(output.ChartPaths[1]));
    }

    [Fact]
    public void Write_EmptyDatabase_SaysThereIsNoData()
    {
        using var db = new TempWarehouse();
        Marts.Build(db.Warehouse, Marts.Reports);
        var output = new MarketSizeReport().Write(db.Warehouse, db.OutDir, "ja", AllPublished(db));
        var labels = ReportLabels.Japanese;

        using var workbook = Workbooks.Open(output.WorkbookPath);
        var sheet = workbook.Worksheet(labels.MarketSizeSheet);
        Assert.Equal(labels.NoDataAtAll, sheet.Cell(MarketSizeWorkbook.HeaderRow, 1).GetString());
        Assert.Empty(sheet.Tables);
        Assert.DoesNotContain(sheet.CellsUsed(), c => c.DataType == XLDataType.Number);
        Assert.Contains(labels.ChartNoDataTitle, File.ReadAllText(output.ChartPaths[1]));
        Assert.True(new FileInfo(output.ChartPaths[0]).Length > 1_000);
    }

    [Fact]
    public void Write_FiscalYearWithoutTransactions_IsShownAsNoDataNotZero()
    {
        // FY2022 and FY2024 only
        var lines = MarketSizeFixture.Lines
            .Where(l => l.PostedOn.Year == 2024 && l.PostedOn.Month >= 4)
            .Append(new FixtureLine("alpha", "a-t99", "a-j99", "project", "paid", new(2022, 5, 1), new(2022, 5, 2), new(2022, 6, 1), 10_000, 10_000, 10_000, 1_000, "c9", "w9"))
            .ToList();
        using var db = BuiltFixture(lines);
        var output = new MarketSizeReport().Write(db.Warehouse, db.OutDir, "ja", AllPublished(db));
        var labels = ReportLabels.Japanese;

        using var workbook = Workbooks.Open(output.WorkbookPath);
        var rows = workbook.Worksheet(labels.MarketSizeSheet).Table(MarketSizeWorkbook.TableName).DataRange.Rows().ToList();
        var gap = Assert.Single(rows, r => r.Cell(1).GetValue<int>() == 2023);
        Assert.Equal(labels.NoDataForYear, gap.Cell(2).GetString());
        Assert.True(Enumerable.Range(3, 10).All(c => gap.Cell(c).IsEmpty()));
        // no growth rate across the gap
        Assert.True(rows.Where(r => r.Cell(1).GetValue<int>() == 2024).All(r => r.Cell(12).IsEmpty()));
    }

    [Fact]
    public void ReportLabels_EveryLanguageLabelsEveryContractForm()
    {
        foreach (var lang in ReportLabels.Languages)
        {
            var labels = ReportLabels.For(lang);
            Assert.Equal(ExportContract.V1.CodeLists["form"].Order(), labels.Forms.Keys.Order());
            Assert.Equal(ReportLabels.Japanese.Definitions.Count, labels.Definitions.Count);
            Assert.Equal(labels.Columns.InOrder.Count, labels.Columns.InOrder.Distinct().Count());
        }
        Assert.Throws<ArgumentException>(() => ReportLabels.For("fr"));
    }

    /// <summary>Every row published: these tests check the rendering against raw figures (disclosure control has its own tests).</summary>
    private static Dictionary<(int, string?), Suppression> AllPublished(TempWarehouse db)
    {
        var data = MarketSizeData.Read(db.Warehouse);
        return data.Totals.Concat(data.ByForm).ToDictionary(f => (f.FiscalYear, f.Form), _ => Suppression.None);
    }
}
