using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using MarketStats.Core.IO;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Extracts;

/// <summary>The extract as a table: text columns (codes and labels) and measure columns (null where suppressed).</summary>
public sealed record ExtractTable(IReadOnlyList<string> TextColumns, IReadOnlyList<string> MeasureColumns, IReadOnlyList<ExtractTableRow> Rows);

/// <summary>One row: its codes and labels, its measures (null: suppressed) and whether it is published.</summary>
public sealed record ExtractTableRow(IReadOnlyList<string> Texts, IReadOnlyList<long?> Values, bool Published);

/// <summary>
/// Writes the final, already suppressed table: CSV (UTF-8 with BOM, so Excel reads Japanese) with a notes sidecar,
/// XLSX (a data sheet and a notes sheet) or Parquet (DuckDB COPY; suppressed values NULL beside a status column) with a
/// notes sidecar. Every file goes through <see cref="AtomicFile"/>; every text cell through <see cref="CellText.Inert"/>.
/// </summary>
public static class ExtractWriter
{
    /// <summary>Rows an Excel worksheet holds, header included.</summary>
    public const int ExcelMaxRows = 1_048_576;

    /// <summary>The suppression mark in CSV and XLSX.</summary>
    public const string SuppressedMark = "x";

    /// <summary>The code of a margin (all codes of the dimension).</summary>
    public const string MarginCode = "*";

    public static ExtractTable Table(ExtractRequest request, ExtractRelease release)
    {
        var texts = request.Dimensions.SelectMany(d => new[] { d.Name, d.Name + "_name" }).ToList();
        var measures = request.Measures.Select(m => m.Name).ToList();
        var rows = release.Rows.Select(r => new ExtractTableRow(
            [.. request.Dimensions.SelectMany((d, i) => r.Cell.Codes[i] is { } code
                ? new[] { code, d.Label(code) } : [MarginCode, SurveyLabels.Japanese.AllRows])],
            [.. request.Measures.Select(m => r.Published ? r.Cell.Value(m) : (long?)null)],
            r.Published)).ToList();
        return new ExtractTable(texts, measures, rows);
    }

    /// <summary>Refuses, before anything is written, a table an Excel sheet cannot hold.</summary>
    public static void CheckFits(int rows, ExtractFormat format, int excelMaxRows = ExcelMaxRows)
    {
        if (format == ExtractFormat.Xlsx && rows + 1 > excelMaxRows)
            throw new ExtractRefusedException(string.Create(CultureInfo.InvariantCulture,
                $"The extract has {rows:N0} rows, more than an Excel sheet holds ({excelMaxRows:N0} including the header); ask for format: csv or format: parquet, or for fewer dimensions or codes. Nothing was written."));
    }

    public static void WriteCsv(string path, ExtractTable table) => AtomicFile.Write(path, (Stream stream) =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)) { NewLine = "\r\n" };
        writer.WriteLine(string.Join(',', table.TextColumns.Concat(table.MeasureColumns).Select(Csv)));
        foreach (var row in table.Rows)
            writer.WriteLine(string.Join(',', row.Texts.Select(Csv)
                .Concat(row.Values.Select(v => v is { } x ? x.ToString(CultureInfo.InvariantCulture) : SuppressedMark))));
    });

    public static void WriteXlsx(string path, ExtractTable table, IReadOnlyList<(string Item, string Value)> notes) => AtomicFile.Write(path, (string temporary) =>
    {
        using var workbook = new XLWorkbook();
        var data = workbook.AddWorksheet("data");
        var columns = table.TextColumns.Concat(table.MeasureColumns).ToList();
        for (var c = 0; c < columns.Count; c++) data.Cell(1, c + 1).SetValue(CellText.Inert(columns[c])).Style.Font.SetBold();
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            for (var c = 0; c < row.Texts.Count; c++) data.Cell(r + 2, c + 1).SetValue(CellText.Inert(row.Texts[c]));
            for (var c = 0; c < row.Values.Count; c++)
            {
                var cell = data.Cell(r + 2, row.Texts.Count + c + 1);
                if (row.Values[c] is { } v) cell.SetValue(v).Style.NumberFormat.Format = "#,##0";
                else cell.SetValue(SuppressedMark).Style.Alignment.SetHorizontal(XLAlignmentHorizontalValues.Right);
            }
        }
        data.SheetView.FreezeRows(1);
        var sheet = workbook.AddWorksheet("notes");
        for (var i = 0; i < notes.Count; i++)
        {
            sheet.Cell(i + 1, 1).SetValue(CellText.Inert(notes[i].Item)).Style.Font.SetBold();
            sheet.Cell(i + 1, 2).SetValue(CellText.Inert(notes[i].Value));
        }
        sheet.Column(1).Width = 34;
        sheet.Column(2).Width = 100;
        workbook.SaveAs(temporary);
    });

    /// <summary>Parquet through DuckDB: the table is loaded into a temporary table and copied out; suppressed values NULL.</summary>
    public static void WriteParquet(Warehouse warehouse, string path, ExtractTable table) => AtomicFile.Write(path, (string temporary) =>
    {
        var name = "extract_out_" + Guid.NewGuid().ToString("N")[..8];
        var columns = table.TextColumns.Select(c => $"\"{c}\" varchar")
            .Concat(table.MeasureColumns.Select(c => $"\"{c}\" bigint")).Append("status varchar");
        warehouse.Execute($"create temp table {name} (ordinal integer, {string.Join(", ", columns)})");
        try
        {
            var ordinal = 0;
            foreach (var chunk in table.Rows.Chunk(500))
                warehouse.Execute($"insert into {name} values\n" + string.Join(",\n", chunk.Select(r =>
                    "(" + string.Join(", ", r.Texts.Select(SqlText.Literal).Prepend((ordinal++).ToString(CultureInfo.InvariantCulture))
                        .Concat(r.Values.Select(v => v is { } x ? x.ToString(CultureInfo.InvariantCulture) : "null"))
                        .Append(SqlText.Literal(r.Published ? "published" : "suppressed"))) + ")")));
            warehouse.Execute($"copy (select * exclude (ordinal) from {name} order by ordinal) to {SqlText.Literal(temporary)} (format parquet)");
        }
        finally
        {
            warehouse.Execute($"drop table if exists {name}");
        }
    });

    public static void WriteNotes(string path, IReadOnlyList<(string Item, string Value)> notes) => AtomicFile.Write(path, (Stream stream) =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)) { NewLine = "\n" };
        foreach (var (item, value) in notes) writer.WriteLine(item.Length == 0 ? value : $"{item}: {CellText.Inert(value)}");
    });

    /// <summary>A CSV field: formula-like text neutralised, quoted when it holds a comma, quote or line break.</summary>
    private static string Csv(string text)
    {
        var t = CellText.Inert(text);
        return t.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : t;
    }
}
