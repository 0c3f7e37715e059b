using MarketStats.Core.Storage;

namespace MarketStats.Reports;

/// <summary>The files one report run wrote.</summary>
public sealed record ReportOutput(string WorkbookPath, IReadOnlyList<string> ChartPaths);

/// <summary>The market-size report: posted, contracted and paid value by fiscal year and form, headlined by paid value.</summary>
public sealed class MarketSizeReport
{
    public const string WorkbookFileName = "market-size.xlsx";
    public const string ChartBaseName = "market-size-paid";

    /// <summary>
    /// Rebuilds staging and the report marts, unless they already reflect the warehouse's inputs (see
    /// <see cref="MartFreshness"/>) and <paramref name="force"/> is false. Needs a writable warehouse.
    /// </summary>
    /// <returns>True when the marts were rebuilt, false when they were current.</returns>
    public static bool BuildMarts(Warehouse warehouse, TextWriter? trace = null, bool force = false)
    {
        // The fingerprint reads the landed tables and the linker's output, not staging: check it before anything else.
        var fingerprint = MartFreshness.Fingerprint(warehouse);
        if (!force && MartFreshness.IsCurrent(warehouse, fingerprint))
        {
            trace?.WriteLine("-- marts are current (inputs and models unchanged): not rebuilt");
            return false;
        }
        var runner = new SqlModelRunner(warehouse, trace);
        runner.Run(StagingModels.Models, StagingModels.Tests);
        // Marts are read with explicit ORDER BY: let DuckDB materialise them in any order (faster, less memory).
        warehouse.Execute("set preserve_insertion_order = false");
        warehouse.SetMemoryLimit(Warehouse.MartBuildMemoryLimit);
        // One transaction: readers see the old marts or all the new ones, a failing data test leaves the old ones in
        // place, and the file is synced once instead of after every model.
        warehouse.Execute("begin transaction");
        try
        {
            MartModels.LoadReferenceTables(warehouse);
            runner.Run(MartModels.Models, MartModels.Tests);
            MartFreshness.Record(warehouse, fingerprint);
            warehouse.Execute("commit");
        }
        catch
        {
            warehouse.Execute("rollback");
            throw;
        }
        finally
        {
            warehouse.SetMemoryLimit(Warehouse.DefaultMemoryLimit);
        }
        return true;
    }

    /// <summary>Reads the marts (built beforehand by <see cref="BuildMarts"/>) and writes the workbook and chart into <paramref name="outDir"/>.</summary>
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
