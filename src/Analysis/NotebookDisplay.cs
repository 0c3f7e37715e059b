using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;
using ScottPlot;

namespace MarketStats.Analysis;

/// <summary>What a notebook shows: a <see cref="DataFrame"/> as an HTML table, a chart as PNG bytes.</summary>
/// <remarks>
/// The kernel's own rendering of a DataFrame lists its rows without column names. This table carries its size in
/// <c>data-rows</c> / <c>data-columns</c>, which is what the CI check of the executed notebooks reads. Numbers are
/// formatted invariantly (thousands separators except in year columns, at most three decimals), never in the machine's culture.
/// </remarks>
public static class NotebookDisplay
{
    public const string TableClass = "marketstats-frame";

    /// <summary>The frame's first <paramref name="maxRows"/> rows as an HTML table, every value HTML-encoded.</summary>
    public static string Html(DataFrame frame, int maxRows = 60)
    {
        var shown = Math.Min(frame.Rows.Count, maxRows);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<table class=\"{TableClass}\" data-rows=\"{frame.Rows.Count}\" data-columns=\"{frame.Columns.Count}\"><thead><tr>");
        foreach (var column in frame.Columns)
            html.Append("<th>").Append(WebUtility.HtmlEncode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        for (long row = 0; row < shown; row++)
        {
            html.Append("<tr>");
            foreach (var column in frame.Columns)
            {
                var value = column[row];
                var numeric = value is int or long or double or decimal;
                var text = IsYear(column.Name) ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" : Text(value);
                html.Append(numeric ? "<td style=\"text-align:right\">" : "<td>").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (shown < frame.Rows.Count)
            html.Append(CultureInfo.InvariantCulture, $"<p>{shown} of {frame.Rows.Count:N0} rows shown.</p>");
        return html.ToString();
    }

    /// <summary>The chart as a PNG; make the plot with <see cref="Reports.ChartStyle.NewPlot"/> for the survey's font and style.</summary>
    public static byte[] Png(Plot plot, int width = 900, int height = 500) => plot.GetImageBytes(width, height, ImageFormat.Png);

    // A year is a label, not a quantity: 2025, never 2,025.
    private static bool IsYear(string column) => column.Contains("year", StringComparison.OrdinalIgnoreCase);

    private static string Text(object? value) => value switch
    {
        null => "",
        int or long => ((IFormattable)value).ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("#,0.###", CultureInfo.InvariantCulture),
        decimal m => m.ToString("#,0.###", CultureInfo.InvariantCulture),
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
