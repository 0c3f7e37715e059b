using ClosedXML.Excel;
using MarketStats.Core.IO;

namespace MarketStats.Reports;

/// <summary>The market-size workbook: one table sheet with the chart beside it, and a definitions sheet.</summary>
public static class MarketSizeWorkbook
{
    public const int TitleRow = 1;
    public const int HeadlineNoteRow = 2;
    public const int DefinitionsNoteRow = 3;
    public const int HeaderRow = 5;
    public const string TableName = "MarketSize";

    // Explicit widths: AdjustToContents is slow and measures CJK text poorly.
    private static readonly double[] ColumnWidths = [10, 16, 12, 18, 12, 18, 12, 20, 16, 13, 13, 13];

    /// <param name="isPublished">Disclosure control's verdict per (fiscal year, form; null = all forms): a row that is
    /// not published shows the suppression mark in every measure, and no growth rate is computed from it.</param>
    public static void Write(MarketSizeData data, ReportLabels labels, string path, string? chartPngPath, Func<int, string?, bool> isPublished)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet(labels.MarketSizeSheet);
        var pictures = new List<WorkbookPicture>();
        WriteMarketSizeSheet(sheet, data, labels, chartPngPath, pictures, isPublished);
        WriteDefinitionsSheet(workbook.AddWorksheet(labels.DefinitionsSheet), labels);
        sheet.SetTabActive();
        AtomicFile.Write(path, temporary =>
        {
            workbook.SaveAs(temporary);
            WorkbookPictures.Insert(temporary, pictures);
        });
    }

    private static void WriteMarketSizeSheet(IXLWorksheet sheet, MarketSizeData data, ReportLabels labels, string? chartPngPath, List<WorkbookPicture> pictures,
        Func<int, string?, bool> isPublished)
    {
        sheet.Cell(TitleRow, 1).SetValue(labels.MarketSizeTitle).Style.Font.SetBold().Font.SetFontSize(14);
        sheet.Cell(HeadlineNoteRow, 1).SetValue(labels.HeadlineNote);
        sheet.Cell(DefinitionsNoteRow, 1).SetValue(labels.SeeDefinitions);
        for (var c = 0; c < ColumnWidths.Length; c++)
            sheet.Column(c + 1).Width = ColumnWidths[c];

        if (data.IsEmpty)
        {
            sheet.Cell(HeaderRow, 1).SetValue(labels.NoDataAtAll).Style.Font.SetBold().Font.SetFontSize(12).Font.SetFontColor(XLColor.DarkRed);
        }
        else
        {
            WriteTable(sheet, data, labels, isPublished);
        }

        IXLRange? chartArea = null;
        if (chartPngPath is not null)
        {
            var anchor = sheet.Cell(HeaderRow, ColumnWidths.Length + 2);
            pictures.Add(new WorkbookPicture(sheet.Name, chartPngPath, anchor.Address.RowNumber, anchor.Address.ColumnNumber));
            var (width, height) = WorkbookPictures.PngSize(chartPngPath);
            chartArea = CoveredRange(sheet, anchor, width, height);
        }
        var tableArea = sheet.Range(1, 1, Math.Max(HeaderRow, sheet.LastRowUsed()?.RowNumber() ?? HeaderRow), ColumnWidths.Length);
        SetUpPrinting(sheet, tableArea, chartArea);
    }

    private static void WriteTable(IXLWorksheet sheet, MarketSizeData data, ReportLabels labels, Func<int, string?, bool> isPublished)
    {
        var headers = labels.Columns.InOrder;
        for (var c = 0; c < headers.Count; c++)
            sheet.Cell(HeaderRow, c + 1).SetValue(headers[c]);

        var row = HeaderRow;
        foreach (var line in TableLines(data))
        {
            row++;
            sheet.Cell(row, 1).SetValue(line.FiscalYear);
            if (line.Figures is not { } f)
            {
                sheet.Cell(row, 2).SetValue(labels.NoDataForYear).Style.Font.SetItalic().Font.SetFontColor(XLColor.Gray);
                continue;
            }
            sheet.Cell(row, 2).SetValue(labels.FormLabel(f.Form));
            long[] measures = [f.JobsPosted, f.PostedJpy, f.LinesContracted, f.ContractedJpy, f.LinesPaid, f.PaidJpy, f.FeeJpy, f.ActiveClients, f.ActiveWorkers];
            var published = isPublished(f.FiscalYear, f.Form);
            for (var m = 0; m < measures.Length; m++)
            {
                if (published) sheet.Cell(row, 3 + m).SetValue(measures[m]);
                else SetSuppressed(sheet.Cell(row, 3 + m), labels);
            }
            if (line.PaidGrowth is { } growth)
            {
                if (published && isPublished(f.FiscalYear - 1, f.Form)) sheet.Cell(row, 12).SetValue(growth);
                else SetSuppressed(sheet.Cell(row, 12), labels);
            }
            if (f.Form is null)
                sheet.Range(row, 1, row, headers.Count).Style.Font.SetBold().Fill.SetBackgroundColor(TotalFill);
        }

        var table = sheet.Range(HeaderRow, 1, row, headers.Count).CreateTable(TableName);
        table.Theme = XLTableTheme.TableStyleLight9;
        table.ShowAutoFilter = true;
        var body = HeaderRow + 1;
        sheet.Range(body, 1, row, 1).Style.NumberFormat.Format = labels.FiscalYearFormat;
        foreach (var yenColumn in new[] { 4, 6, 8, 9 })
            sheet.Range(body, yenColumn, row, yenColumn).Style.NumberFormat.Format = labels.YenFormat;
        foreach (var countColumn in new[] { 3, 5, 7, 10, 11 })
            sheet.Range(body, countColumn, row, countColumn).Style.NumberFormat.Format = labels.CountFormat;
        sheet.Range(body, 12, row, 12).Style.NumberFormat.Format = labels.PercentFormat;

        // Explicit fills as well as the table theme: LibreOffice and print previews ignore table themes.
        var header = sheet.Range(HeaderRow, 1, HeaderRow, headers.Count);
        header.Style.Font.SetBold().Fill.SetBackgroundColor(HeaderFill)
            .Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Center).Alignment.SetHorizontal(XLAlignmentHorizontalValues.Center)
            .Border.SetBottomBorder(XLBorderStyleValues.Thin);
        sheet.Row(HeaderRow).Height = 32;
        sheet.SheetView.FreezeRows(HeaderRow);
    }

    /// <summary>The suppression mark, right-aligned like the numbers it stands for.</summary>
    public static void SetSuppressed(IXLCell cell, ReportLabels labels) =>
        cell.SetValue(labels.Survey.SuppressedMark).Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Right);

    private static readonly XLColor HeaderFill = XLColor.FromHtml("#DDEBF7");
    private static readonly XLColor TotalFill = XLColor.FromHtml("#F2F2F2");

    /// <summary>Landscape, one page wide; with a chart, the table and the chart print as two areas, each on its own page.</summary>
    private static void SetUpPrinting(IXLWorksheet sheet, IXLRange? tableArea, IXLRange? chartArea)
    {
        sheet.PageSetup.PageOrientation = XLPageOrientation.Landscape;
        sheet.PageSetup.PaperSize = XLPaperSize.A4Paper;
        sheet.PageSetup.FitToPages(1, 0);
        if (tableArea is not null && chartArea is not null)
        {
            sheet.PageSetup.PrintAreas.Add(tableArea.RangeAddress.ToString());
            sheet.PageSetup.PrintAreas.Add(chartArea.RangeAddress.ToString());
        }
    }

    /// <summary>The cells a picture covers, from its pixel size and the sheet's default column width and row height.</summary>
    private static IXLRange CoveredRange(IXLWorksheet sheet, IXLCell topLeft, int widthPx, int heightPx)
    {
        // Excel's default column is 64 px wide and its default row 20 px high at 96 dpi.
        var columns = (int)Math.Ceiling(widthPx / 64.0);
        var rows = (int)Math.Ceiling(heightPx / 20.0);
        return sheet.Range(topLeft.Address.RowNumber, topLeft.Address.ColumnNumber,
                           topLeft.Address.RowNumber + rows, topLeft.Address.ColumnNumber + columns);
    }

    /// <summary>One table line: a form's or the all-forms figures, or a fiscal year without data.</summary>
    public sealed record TableLine(int FiscalYear, MarketSizeFigures? Figures, double? PaidGrowth);

    /// <summary>Per fiscal year: each form present, then all forms; a year without transactions gets one "no data" line.</summary>
    public static IReadOnlyList<TableLine> TableLines(MarketSizeData data)
    {
        var lines = new List<TableLine>();
        foreach (var year in data.FiscalYears)
        {
            if (data.Total(year) is null)
            {
                lines.Add(new TableLine(year, null, null));
                continue;
            }
            foreach (var form in data.Forms)
            {
                if (data.For(year, form) is { } figures)
                    lines.Add(new TableLine(year, figures, Growth(figures.PaidJpy, data.For(year - 1, form)?.PaidJpy)));
            }
            var total = data.Total(year)!;
            lines.Add(new TableLine(year, total, Growth(total.PaidJpy, data.Total(year - 1)?.PaidJpy)));
        }
        return lines;
    }

    // No growth rate from a year without data or without payments: a ratio to nothing is not a fact.
    private static double? Growth(long current, long? previous) =>
        previous is > 0 ? (current - previous.Value) / (double)previous.Value : null;

    private static void WriteDefinitionsSheet(IXLWorksheet sheet, ReportLabels labels)
    {
        sheet.Cell(1, 1).SetValue(labels.DefinitionTermHeader);
        sheet.Cell(1, 2).SetValue(labels.DefinitionTextHeader);
        sheet.Range(1, 1, 1, 2).Style.Font.SetBold().Fill.SetBackgroundColor(XLColor.LightGray);
        for (var i = 0; i < labels.Definitions.Count; i++)
        {
            sheet.Cell(i + 2, 1).SetValue(labels.Definitions[i].Term).Style.Font.SetBold();
            sheet.Cell(i + 2, 2).SetValue(labels.Definitions[i].Text);
        }
        const double termWidth = 26, textWidth = 90;
        sheet.Column(1).Width = termWidth;
        sheet.Column(2).Width = textWidth;
        var body = sheet.Range(2, 1, labels.Definitions.Count + 1, 2);
        body.Style.Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Top);
        // Neither ClosedXML nor Excel sizes wrapped rows on open: without explicit heights the lines overprint.
        for (var i = 0; i < labels.Definitions.Count; i++)
        {
            var (term, text) = labels.Definitions[i];
            var lines = Math.Max(WrappedLineCount(term, termWidth), WrappedLineCount(text, textWidth));
            sheet.Row(i + 2).Height = lines * 15 + 3;
        }
        sheet.SheetView.FreezeRows(1);
        SetUpPrinting(sheet, null, null);
    }

    /// <summary>Lines a wrapped cell needs: a full-width (CJK) character takes about two width units, a Latin one one.</summary>
    public static int WrappedLineCount(string text, double columnWidth)
    {
        var units = text.Sum(c => c < 0x2E80 ? 1.0 : 2.0);
        var perLine = Math.Max(1, columnWidth - 2);
        return Math.Max(1, (int)Math.Ceiling(units / perLine));
    }
}
