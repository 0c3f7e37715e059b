using ClosedXML.Excel;
using MarketStats.Core.IO;

namespace MarketStats.Reports.Benchmarks;

/// <summary>
/// One member's benchmark workbook: its own figures beside the market's published cells, by fiscal year × form, by
/// category × form and by region, and a notes sheet (definitions, the policy, the legend). Written atomically; every
/// text cell passes <see cref="CellText.Inert"/>.
/// </summary>
public static class BenchmarkWorkbook
{
    public const string YearTable = "ShareByYear";
    public const string CategoryTable = "ByCategory";
    public const string RegionTable = "ByRegion";
    public const string NotesTable = "Notes";
    /// <summary>Tables' header row (row 1 is the title).</summary>
    public const int HeaderRow = 3;

    public static string FileName(string platformId, int fiscalYear) =>
        $"benchmark-{string.Concat(platformId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'))}-FY{fiscalYear}.xlsx";

    public static void Write(BenchmarkData data, ReportLabels report, BenchmarkLabels labels, string path)
    {
        using var workbook = new XLWorkbook();
        var cells = data.Cells;
        var category = cells.Where(c => c.Table == BenchmarkTable.Category).ToList();

        WriteSheet(workbook.AddWorksheet(labels.YearSheet), labels.Title(data.PlatformId, data.FiscalYear), labels.YearTitle, YearTable,
            [labels.FiscalYearHeader, labels.FormHeader],
            category.Where(c => c.Row is null).OrderBy(c => c.FiscalYear).ThenBy(c => c.Column is null ? int.MaxValue : IndexOf(ReportLabels.FormOrder, c.Column)),
            c => [c.FiscalYear, report.FormLabel(c.Column)], report, labels);
        WriteSheet(workbook.AddWorksheet(labels.CategorySheet), labels.Title(data.PlatformId, data.FiscalYear), labels.CategoryTitle, CategoryTable,
            [labels.FiscalYearHeader, labels.CategoryHeader, labels.FormHeader],
            category.Where(c => c.Row is not null),
            c => [c.FiscalYear, report.Survey.CategoryLabel(c.Row), report.FormLabel(c.Column)], report, labels);
        WriteSheet(workbook.AddWorksheet(labels.RegionSheet), labels.Title(data.PlatformId, data.FiscalYear), labels.RegionTitle, RegionTable,
            [labels.FiscalYearHeader, labels.SideHeader, labels.RegionHeader],
            cells.Where(c => c.Table != BenchmarkTable.Category),
            c => [c.FiscalYear, c.Table == BenchmarkTable.ClientRegion ? labels.ClientSide : labels.WorkerSide, report.Survey.RegionLabel(c.Row)], report, labels);
        WriteNotes(workbook.AddWorksheet(labels.NotesSheet), data, labels);
        workbook.Worksheet(1).SetTabActive();

        AtomicFile.Write(path, (string temporary) => workbook.SaveAs(temporary));
    }

    private static int IndexOf(IReadOnlyList<string> order, string code)
    {
        for (var i = 0; i < order.Count; i++) if (order[i] == code) return i;
        return order.Count;
    }

    /// <summary>A table: the row's labels, then own paid, fees, lines, market paid, share, own growth, market growth, band.</summary>
    private static void WriteSheet(IXLWorksheet sheet, string title, string subtitle, string tableName, IReadOnlyList<string> keyHeaders,
        IEnumerable<BenchmarkCell> rows, Func<BenchmarkCell, object[]> keys, ReportLabels report, BenchmarkLabels labels)
    {
        var mark = report.Survey.SuppressedMark;
        var none = report.Survey.NotApplicable;
        Text(sheet.Cell(1, 1), title).Style.Font.SetBold().Font.SetFontSize(14);
        Text(sheet.Cell(2, 1), subtitle);
        string[] headers = [.. keyHeaders, labels.OwnPaidHeader, labels.OwnFeeHeader, labels.OwnLinesHeader, labels.MarketPaidHeader,
            labels.ShareHeader, labels.OwnGrowthHeader, labels.MarketGrowthHeader, labels.BandHeader];
        for (var c = 0; c < headers.Length; c++) Text(sheet.Cell(HeaderRow, c + 1), headers[c]);
        var r = HeaderRow;
        foreach (var cell in rows)
        {
            r++;
            var values = keys(cell);
            for (var c = 0; c < values.Length; c++)
            {
                var target = sheet.Cell(r, c + 1);
                if (values[c] is int year) { target.SetValue(year); target.Style.NumberFormat.Format = report.FiscalYearFormat; }
                else Text(target, (string)values[c]);
            }
            var col = values.Length + 1;
            Number(sheet.Cell(r, col++), cell.OwnPaidJpy, report.YenFormat);
            Number(sheet.Cell(r, col++), cell.OwnFeeJpy, report.YenFormat);
            Number(sheet.Cell(r, col++), cell.OwnLinesPaid, report.CountFormat);
            // Withheld market cell: the market, the share and the market's growth are all x (own ÷ share = market).
            if (cell.MarketPaidJpy is { } market) Number(sheet.Cell(r, col++), market, report.YenFormat);
            else Text(sheet.Cell(r, col++), mark);
            Ratio(sheet.Cell(r, col++), cell.Share, cell.MarketShown ? none : mark, report);
            Ratio(sheet.Cell(r, col++), cell.OwnGrowth, none, report);
            Ratio(sheet.Cell(r, col++), cell.MarketGrowth, cell.MarketShown ? none : mark, report);
            Text(sheet.Cell(r, col), cell.Band is { } band ? labels.Bands[band] : cell.OwnActive ? mark : none);
        }
        var table = sheet.Range(HeaderRow, 1, Math.Max(r, HeaderRow + 1), headers.Length).CreateTable(tableName);
        table.Theme = XLTableTheme.TableStyleLight9;
        sheet.Row(HeaderRow).Style.Font.SetBold().Alignment.SetWrapText();
        sheet.Columns(1, headers.Length).Width = 16;
        sheet.SheetView.FreezeRows(HeaderRow);
    }

    private static void WriteNotes(IXLWorksheet sheet, BenchmarkData data, BenchmarkLabels labels)
    {
        Text(sheet.Cell(1, 1), labels.Title(data.PlatformId, data.FiscalYear)).Style.Font.SetBold().Font.SetFontSize(14);
        Text(sheet.Cell(HeaderRow, 1), labels.TermHeader);
        Text(sheet.Cell(HeaderRow, 2), labels.TextHeader);
        var r = HeaderRow;
        foreach (var (term, text) in labels.Notes(data.Policy))
        {
            r++;
            Text(sheet.Cell(r, 1), term);
            Text(sheet.Cell(r, 2), text).Style.Alignment.SetWrapText();
        }
        sheet.Range(HeaderRow, 1, r, 2).CreateTable(NotesTable).Theme = XLTableTheme.TableStyleLight9;
        sheet.Column(1).Width = 24;
        sheet.Column(2).Width = 100;
    }

    private static IXLCell Text(IXLCell cell, string text) => cell.SetValue(CellText.Inert(text));

    private static void Number(IXLCell cell, long value, string format)
    {
        cell.SetValue(value);
        cell.Style.NumberFormat.Format = format;
    }

    private static void Ratio(IXLCell cell, double? value, string otherwise, ReportLabels report)
    {
        if (value is { } v) { cell.SetValue(v); cell.Style.NumberFormat.Format = report.PercentFormat; }
        else Text(cell, otherwise);
    }
}
