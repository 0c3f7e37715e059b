using MarketStats.Core.Storage;

namespace MarketStats.Reports.Survey;

/// <summary>The yearly market survey: one workbook and its charts for one fiscal year.</summary>
public sealed class SurveyReport(TimeProvider clock)
{
    public static string WorkbookFileName(int fiscalYear) => $"survey-FY{fiscalYear}.xlsx";

    /// <summary>Reads the marts (built beforehand) and writes the survey workbook and its charts into <paramref name="outDir"/>.</summary>
    public SurveyOutput Write(Warehouse warehouse, int fiscalYear, string outDir, string lang = "ja")
    {
        var labels = ReportLabels.For(lang);
        Directory.CreateDirectory(outDir);
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var data = SurveyData.Read(warehouse, fiscalYear, today);
        var charts = SurveyCharts.Write(data, labels, outDir);
        var distributionCharts = DistributionCharts.Write(data, labels, outDir);
        var workbook = Path.Combine(outDir, WorkbookFileName(fiscalYear));
        SurveyWorkbook.Write(data, labels, workbook, charts, distributionCharts);
        return new SurveyOutput(workbook, [.. charts.All, .. distributionCharts.All], data.Status, data.MarketSizeSuppression, data.DisclosureSeconds);
    }

    /// <summary>The latest fiscal year that has ended by today and has paid data; null when there is none.</summary>
    public static int? LatestCompleteFiscalYear(Warehouse warehouse, DateOnly today)
    {
        var lastEnded = Core.Domain.FiscalYear.Of(today) - 1;
        return warehouse.Scalar<int?>("select max(fiscal_year) from mart_market_size_total where lines_paid > 0 and fiscal_year <= $1", lastEnded);
    }
}

/// <summary>The files one survey run wrote, and whether its year was complete.</summary>
/// <param name="MarketSizeSuppression">The market-size rows' disclosure control, solved with the survey's tables: a
/// market-size workbook published beside this survey must use it (solved apart, it could undo the survey's suppressions).</param>
public sealed record SurveyOutput(string WorkbookPath, IReadOnlyList<string> ChartPaths, YearStatus Status,
    IReadOnlyDictionary<(int, string?), Disclosure.Suppression> MarketSizeSuppression, double DisclosureSeconds);
