using MarketStats.Core.Storage;
using MarketStats.Reports.Survey;

namespace MarketStats.Reports.Benchmarks;

/// <summary>A member's benchmark for one fiscal year: one workbook for one platform.</summary>
public sealed class BenchmarkReport(TimeProvider clock)
{
    /// <summary>
    /// Reads the platform's own mart rows and the survey release of <paramref name="fiscalYear"/> and writes the
    /// workbook into <paramref name="outDir"/>. <paramref name="survey"/>: the survey data of that year when the caller
    /// has already read it (several members' benchmarks from one release); read from the marts otherwise.
    /// </summary>
    public BenchmarkOutput Write(Warehouse warehouse, string platformId, int fiscalYear, string outDir, string lang = "ja", SurveyData? survey = null)
    {
        var (allYears, inYear) = BenchmarkData.PaidLines(warehouse, platformId, fiscalYear);
        if (allYears == 0) return new BenchmarkOutput(BenchmarkStatus.UnknownPlatform, null, null, []);
        if (inYear == 0) return new BenchmarkOutput(BenchmarkStatus.NoDataInYear, null, null, []);
        if (survey is not null && survey.FiscalYear != fiscalYear)
            throw new ArgumentException($"The survey data is of FY{survey.FiscalYear}, not FY{fiscalYear}.", nameof(survey));
        survey ??= SurveyData.Read(warehouse, fiscalYear, DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        var data = BenchmarkData.Read(warehouse, platformId, survey);
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, BenchmarkWorkbook.FileName(platformId, fiscalYear));
        BenchmarkWorkbook.Write(data, ReportLabels.For(lang), BenchmarkLabels.For(lang), path);
        var charts = BenchmarkChart.Write(data, ReportLabels.For(lang), BenchmarkLabels.For(lang), outDir);
        return new BenchmarkOutput(BenchmarkStatus.Written, path, data, charts);
    }
}

/// <summary>What one benchmark run did: the workbook, or why there is none.</summary>
/// <param name="ChartPaths">The share chart, PNG then SVG, beside the workbook.</param>
public sealed record BenchmarkOutput(BenchmarkStatus Status, string? WorkbookPath, BenchmarkData? Data, IReadOnlyList<string> ChartPaths);
