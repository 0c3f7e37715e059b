using ClosedXML.Excel;
using MarketStats.Models;
using MarketStats.Core.Domain;
using MarketStats.Reports;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Tests.Reports.Survey;

public sealed class SurveyReportTests
{
    /// <summary>A day after the fixture's fiscal year ended: the year can be complete.</summary>
    private static readonly DateOnly AfterTheYear = new(2026, 5, 1);

    private static TempWarehouse Built(IReadOnlyList<SurveyLine>? lines = null, int coveredFiscalYear = SurveyFixture.FiscalYear)
    {
        var db = new TempWarehouse();
        SurveyFixture.Load(db, lines ?? SurveyFixture.Lines(), coveredFiscalYear);
        Marts.Build(db.Warehouse, Marts.Reports);
        return db;
    }

    private static FakeTimeProvider ClockAt(DateOnly day) => new(new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero));

    [Fact]
    public void Read_CategoryCellsEqualFiguresComputedFromTheLines_MarginsIncluded()
    {
        using var db = Built();
        var lines = SurveyFixture.Lines();
        var cube = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear).Categories;

        var keys = lines.Select(l => (l.Category, l.Form)).Distinct()
            .SelectMany(k => new (string?, string?)[] { (k.Category, k.Form), (k.Category, null), (null, k.Form), (null, null) }).Distinct().ToList();
        Assert.Equal(keys.Count, cube.Cells.Count);
        foreach (var (category, form) in keys)
        {
            var expected = SurveyFixture.Cell(lines.Where(l => (category is null || l.Category == category) && (form is null || l.Form == form)))!;
            var cell = cube.Get(category, form)!;
            Assert.Equal(expected.PaidJpy, cell.PaidJpy);
            Assert.Equal(expected.Clients, cell.ActiveClients);
            Assert.Equal(expected.Workers, cell.ActiveWorkers);
            Assert.Equal(expected.Sdc.Persons, cell.Sdc.Persons);
            Assert.Equal(expected.Sdc.Platforms, cell.Sdc.Platforms);
            Assert.Equal(expected.TopPlatformShare, cell.Sdc.TopPlatformShare!.Value, 12);
            Assert.Equal(expected.TopTwoPlatformsShare, cell.Sdc.TopTwoPlatformsShare!.Value, 12);
        }
    }

    [Fact]
    public void Read_PlantedRisksAreSuppressed_AndEveryPrimaryCellKeepsItsReason()
    {
        using var db = Built();
        var lines = SurveyFixture.Lines();
        var cube = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear).Categories;

        Assert.Equal(Suppression.DominantPlatform, cube.Get("other", null)!.Suppression);
        Assert.Equal(Suppression.FewPersons, cube.Get("system_development", "competition")!.Suppression);
        foreach (var cell in cube.Cells)
        {
            var expected = SurveyFixture.Cell(lines.Where(l => (cell.Row is null || l.Category == cell.Row) && (cell.Column is null || l.Form == cell.Column)))!;
            var primary = DisclosureControl.Primary(expected.Sdc);
            if (primary != Suppression.None) Assert.Equal(primary, cell.Suppression);
            else Assert.True(cell.Suppression is Suppression.None or Suppression.Complementary);
        }
        // In the project column 'other' is the only primary suppression: a complement hides another project cell.
        Assert.Contains(cube.Cells, c => c.Row is not null && c.Column == "project" && c.Suppression == Suppression.Complementary);
        var index = cube.Cells.Select((c, i) => (c, i)).ToDictionary(p => (p.c.Row, p.c.Column), p => p.i);
        Assert.All(SurveyCube.AdditiveLines(cube.Cells, index), line =>
            Assert.True(!cube.Cells[line.Total].Published || line.Members.Count(m => !cube.Cells[m].Published) != 1));
    }

    [Fact]
    public void Read_RegionsAndWorkersEqualFiguresComputedFromTheLines()
    {
        using var db = Built();
        var lines = SurveyFixture.Lines();
        var data = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear);

        foreach (var code in lines.Select(l => l.ClientPrefecture).Distinct())
            Assert.Equal(SurveyFixture.Cell(lines.Where(l => l.ClientPrefecture == code))!.PaidJpy, data.Prefectures.Get(code, "client")!.PaidJpy);
        foreach (var code in lines.Select(l => l.WorkerPrefecture).Distinct())
            Assert.Equal(SurveyFixture.Cell(lines.Where(l => l.WorkerPrefecture == code))!.Workers, data.Prefectures.Get(code, "worker")!.ActiveWorkers);
        var tokyo = lines.Where(l => l.ClientPrefecture == "13").Sum(l => l.PaidJpy);
        Assert.Equal(1 - tokyo / (double)lines.Sum(l => l.PaidJpy), data.ShareOutsideTokyo!.Value, 12);

        var flow = lines.Where(l => SurveyFixture.RegionCode(l.ClientPrefecture) == "R3" && SurveyFixture.RegionCode(l.WorkerPrefecture) == "R5");
        Assert.Equal(flow.Sum(l => l.PaidJpy), data.Flows.Get("R3", "R5")!.PaidJpy);

        // Each worker person in one cell: worker 999 works on three platforms and still counts once.
        foreach (var band in lines.Select(l => SurveyFixture.AgeBand(l.Worker)).Distinct())
            Assert.Equal(lines.Where(l => SurveyFixture.AgeBand(l.Worker) == band).Select(l => l.Worker).Distinct().Count(), data.Workers.Get(band, null)!.ActiveWorkers);
        Assert.Equal(lines.Select(l => l.Worker).Distinct().Count(), data.Workers.Get(null, null)!.ActiveWorkers);
    }

    [Fact]
    public void Write_WorkbookShowsPublishedValuesAndListsEverySuppressedCell()
    {
        using var db = Built();
        var lines = SurveyFixture.Lines();
        var output = new SurveyReport(ClockAt(AfterTheYear)).Write(db.Warehouse, SurveyFixture.FiscalYear, db.OutDir);
        var labels = ReportLabels.Japanese;
        var s = labels.Survey;

        Assert.Equal(YearStatus.Complete, output.Status);
        using var workbook = Workbooks.Open(output.WorkbookPath);
        Assert.Equal([s.SummarySheet, labels.MarketSizeSheet, s.CategorySheet, s.RegionSheet, s.FlowSheet, s.WorkersSheet,
                s.Market.PersonsSheet, s.Market.EstimateSheet, s.Market.LikeForLikeSheet,
                DistributionLabels.Japanese.DistributionsSheet, DistributionLabels.Japanese.RatesSheet, s.SourcesSheet],
            workbook.Worksheets.Select(w => w.Name));

        var summary = workbook.Worksheet(s.SummarySheet).Table(SurveyWorkbook.SummaryTable).DataRange.Rows().ToList();
        Assert.Equal(lines.Sum(l => l.PaidJpy), summary[0].Cell(2).GetValue<long>());
        Assert.Equal(labels.YenFormat, summary[0].Cell(2).Style.NumberFormat.Format);
        Assert.Equal(s.StatusComplete(SurveyFixture.FiscalYear), workbook.Worksheet(s.SummarySheet).Cell(SurveyWorkbook.StatusRow, 1).GetString());

        var category = workbook.Worksheet(s.CategorySheet).Table(SurveyWorkbook.CategoryTable).DataRange.Rows().ToList();
        var design = category.Single(r => r.Cell(1).GetString() == s.CategoryLabel("design") && r.Cell(2).GetString() == labels.FormLabel(null));
        Assert.Equal(lines.Where(l => l.Category == "design").Sum(l => l.PaidJpy), design.Cell(3).GetValue<long>());
        Assert.Equal(lines.Where(l => l.Category == "design").Sum(l => l.PaidJpy) / (double)lines.Sum(l => l.PaidJpy), design.Cell(4).GetDouble(), 12);
        var other = category.Single(r => r.Cell(1).GetString() == s.CategoryLabel("other") && r.Cell(2).GetString() == labels.FormLabel(null));
        Assert.Equal(s.SuppressedMark, other.Cell(3).GetString());
        Assert.Equal(s.SuppressedMark, other.Cell(4).GetString());

        var listed = workbook.Worksheet(s.SourcesSheet).Table("Suppressed").DataRange.Rows()
            .Select(r => (Sheet: r.Cell(1).GetString(), Row: r.Cell(2).GetString(), Column: r.Cell(3).GetString(), Reason: r.Cell(4).GetString())).ToList();
        Assert.Contains((s.CategorySheet, s.CategoryLabel("other"), labels.FormLabel(null), s.Reasons[Suppression.DominantPlatform]), listed);
        Assert.Contains((s.CategorySheet, s.CategoryLabel("system_development"), labels.FormLabel("competition"), s.Reasons[Suppression.FewPersons]), listed);
        // No sheet prints a number where the list says it suppressed one (the mark is in every listed cell's row).
        Assert.All(listed.Where(l => l.Sheet == s.CategorySheet && l.Column != labels.FiscalYear(SurveyFixture.FiscalYear)), l =>
            Assert.Contains(category, r => r.Cell(1).GetString() == l.Row && r.Cell(2).GetString() == l.Column && r.Cell(3).GetString() == s.SuppressedMark));

        Assert.Equal(SurveyWorkbook.HeaderRow, workbook.Worksheet(s.RegionSheet).SheetView.SplitRow);
        Assert.True(workbook.Worksheet(s.RegionSheet).Table(SurveyWorkbook.RegionTable).ShowAutoFilter);
        // The fixture has one fiscal year: no like-for-like chart (no pair of years), the other two market charts,
        // and the two distribution charts.
        Assert.Equal(16, output.ChartPaths.Count);

        // Each chart sits beside its sheet's table at 80%, the same bytes as the PNG published beside the workbook.
        var pictures = Workbooks.Pictures(output.WorkbookPath);
        Assert.Equal([labels.MarketSizeSheet, s.CategorySheet, s.RegionSheet, s.FlowSheet, s.Market.PersonsSheet, s.Market.EstimateSheet,
                DistributionLabels.Japanese.DistributionsSheet, DistributionLabels.Japanese.DistributionsSheet], pictures.Select(p => p.Sheet));
        string[] charts = [SurveyCharts.MarketSizeName, SurveyCharts.CategoryMixName, SurveyCharts.TileMapName, SurveyCharts.FlowMatrixName,
            SurveyMarketCharts.PersonsName, SurveyMarketCharts.EstimateName];
        foreach (var (picture, chart) in pictures.Zip(charts))
        {
            var png = File.ReadAllBytes(output.ChartPaths.Single(p => Path.GetFileName(p) == chart + ".png"));
            Assert.Equal(png, picture.Png);
            var (width, height) = WorkbookPictures.PngSize(output.ChartPaths.Single(p => Path.GetFileName(p) == chart + ".png"));
            Assert.Equal(((int)Math.Round(width * 0.8), (int)Math.Round(height * 0.8)), (picture.WidthPx, picture.HeightPx));
            Assert.Equal(SurveyWorkbook.HeaderRow, picture.Row);
        }
    }

    [Fact]
    public void Write_FailingAfterTheSave_LeavesThePreviousWorkbookIntactAndNoTemporaryFile()
    {
        using var db = Built();
        var output = new SurveyReport(ClockAt(AfterTheYear)).Write(db.Warehouse, SurveyFixture.FiscalYear, db.OutDir);
        var previous = File.ReadAllBytes(output.WorkbookPath);
        var notPng = Path.Combine(db.OutDir, "broken.png");
        File.WriteAllText(notPng, "not a picture");
        var before = Directory.GetFiles(db.OutDir).Order().ToList();

        // The real writer: ClosedXML saves the whole workbook, then putting in a chart that is not a PNG fails.
        var data = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear);
        var charts = new SurveyChartFiles(notPng, notPng, notPng, notPng, [notPng]);
        Assert.Throws<InvalidDataException>(() => SurveyWorkbook.Write(data, ReportLabels.Japanese, output.WorkbookPath, charts));
        // The charts render on another core while the sheets are saved: a chart that fails there fails the workbook too.
        var failedChart = Task.FromException<SurveyChartSet>(new InvalidOperationException("a chart could not be drawn"));
        Assert.Throws<InvalidOperationException>(() => SurveyWorkbook.Write(data, ReportLabels.Japanese, output.WorkbookPath, failedChart));

        Assert.Equal(previous, File.ReadAllBytes(output.WorkbookPath));
        Assert.Equal(before, Directory.GetFiles(db.OutDir).Order()); // no half-written temporary left behind
        using var workbook = Workbooks.Open(output.WorkbookPath);     // still the good one, and it opens
        Assert.Equal(output.ChartPaths.Count(p => p.EndsWith(".png", StringComparison.Ordinal)), Workbooks.Pictures(output.WorkbookPath).Count);
    }

    [Fact]
    public void Write_YearNotOver_SaysPartial()
    {
        using var db = Built();
        var output = new SurveyReport(ClockAt(new DateOnly(2025, 10, 1))).Write(db.Warehouse, SurveyFixture.FiscalYear, db.OutDir);
        Assert.Equal(YearStatus.Partial, output.Status);
        using var workbook = Workbooks.Open(output.WorkbookPath);
        var status = workbook.Worksheet(ReportLabels.Japanese.Survey.SummarySheet).Cell(SurveyWorkbook.StatusRow, 1).GetString();
        Assert.StartsWith(ReportLabels.Japanese.Survey.StatusPartial(SurveyFixture.FiscalYear, new DateOnly(2025, 10, 1)), status);
    }

    [Fact]
    public void Write_ExportsNotCoveringTheYear_SayPartial()
    {
        // The manifest declares FY2024 exports only: FY2025 lines without a covering export are not a whole year.
        using var db = Built(coveredFiscalYear: 2024);
        var data = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear);
        Assert.Equal(YearStatus.Partial, data.Status);
    }

    [Fact]
    public void Write_YearWithoutData_SaysSoAndPrintsNoZeros()
    {
        using var db = Built();
        var output = new SurveyReport(ClockAt(new DateOnly(2031, 5, 1))).Write(db.Warehouse, 2030, db.OutDir, "en");
        var s = ReportLabels.English.Survey;

        Assert.Equal(YearStatus.Empty, output.Status);
        using var workbook = Workbooks.Open(output.WorkbookPath);
        var summary = workbook.Worksheet(s.SummarySheet);
        Assert.Equal(s.StatusEmpty(2030), summary.Cell(SurveyWorkbook.StatusRow, 1).GetString());
        Assert.All(summary.Table(SurveyWorkbook.SummaryTable).DataRange.Rows(), r => Assert.Equal(s.NotApplicable, r.Cell(2).GetString()));
        foreach (var name in new[] { s.CategorySheet, s.RegionSheet, s.FlowSheet, s.WorkersSheet })
        {
            var sheet = workbook.Worksheet(name);
            // the only numbers on a sheet of an empty year are the census populations and codes, never a measured zero
            var measured = sheet.Tables.First().DataRange.CellsUsed().Where(c => c.DataType == XLDataType.Number)
                .Where(c => c.WorksheetColumn().ColumnNumber() != 4 || name != s.RegionSheet);
            Assert.Empty(measured);
        }
    }

    [Fact]
    public void Labels_EveryCodeHasAJapaneseAndAnEnglishLabel()
    {
        foreach (var labels in new[] { SurveyLabels.Japanese, SurveyLabels.English })
        {
            Assert.All(ReportLabels.CategoryOrder, c => Assert.True(labels.Categories.ContainsKey(c), c));
            Assert.All(MarketStats.Core.Contract.ExportContract.V1.CodeLists["age_band"], c => Assert.True(labels.AgeBands.ContainsKey(c), c));
            Assert.All(MarketStats.Core.Contract.ExportContract.V1.CodeLists["gender"], c => Assert.True(labels.Genders.ContainsKey(c), c));
            Assert.All(Enum.GetValues<Suppression>().Where(r => r != Suppression.None), r => Assert.True(labels.Reasons.ContainsKey(r), r.ToString()));
            Assert.Equal(9, SurveyLabels.RegionCodes.Select(labels.RegionLabel).Distinct().Count());
        }
        Assert.Equal("関東", SurveyLabels.Japanese.RegionLabel("R3"));
        Assert.Equal("Okinawa", SurveyLabels.English.RegionLabel("R9"));
    }

    [Fact]
    public void PrefectureTiles_OneTileForEachOfThe47_NoTwoOnTheSameSquare()
    {
        Assert.Equal(Prefecture.All.Select(p => p.Code).Order(), PrefectureTiles.Layout.Keys.Order());
        Assert.Equal(47, PrefectureTiles.Layout.Values.Distinct().Count());
        Assert.All(PrefectureTiles.Layout.Values, t =>
        {
            Assert.InRange(t.Column, 0, PrefectureTiles.Columns - 1);
            Assert.InRange(t.Row, 0, PrefectureTiles.Rows - 1);
        });
        // A few anchors a reader checks first: Hokkaido north-east, Okinawa south-west, Tokyo between Saitama and Kanagawa.
        Assert.Equal((12, 0), PrefectureTiles.Layout["01"]);
        Assert.Equal((0, 9), PrefectureTiles.Layout["47"]);
        Assert.Equal(PrefectureTiles.Layout["11"].Row, PrefectureTiles.Layout["13"].Row);
        Assert.Equal(PrefectureTiles.Layout["13"].Row + 1, PrefectureTiles.Layout["14"].Row);
    }

    [Fact]
    public void Charts_JapaneseTextIsInTheSvgs_AndSuppressedCellsAreNotDrawnAsValues()
    {
        using var db = Built();
        var output = new SurveyReport(ClockAt(AfterTheYear)).Write(db.Warehouse, SurveyFixture.FiscalYear, db.OutDir);
        var s = ReportLabels.Japanese.Survey;
        var svgs = output.ChartPaths.Where(p => p.EndsWith(".svg", StringComparison.Ordinal)).ToDictionary(p => Path.GetFileNameWithoutExtension(p)!, File.ReadAllText);
        Assert.Contains(s.CategoryChartTitle, svgs[SurveyCharts.CategoryMixName]);
        Assert.Contains(s.TileMapTitle(SurveyFixture.FiscalYear), svgs[SurveyCharts.TileMapName]);
        Assert.Contains("北海道", svgs[SurveyCharts.TileMapName]);
        Assert.Contains(s.FlowChartTitle(SurveyFixture.FiscalYear), svgs[SurveyCharts.FlowMatrixName]);
        Assert.Contains("関東", svgs[SurveyCharts.FlowMatrixName]);
        Assert.All(svgs.Values, svg => Assert.Contains(ChartStyle.FontName, svg));
        foreach (var png in output.ChartPaths.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
            Assert.InRange(new FileInfo(png).Length, 10_000, 3_000_000);
    }

    /// <summary>
    /// The market-size workbook published beside the survey must not undo its suppressions: each market-size row has
    /// the status of the category table's form margin (the same quantity), and the joint release passes the attack audit.
    /// </summary>
    [Fact]
    public void Release_MarketSizeRowsShareTheSurveysStatus_AndTheJointReleasePassesTheAudit()
    {
        using var db = Built();
        var data = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear);
        Assert.Contains(data.Categories.Cells, c => c.Suppression == Suppression.Complementary);
        foreach (var cube in data.CategoryByYear)
            foreach (var margin in cube.Cells.Where(c => c.Row is null))
                Assert.Equal(margin.Suppression, data.MarketSizeSuppression[(cube.FiscalYear, margin.Column)]);

        // The release solved again from the same cubes, then audited independently of the solver's own check.
        var release = new SurveyRelease(DisclosurePolicy.Survey);
        foreach (var cube in data.CategoryByYear) release.AddCategories(cube);
        release.AddMarketSize(MarketSizeData.Read(db.Warehouse));
        release.AddPrefectures(data.Prefectures);
        release.AddFlows(data.Flows);
        release.AddWorkers(data.Workers);
        release.Solve();
        Assert.Empty(release.Audit());
        // Weakened: publish a complementary cell again, and the audit finds a cell it no longer protects.
        var complements = release.Status.Where(s => s.Value == Suppression.Complementary).Select(s => s.Key).ToList();
        Assert.Contains(complements, complement =>
            release.Audit(release.Status.ToDictionary(s => s.Key, s => s.Key == complement ? Suppression.None : s.Value)).Count > 0);
    }
}
