using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports;

/// <summary>The files one report run wrote.</summary>
public sealed record ReportOutput(string WorkbookPath, IReadOnlyList<string> ChartPaths);

/// <summary>The market-size report: posted, contracted and paid value by fiscal year and form, headlined by paid value.</summary>
public sealed class MarketSizeReport
{
    public const string WorkbookFileName = "market-size.xlsx";
    public const string ChartBaseName = "market-size-paid";

    /// <summary>Reads the marts (built beforehand: see the pipeline's BuildMarts step) and writes the workbook and chart into <paramref name="outDir"/>.</summary>
    /// <param name="suppression">Disclosure control's verdict per (fiscal year, form), solved with the rest of the
    /// release it is published in (see Survey.SurveyRelease); rows it does not name are not published.</param>
    public ReportOutput Write(Warehouse warehouse, string outDir, string lang, IReadOnlyDictionary<(int, string?), Suppression> suppression)
    {
        var labels = ReportLabels.For(lang);
        Directory.CreateDirectory(outDir);
        var data = MarketSizeData.Read(warehouse);
        bool IsPublished(int year, string? form) => suppression.GetValueOrDefault((year, form), Suppression.FewPersons) == Suppression.None;
        var charts = MarketSizeChart.Write(data.PublishedOnly(IsPublished), labels, outDir, ChartBaseName);
        var workbook = Path.Combine(outDir, WorkbookFileName);
        MarketSizeWorkbook.Write(data, labels, workbook, charts[0], IsPublished);
        return new ReportOutput(workbook, charts);
    }
}
