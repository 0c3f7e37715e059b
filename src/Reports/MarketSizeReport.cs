using MarketStats.Core.Storage;

namespace MarketStats.Reports;

/// <summary>The files one report run wrote.</summary>
public sealed record ReportOutput(string WorkbookPath, IReadOnlyList<string> ChartPaths);

/// <summary>The market-size report: posted, contracted and paid value by fiscal year and form, headlined by paid value.</summary>
public sealed class MarketSizeReport
{
    public const string WorkbookFileName = "market-size.xlsx";
    public const string ChartBaseName = "market-size-paid";

    /// <summary>Reads the marts (built beforehand: see the pipeline's BuildMarts step) and writes the workbook and chart into <paramref name="outDir"/>.</summary>
    public ReportOutput Write(Warehouse warehouse, string outDir, string lang = "ja")
    {
        var labels = ReportLabels.For(lang);
        Directory.CreateDirectory(outDir);
        var data = MarketSizeData.Read(warehouse);
        var charts = MarketSizeChart.Write(data, labels, outDir, ChartBaseName);
        var workbook = Path.Combine(outDir, WorkbookFileName);
        MarketSizeWorkbook.Write(data, labels, workbook, charts[0]);
        return new ReportOutput(workbook, charts);
    }
}
