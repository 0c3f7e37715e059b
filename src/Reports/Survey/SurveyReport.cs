using MarketStats.Core.Diagnostics;
using MarketStats.Core.Storage;

namespace MarketStats.Reports.Survey;

/// <summary>The yearly market survey: one workbook and its charts for one fiscal year.</summary>
public sealed class SurveyReport(TimeProvider clock)
{
    public static string WorkbookFileName(int fiscalYear) => $"survey-FY{fiscalYear}.xlsx";

    /// <summary>Reads the marts (built beforehand) and writes the survey workbook and its charts into <paramref name="outDir"/>.</summary>
    /// <param name="timings">Where the time went (<c>report survey --trace</c>), when given.</param>
    public SurveyOutput Write(Warehouse warehouse, int fiscalYear, string outDir, string lang = "ja", PhaseTimings? timings = null)
    {
        var labels = ReportLabels.For(lang);
        Directory.CreateDirectory(outDir);
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var data = SurveyData.Read(warehouse, fiscalYear, today, timings);
        // Once the release is solved, the charts and the workbook read only the data: the charts render on another core
        // while the sheets are written and saved, and the workbook waits for them only to place their pictures.
        var rendering = Task.Run(() =>
        {
            using (timings?.Measure(ChartsPhase))
                return SurveyChartSet.Write(data, labels, outDir);
        });
        var workbook = Path.Combine(outDir, WorkbookFileName(fiscalYear));
        try
        {
            using (timings?.Measure(WorkbookPhase))
                SurveyWorkbook.Write(data, labels, workbook, rendering);
        }
        catch
        {
            // No chart may still be writing when the error leaves (its own failure, if any, is the lesser news).
            Task.WaitAny(rendering);
            throw;
        }
        return new SurveyOutput(workbook, rendering.Result.All, data.Status, data.MarketSizeSuppression, data.DisclosureSeconds);
    }

    /// <summary>The phases <see cref="Write"/> reports in its timings (besides <see cref="SurveyData.Read"/>'s).</summary>
    public const string ChartsPhase = "survey: charts", WorkbookPhase = "survey: workbook";

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
