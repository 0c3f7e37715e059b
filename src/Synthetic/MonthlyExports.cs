using System.IO.Compression;
using System.Text;
using MarketStats.Core.IO;

namespace MarketStats.Synthetic;

/// <summary>
/// A platform that sends one export per month instead of per fiscal year: the incremental refresh's benchmark and
/// tests land one such month into a built warehouse.
/// </summary>
public static class MonthlyExports
{
    /// <summary>
    /// Replaces a fiscal-year transactions export (UTF-8 CSV, optionally gzip) by one export per posting month
    /// (<c>transactions_2025-04.csv</c>: <c>export_period</c> is the month of <c>posted_on</c>, the date the contract
    /// ties to the period), in the same folder; deletes the fiscal-year file.
    /// </summary>
    /// <returns>The monthly files, in month order.</returns>
    public static IReadOnlyList<string> Split(string fiscalYearFile)
    {
        using var stream = File.OpenRead(fiscalYearFile);
        using var text = new StreamReader(fiscalYearFile.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(stream, CompressionMode.Decompress) : stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        var header = text.ReadLine() ?? throw new InvalidDataException($"{fiscalYearFile} is empty.");
        var columns = header.Split(',');
        var (period, posted) = (Array.IndexOf(columns, "export_period"), Array.IndexOf(columns, "posted_on"));
        if (period < 0 || posted < 0) throw new InvalidDataException($"{fiscalYearFile} has no export_period or posted_on column.");
        var months = new SortedDictionary<string, StringBuilder>(StringComparer.Ordinal);
        while (text.ReadLine() is { Length: > 0 } line)
        {
            // Generated exports quote no field before posted_on (codes, ids and dates), so a plain split finds it.
            var fields = line.Split(',');
            var month = fields[posted][..7];
            fields[period] = month;
            if (!months.TryGetValue(month, out var rows)) months[month] = rows = new StringBuilder(header).Append('\n');
            rows.AppendJoin(',', fields).Append('\n');
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(fiscalYearFile))!;
        var written = new List<string>();
        foreach (var (month, rows) in months)
        {
            var path = Path.Combine(folder, $"transactions_{month}.csv");
            AtomicFile.Write(path, temporary => File.WriteAllText(temporary, rows.ToString(), new UTF8Encoding(false)));
            written.Add(path);
        }
        stream.Close();
        File.Delete(fiscalYearFile);
        return written;
    }
}
