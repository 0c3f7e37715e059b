using ClosedXML.Excel;
using MarketStats.Core.IO;
using MarketStats.Core.Domain;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>A suppressed cell as the Sources and method sheet lists it.</summary>
public sealed record SuppressedCell(string Sheet, string Row, string Column, Suppression Reason);

/// <summary>The yearly survey workbook: summary, one sheet per report with its chart beside its table, sources and method.</summary>
public static partial class SurveyWorkbook
{
    public const int TitleRow = 1;
    public const int StatusRow = 2;
    public const int NoteRow = 3;
    /// <summary>Header row of each sheet's first table (the Summary's too).</summary>
    public const int HeaderRow = 5;

    public const string SummaryTable = "Summary";
    public const string MarketSizeTable = "MarketSize";
    public const string CategoryTable = "CategoryMix";
    public const string CategoryTrendTable = "CategoryTrend";
    public const string RegionTable = "Prefectures";
    public const string FlowTable = "RegionFlows";
    public const string WorkersTable = "WhoWorks";

    private static readonly XLColor HeaderFill = XLColor.FromHtml("#DDEBF7");
    private static readonly XLColor TotalFill = XLColor.FromHtml("#F2F2F2");
    private const string Per100kFormat = "#,##0.0";

    /// <summary>Marks a published cell as suppressed: the sheet prints the suppression mark, never the value.</summary>
    private sealed record Hidden;
    private static readonly Hidden Suppressed = new();

    public static void Write(SurveyData data, ReportLabels labels, string path, SurveyChartFiles? charts, DistributionChartFiles? distributionCharts = null) =>
        Write(data, labels, path, Task.FromResult(new SurveyChartSet(charts, distributionCharts)));

    /// <param name="rendering">The charts, which may still be rendering on another core: the sheets are written and saved
    /// meanwhile, and only placing the pictures waits for them (a chart that failed fails the workbook, which is then
    /// not written).</param>
    public static void Write(SurveyData data, ReportLabels labels, string path, Task<SurveyChartSet> rendering)
    {
        ArgumentNullException.ThrowIfNull(rendering);
        var log = new List<SuppressedCell>();
        var pictures = new List<PlacedPicture>();
        using var workbook = new XLWorkbook();
        var summary = workbook.AddWorksheet(labels.Survey.SummarySheet);
        WriteMarketSize(workbook.AddWorksheet(labels.MarketSizeSheet), data, labels, Chart(c => c.Charts?.MarketSize), log);
        WriteCategories(workbook.AddWorksheet(labels.Survey.CategorySheet), data, labels, Chart(c => c.Charts?.CategoryMix), log);
        WriteRegions(workbook.AddWorksheet(labels.Survey.RegionSheet), data, labels, Chart(c => c.Charts?.TileMap), log);
        WriteFlows(workbook.AddWorksheet(labels.Survey.FlowSheet), data, labels, Chart(c => c.Charts?.FlowMatrix), log);
        WriteWorkers(workbook.AddWorksheet(labels.Survey.WorkersSheet), data, labels, log);
        WriteMarketSections(workbook, data, labels, pictures, log);
        WriteDistributionSheets(workbook, data, labels, Chart(c => c.Distributions?.WorkerPay), Chart(c => c.Distributions?.JobBands), log);
        WriteSummary(summary, data, labels);
        WriteFactsAndEstimates(summary, data, labels);
        WriteSources(workbook.AddWorksheet(labels.Survey.SourcesSheet), data, labels, log);
        summary.SetTabActive();
        AtomicFile.Write(path, temporary =>
        {
            workbook.SaveAs(temporary);
            var rendered = rendering.GetAwaiter().GetResult();
            WorkbookPictures.Insert(temporary, [.. pictures.Select(p => p.Resolve(rendered)).OfType<WorkbookPicture>()]);
        });

        PlacedChart Chart(Func<SurveyChartSet, string?> png) => new(png, pictures);
    }

    /// <summary>A chart to place beside a sheet's table (its PNG picked from the rendered charts, none when that chart was
    /// not drawn), collected for <see cref="WorkbookPictures.Insert"/> after the save.</summary>
    private sealed record PlacedChart(Func<SurveyChartSet, string?> Png, List<PlacedPicture> Pictures);

    /// <summary>Where a chart goes, before the charts are known to be rendered.</summary>
    private sealed record PlacedPicture(string Sheet, Func<SurveyChartSet, string?> Png, int Row, int Column)
    {
        public WorkbookPicture? Resolve(SurveyChartSet charts) => Png(charts) is { } png ? new WorkbookPicture(Sheet, png, Row, Column, Scale: 0.8) : null;
    }

    // ------------------------------------------------------------------ sheets

    private static void WriteSummary(IXLWorksheet sheet, SurveyData data, ReportLabels labels)
    {
        var s = labels.Survey;
        WriteHeading(sheet, s.WorkbookTitle(data.FiscalYear), data, labels);
        var headline = data.Headline;
        var published = data.IsPublished(data.FiscalYear, null);
        object? Money(Func<MarketSizeFigures, long> measure) => headline is null ? null : published ? measure(headline) : Suppressed;
        var previous = data.MarketSize.Total(data.FiscalYear - 1);
        object? growth = headline is null || previous is not { PaidJpy: > 0 } ? null
            : published && data.IsPublished(data.FiscalYear - 1, null) ? (headline.PaidJpy - previous.PaidJpy) / (double)previous.PaidJpy : Suppressed;
        object? outsideTokyo = headline is null ? null : data.ShareOutsideTokyo is { } share ? share : Suppressed;
        object?[] values =
        [
            Money(h => h.PaidJpy), Money(h => h.ContractedJpy), Money(h => h.PostedJpy), Money(h => h.FeeJpy),
            Money(h => h.LinesPaid), Money(h => h.JobsPosted), Money(h => h.ActiveClients), Money(h => h.ActiveWorkers),
            growth, outsideTokyo,
        ];
        string[] formats = [labels.YenFormat, labels.YenFormat, labels.YenFormat, labels.YenFormat,
            labels.CountFormat, labels.CountFormat, labels.CountFormat, labels.CountFormat, labels.PercentFormat, labels.PercentFormat];
        var rows = s.Headlines.Select((h, i) => new object?[] { h.Term, values[i] ?? s.NotApplicable, h.Definition }).ToList();
        var table = WriteTable(sheet, HeaderRow, 1, SummaryTable, [s.ItemHeader, s.ValueHeader, s.DefinitionHeader], rows, [null, null, null], labels);
        for (var i = 0; i < rows.Count; i++)
            sheet.Cell(HeaderRow + 1 + i, 2).Style.NumberFormat.Format = formats[i];
        sheet.Cell(HeaderRow + 1, 1).Style.Font.SetBold();
        sheet.Cell(HeaderRow + 1, 2).Style.Font.SetBold();
        SetWidths(sheet, 40, 22, 100);
        table.Range(2, 3, rows.Count + 1, 3).Style.Alignment.SetWrapText();
        table.Range(2, 1, rows.Count + 1, 3).Style.Alignment.SetVertical(XLAlignmentVerticalValues.Top);
        for (var i = 0; i < rows.Count; i++)
            sheet.Row(HeaderRow + 1 + i).Height = Math.Max(MarketSizeWorkbook.WrappedLineCount((string)rows[i][2]!, 100), MarketSizeWorkbook.WrappedLineCount((string)rows[i][0]!, 40)) * 15 + 3;
        Finish(sheet, HeaderRow);
    }

    private static void WriteMarketSize(IXLWorksheet sheet, SurveyData data, ReportLabels labels, PlacedChart? chart, List<SuppressedCell> log)
    {
        WriteHeading(sheet, labels.Survey.MarketSizeTitle, data, labels);
        var c = labels.Columns;
        string[] headers = [c.FiscalYear, c.Form, c.JobsPosted, c.PostedJpy, c.LinesContracted, c.ContractedJpy, c.LinesPaid, c.PaidJpy, c.FeeJpy, c.ActiveClients, c.ActiveWorkers, c.PaidGrowth];
        string?[] formats = [labels.FiscalYearFormat, null, labels.CountFormat, labels.YenFormat, labels.CountFormat, labels.YenFormat, labels.CountFormat, labels.YenFormat, labels.YenFormat, labels.CountFormat, labels.CountFormat, labels.PercentFormat];
        var rows = new List<object?[]>();
        var totalRows = new List<int>();
        foreach (var line in MarketSizeWorkbook.TableLines(data.MarketSize))
        {
            if (line.Figures is not { } f)
            {
                rows.Add([line.FiscalYear, labels.NoDataForYear, .. Enumerable.Repeat<object?>(null, headers.Length - 2)]);
                continue;
            }
            if (f.Form is null) totalRows.Add(rows.Count);
            if (!data.IsPublished(f.FiscalYear, f.Form))
            {
                log.Add(new(sheet.Name, labels.FiscalYear(f.FiscalYear), labels.FormLabel(f.Form), data.MarketSizeSuppression[(f.FiscalYear, f.Form)]));
                rows.Add([f.FiscalYear, labels.FormLabel(f.Form), .. Enumerable.Repeat<object?>(Suppressed, headers.Length - 2)]);
                continue;
            }
            // A growth rate over a suppressed previous year would give that year's value away.
            object? growth = line.PaidGrowth is { } g ? (data.IsPublished(f.FiscalYear - 1, f.Form) ? g : Suppressed) : null;
            rows.Add([f.FiscalYear, labels.FormLabel(f.Form), f.JobsPosted, f.PostedJpy, f.LinesContracted, f.ContractedJpy, f.LinesPaid, f.PaidJpy, f.FeeJpy, f.ActiveClients, f.ActiveWorkers, growth]);
        }
        if (rows.Count == 0) rows.Add([data.FiscalYear, labels.NoDataForYear, .. Enumerable.Repeat<object?>(null, headers.Length - 2)]);
        WriteTable(sheet, HeaderRow, 1, MarketSizeTable, headers, rows, formats, labels);
        foreach (var r in totalRows) MarkTotal(sheet, HeaderRow + 1 + r, 1, headers.Length);
        SetWidths(sheet, 10, 16, 12, 18, 12, 18, 12, 20, 16, 13, 13, 13);
        PlaceChart(sheet, chart, HeaderRow, headers.Length + 2);
        Finish(sheet, HeaderRow);
    }

    private static void WriteCategories(IXLWorksheet sheet, SurveyData data, ReportLabels labels, PlacedChart? chart, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, s.CategoryTitle(data.FiscalYear), data, labels);
        var cube = data.Categories;
        var grand = cube.Get(null, null);
        string[] headers = [s.CategoryHeader, s.FormHeader, s.PaidHeader, s.PaidShareHeader, s.JobsHeader, s.JobsShareHeader, s.LinesHeader, s.FeeHeader];
        string?[] formats = [null, null, labels.YenFormat, labels.PercentFormat, labels.CountFormat, labels.PercentFormat, labels.CountFormat, labels.YenFormat];
        var rows = new List<object?[]>();
        var totalRows = new List<int>();
        var categories = Ordered(ReportLabels.CategoryOrder, cube.RowKeys);
        var forms = Ordered(ReportLabels.FormOrder, cube.ColumnKeys);
        foreach (var category in categories.Append(null))
        {
            foreach (var form in forms.Append(null))
            {
                if (form is null) totalRows.Add(rows.Count);
                var cell = CellOrZero(cube, category, form);
                var (rowLabel, columnLabel) = (s.CategoryLabel(category), labels.FormLabel(form));
                rows.Add([rowLabel, columnLabel, .. CellValues(cell, sheet.Name, rowLabel, columnLabel, log,
                    x => x.PaidJpy, x => Share(x.PaidJpy, grand?.PaidJpy), x => x.JobsPaid, x => Share(x.JobsPaid, grand?.JobsPaid), x => x.LinesPaid, x => x.FeeJpy)]);
            }
        }
        if (cube.IsEmpty) rows = [[s.CategoryLabel(null), labels.FormLabel(null), .. Enumerable.Repeat<object?>(null, headers.Length - 2)]];
        WriteTable(sheet, HeaderRow, 1, CategoryTable, headers, rows, formats, labels);
        foreach (var r in totalRows.Where(r => r < rows.Count)) MarkTotal(sheet, HeaderRow + 1 + r, 1, headers.Length);

        // The trend: each category's share of the year's paid value, all forms together.
        var trendTop = HeaderRow + rows.Count + 3;
        sheet.Cell(trendTop - 1, 1).SetValue(s.CategoryTrendTitle).Style.Font.SetBold();
        var years = data.CategoryByYear.Where(y => !y.IsEmpty).ToList();
        var trendRows = new List<object?[]>();
        foreach (var category in Ordered(ReportLabels.CategoryOrder, years.SelectMany(y => y.RowKeys)))
        {
            var label = s.CategoryLabel(category);
            trendRows.Add([label, .. years.Select(y => ShareCell(y, category, label, sheet.Name, labels, log))]);
        }
        if (trendRows.Count > 0)
        {
            WriteTable(sheet, trendTop, 1, CategoryTrendTable, [s.CategoryHeader, .. years.Select(y => s.ShareInYearHeader(y.FiscalYear))], trendRows,
                [null, .. years.Select(_ => labels.PercentFormat)], labels);
        }
        SetWidths(sheet, 26, 16, 18, 12, 14, 12, 12, 16);
        PlaceChart(sheet, chart, HeaderRow, headers.Length + 2);
        Finish(sheet, HeaderRow);
    }

    private static object? ShareCell(SurveyCube year, string category, string label, string sheetName, ReportLabels labels, List<SuppressedCell> log)
    {
        var cell = year.Get(category, null);
        var total = year.Get(null, null);
        if (cell is null) return 0.0;
        if (!cell.Published || total is not { Published: true })
        {
            log.Add(new(sheetName, label, labels.FiscalYear(year.FiscalYear), cell.Published ? total!.Suppression : cell.Suppression));
            return Suppressed;
        }
        return Share(cell.PaidJpy, total.PaidJpy);
    }

    private static void WriteRegions(IXLWorksheet sheet, SurveyData data, ReportLabels labels, PlacedChart? chart, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, s.RegionTitle(data.FiscalYear), data, labels);
        sheet.Cell(NoteRow + 1, 1).SetValue(s.OutsideTokyoLabel).Style.Font.SetBold();
        var outside = sheet.Cell(NoteRow + 1, 4);
        if (data.Headline is null) outside.SetValue(s.NotApplicable);
        else if (data.ShareOutsideTokyo is { } share) outside.SetValue(share).Style.NumberFormat.Format = labels.PercentFormat;
        else SetSuppressed(outside, s);

        string[] headers = [s.PrefectureCodeHeader, s.PrefectureHeader, s.RegionHeader, s.PopulationHeader,
            s.ClientsHeader, s.ClientsPer100kHeader, s.ClientPaidHeader, s.WorkersHeader, s.WorkersPer100kHeader, s.WorkerPaidHeader];
        string?[] formats = [null, null, null, labels.CountFormat, labels.CountFormat, Per100kFormat, labels.YenFormat, labels.CountFormat, Per100kFormat, labels.YenFormat];
        var cube = data.Prefectures;
        var codes = Prefecture.All.Select(p => (string?)p.Code).ToList();
        if (cube.RowKeys.Contains("unknown")) codes.Add("unknown");
        codes.Add(null);
        var rows = new List<object?[]>();
        foreach (var code in codes)
        {
            var population = code is null ? Prefecture.All.Sum(p => p.Population2020) : Prefecture.IsCode(code) ? Prefecture.ByCode(code).Population2020 : (long?)null;
            var region = code is not null && Prefecture.IsCode(code) ? (labels.Language == "ja" ? Prefecture.ByCode(code).RegionJa : Prefecture.ByCode(code).RegionEn) : "";
            var name = s.PrefectureLabel(code);
            rows.Add([code ?? "", name, region, population,
                .. CellValues(CellOrZero(cube, code, "client"), sheet.Name, name, s.ClientsHeader, log,
                    x => x.ActiveClients, x => Per100k(x.ActiveClients, population), x => x.PaidJpy),
                .. CellValues(CellOrZero(cube, code, "worker"), sheet.Name, name, s.WorkersHeader, log,
                    x => x.ActiveWorkers, x => Per100k(x.ActiveWorkers, population), x => x.PaidJpy)]);
        }
        WriteTable(sheet, HeaderRow, 1, RegionTable, headers, rows, formats, labels);
        MarkTotal(sheet, HeaderRow + rows.Count, 1, headers.Length);
        SetWidths(sheet, 7, 12, 10, 14, 13, 17, 24, 13, 17, 24);
        PlaceChart(sheet, chart, HeaderRow, headers.Length + 2);
        Finish(sheet, HeaderRow);
    }

    private static void WriteFlows(IXLWorksheet sheet, SurveyData data, ReportLabels labels, PlacedChart? chart, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, s.FlowTitle(data.FiscalYear), data, labels);
        sheet.Cell(NoteRow + 1, 1).SetValue(s.FlowNote);
        var cube = data.Flows;
        var regions = FlowRegions(cube);
        string[] headers = [s.ClientRegionHeader, .. regions.Select(s.RegionLabel), s.TotalHeader];
        var rows = new List<object?[]>();
        foreach (var client in regions.Append(null))
        {
            var rowLabel = client is null ? s.TotalHeader : s.RegionLabel(client);
            rows.Add([rowLabel, .. regions.Append(null).SelectMany(worker =>
                CellValues(CellOrZero(cube, client, worker), sheet.Name, rowLabel,
                    worker is null ? s.TotalHeader : s.RegionLabel(worker), log, x => x.PaidJpy))]);
        }
        WriteTable(sheet, HeaderRow, 1, FlowTable, headers, rows, [null, .. headers.Skip(1).Select(_ => labels.YenFormat)], labels);
        MarkTotal(sheet, HeaderRow + rows.Count, 1, headers.Length);
        sheet.Range(HeaderRow + 1, headers.Length, HeaderRow + rows.Count, headers.Length).Style.Font.SetBold().Fill.SetBackgroundColor(TotalFill);
        SetWidths(sheet, [14, .. Enumerable.Repeat(15.0, headers.Length - 1)]);
        PlaceChart(sheet, chart, HeaderRow, headers.Length + 2);
        Finish(sheet, HeaderRow);
    }

    /// <summary>The nine regions always (a flow matrix keeps its shape year to year), plus 'unknown' where present.</summary>
    public static IReadOnlyList<string> FlowRegions(SurveyCube cube) =>
        [.. SurveyLabels.RegionCodes, .. cube.RowKeys.Concat(cube.ColumnKeys).Distinct().Where(k => !SurveyLabels.RegionCodes.Contains(k)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A combination with no paid line is a true zero and is published as such; in a year without any data the table
    /// stays blank instead (no zeros as facts).
    /// </summary>
    private static CubeCell? CellOrZero(SurveyCube cube, string? row, string? column) =>
        cube.Get(row, column) ?? (cube.IsEmpty ? null : new CubeCell { Row = row, Column = column });

    private static void WriteWorkers(IXLWorksheet sheet, SurveyData data, ReportLabels labels, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, s.WorkersTitle(data.FiscalYear), data, labels);
        var cube = data.Workers;
        var grand = cube.Get(null, null);
        var bands = Ordered(Core.Contract.ExportContract.V1.CodeLists["age_band"], cube.RowKeys);
        var genders = Ordered(Core.Contract.ExportContract.V1.CodeLists["gender"], cube.ColumnKeys);
        string[] headers = [s.AgeBandHeader, .. genders.Select(s.GenderLabel), s.TotalHeader, s.WorkersShareHeader];
        var rows = new List<object?[]>();
        foreach (var band in bands.Append(null))
        {
            var rowLabel = s.AgeBandLabel(band);
            var counts = genders.Append(null).SelectMany(g => CellValues(CellOrZero(cube, band, g), sheet.Name, rowLabel,
                g is null ? s.TotalHeader : s.GenderLabel(g), log, x => x.ActiveWorkers));
            var margin = cube.Get(band, null);
            object? share = margin is null ? (cube.IsEmpty ? null : 0.0) : margin.Published ? Share(margin.ActiveWorkers, grand?.ActiveWorkers) : Suppressed;
            rows.Add([rowLabel, .. counts, share]);
        }
        WriteTable(sheet, HeaderRow, 1, WorkersTable, headers, rows,
            [null, .. genders.Select(_ => labels.CountFormat), labels.CountFormat, labels.PercentFormat], labels);
        MarkTotal(sheet, HeaderRow + rows.Count, 1, headers.Length);
        SetWidths(sheet, [14, .. Enumerable.Repeat(12.0, headers.Length - 1)]);
        Finish(sheet, HeaderRow);
    }

    private static void WriteSources(IXLWorksheet sheet, SurveyData data, ReportLabels labels, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, s.SourcesTitle, data, labels);
        var row = HeaderRow - 1;

        row = Section(sheet, row, s.CoverageSection);
        var coverage = data.Coverage.Select(c => new object?[]
        {
            c.PlatformId, c.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            c.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), c.CoveredDays, c.FiscalYearDays,
            c.Complete ? s.CoverageComplete : s.CoveragePartial,
        }).ToList();
        if (coverage.Count == 0) coverage.Add([s.NotApplicable, "", "", null, null, ""]);
        WriteTable(sheet, row, 1, "Coverage", s.CoverageHeaders, coverage, [null, null, null, labels.CountFormat, labels.CountFormat, null], labels);
        row += coverage.Count + 2;

        row = Section(sheet, row, s.FilesSection);
        var files = data.Files.Select(f => new object?[] { f.RecordKind, f.Files, f.Platforms }).ToList();
        if (files.Count == 0) files.Add([s.NotApplicable, null, null]);
        WriteTable(sheet, row, 1, "Files", s.FilesHeaders, files, [null, labels.CountFormat, labels.CountFormat], labels);
        row += files.Count + 1;
        sheet.Cell(row, 1).Value = s.FilesManifestNote;
        row += 2;

        row = Section(sheet, row, s.LinkageSection);
        row = Paragraph(sheet, row, s.LinkageMethod(data.Linkage));
        row = Section(sheet, row + 1, s.DisclosureSection);
        row = Paragraph(sheet, row, s.DisclosureRule);
        row = Section(sheet, row + 1, DistributionLabels.For(labels.Language).MethodSection);
        row = Paragraph(sheet, row, DistributionLabels.For(labels.Language).MethodNote(Disclosure.DisclosurePolicy.Survey));
        row = Section(sheet, row + 1, s.SuppressedSection);
        if (log.Count == 0)
        {
            sheet.Cell(row, 1).SetValue(s.NothingSuppressed);
        }
        else
        {
            WriteTable(sheet, row, 1, "Suppressed", s.SuppressedHeaders,
                [.. log.Select(l => new object?[] { l.Sheet, l.Row, l.Column, s.Reasons[l.Reason] })], [null, null, null, null], labels);
        }
        SetWidths(sheet, 22, 16, 16, 12, 30, 12, 70);
        SetUpPrinting(sheet);
    }

    private static int Section(IXLWorksheet sheet, int row, string title)
    {
        sheet.Cell(row, 1).SetValue(title).Style.Font.SetBold().Font.SetFontSize(12);
        return row + 1;
    }

    /// <summary>A long text across the sheet's first columns, wrapped, with a row height that shows it all.</summary>
    private static int Paragraph(IXLWorksheet sheet, int row, string text)
    {
        var range = sheet.Range(row, 1, row, 7);
        range.Merge();
        range.FirstCell().SetValue(text);
        range.Style.Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Top);
        const double mergedWidth = 22 + 16 + 16 + 12 + 30 + 12 + 70;
        sheet.Row(row).Height = MarketSizeWorkbook.WrappedLineCount(text, mergedWidth) * 15 + 6;
        return row + 1;
    }

    // ------------------------------------------------------------------ building blocks

    /// <summary>Title, the year's status (complete, partial or empty, in colour), and the suppression note.</summary>
    private static void WriteHeading(IXLWorksheet sheet, string title, SurveyData data, ReportLabels labels)
    {
        var s = labels.Survey;
        sheet.Cell(TitleRow, 1).SetValue(title).Style.Font.SetBold().Font.SetFontSize(14);
        var status = sheet.Cell(StatusRow, 1);
        switch (data.Status)
        {
            case YearStatus.Complete:
                status.SetValue(s.StatusComplete(data.FiscalYear));
                break;
            case YearStatus.Partial:
                status.SetValue(s.StatusPartial(data.FiscalYear, data.Today) + " " + s.PartialCoverageDetail).Style.Font.SetBold().Font.SetFontColor(XLColor.DarkRed);
                break;
            default:
                status.SetValue(s.StatusEmpty(data.FiscalYear)).Style.Font.SetBold().Font.SetFontColor(XLColor.DarkRed);
                break;
        }
        sheet.Cell(NoteRow, 1).SetValue(s.SuppressedNote).Style.Font.SetFontColor(XLColor.Gray);
    }

    /// <summary>The values of one cube cell: suppressed cells print the mark (and are logged once), missing ones stay blank.</summary>
    private static IEnumerable<object?> CellValues(CubeCell? cell, string sheet, string row, string column, List<SuppressedCell> log, params Func<CubeCell, object?>[] measures)
    {
        if (cell is null) return measures.Select(_ => (object?)null);
        if (!cell.Published)
        {
            log.Add(new(sheet, row, column, cell.Suppression));
            return measures.Select(_ => (object?)Suppressed);
        }
        return measures.Select(m => m(cell));
    }

    private static object? Share(long part, long? whole) => whole is > 0 ? part / (double)whole.Value : null;

    private static object? Per100k(long persons, long? population) => population is > 0 ? persons * 100_000.0 / population.Value : null;

    /// <summary>Known codes in their canonical order, then any others present (so an unexpected code still shows).</summary>
    private static List<string> Ordered(IEnumerable<string> canonical, IEnumerable<string> present)
    {
        var set = present.ToHashSet(StringComparer.Ordinal);
        return [.. canonical.Where(set.Contains), .. set.Except(canonical).Order(StringComparer.Ordinal)];
    }

    /// <summary>Writes an Excel table with a styled header, number formats per column, and an autofilter.</summary>
    private static IXLTable WriteTable(IXLWorksheet sheet, int headerRow, int firstColumn, string name, IReadOnlyList<string> headers,
        IReadOnlyList<object?[]> rows, IReadOnlyList<string?> formats, ReportLabels labels)
    {
        for (var c = 0; c < headers.Count; c++)
            sheet.Cell(headerRow, firstColumn + c).SetValue(headers[c]);
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < headers.Count; c++)
            {
                var cell = sheet.Cell(headerRow + 1 + r, firstColumn + c);
                switch (rows[r][c])
                {
                    case null: break;
                    case Hidden: SetSuppressed(cell, labels.Survey); break;
                    case string text: cell.SetValue(CellText.Inert(text)); break; // table text can come from input
                    case int i: cell.SetValue(i); break;
                    case long l: cell.SetValue(l); break;
                    case double d: cell.SetValue(d); break;
                    default: throw new ArgumentException($"Unsupported cell value {rows[r][c]!.GetType().Name}");
                }
                if (formats[c] is { } format && rows[r][c] is not (Hidden or string))
                    cell.Style.NumberFormat.Format = format;
            }
        }
        var lastRow = headerRow + Math.Max(1, rows.Count);
        var table = sheet.Range(headerRow, firstColumn, lastRow, firstColumn + headers.Count - 1).CreateTable(name);
        table.Theme = XLTableTheme.TableStyleLight9;
        table.ShowAutoFilter = true;
        // Explicit fills as well as the table theme: LibreOffice and print previews ignore table themes.
        sheet.Range(headerRow, firstColumn, headerRow, firstColumn + headers.Count - 1).Style
            .Font.SetBold().Fill.SetBackgroundColor(HeaderFill)
            .Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Center).Alignment.SetHorizontal(XLAlignmentHorizontalValues.Center)
            .Border.SetBottomBorder(XLBorderStyleValues.Thin);
        sheet.Row(headerRow).Height = 32;
        return table;
    }

    private static void SetSuppressed(IXLCell cell, SurveyLabels labels)
    {
        cell.SetValue(labels.SuppressedMark);
        cell.Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Right).Font.SetFontColor(XLColor.Gray);
    }

    private static void MarkTotal(IXLWorksheet sheet, int row, int firstColumn, int columns) =>
        sheet.Range(row, firstColumn, row, firstColumn + columns - 1).Style.Font.SetBold().Fill.SetBackgroundColor(TotalFill);

    // Explicit widths: AdjustToContents is slow over big ranges and measures CJK text poorly.
    private static void SetWidths(IXLWorksheet sheet, params double[] widths)
    {
        for (var c = 0; c < widths.Length; c++) sheet.Column(c + 1).Width = widths[c];
    }

    private static void PlaceChart(IXLWorksheet sheet, PlacedChart? chart, int row, int column) =>
        chart?.Pictures.Add(new PlacedPicture(sheet.Name, chart.Png, row, column));

    private static void Finish(IXLWorksheet sheet, int headerRow)
    {
        sheet.SheetView.FreezeRows(headerRow);
        SetUpPrinting(sheet);
    }

    private static void SetUpPrinting(IXLWorksheet sheet)
    {
        sheet.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        sheet.PageSetup.PaperSize = XLPaperSize.A4Paper;
        sheet.PageSetup.FitToPages(1, 0);
    }
}
