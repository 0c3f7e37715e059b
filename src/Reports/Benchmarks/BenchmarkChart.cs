using ScottPlot;

namespace MarketStats.Reports.Benchmarks;

/// <summary>The member's share of the market by fiscal year and form: bars only where the survey publishes the market
/// cell (a withheld share is not drawn, and its slot says <c>x</c>).</summary>
public static class BenchmarkChart
{
    public const int WidthPx = 800;
    public const int HeightPx = 480;

    private static readonly Color[] Palette = [Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#7f7f7f")];

    public static string BaseName(string platformId, int fiscalYear) => Path.GetFileNameWithoutExtension(BenchmarkWorkbook.FileName(platformId, fiscalYear)) + "-share";

    /// <summary>Writes the PNG and SVG beside the workbook; returns both paths, PNG first.</summary>
    public static IReadOnlyList<string> Write(BenchmarkData data, ReportLabels report, BenchmarkLabels labels, string outDir) =>
        ChartStyle.Save(Build(data, report, labels), outDir, BaseName(data.PlatformId, data.FiscalYear), WidthPx, HeightPx);

    public static Plot Build(BenchmarkData data, ReportLabels report, BenchmarkLabels labels)
    {
        var plot = ChartStyle.NewPlot(legendFontSize: 14, bottomTickFontSize: 14, leftTickFontSize: 13);
        var rows = data.Cells.Where(c => c.Table == BenchmarkTable.Category && c.Row is null).ToList();
        var years = rows.Select(c => c.FiscalYear).Distinct().Order().ToList();
        string?[] forms = [.. ReportLabels.FormOrder, null];
        var width = 0.8 / forms.Length;
        var bars = new List<Bar>();
        for (var y = 0; y < years.Count; y++)
        {
            for (var f = 0; f < forms.Length; f++)
            {
                var cell = rows.FirstOrDefault(c => c.FiscalYear == years[y] && c.Column == forms[f]);
                if (cell is null) continue;
                var x = y - 0.4 + width * (f + 0.5);
                if (cell.Share is { } share)
                    bars.Add(new Bar { Position = x, Value = share * 100, FillColor = Palette[f % Palette.Length], Size = width * 0.9 });
                else if (!cell.MarketShown)
                {
                    var mark = plot.Add.Text(report.Survey.SuppressedMark, x, 0);
                    mark.LabelFontName = ChartStyle.FontName;
                    mark.LabelFontSize = 14;
                    mark.LabelAlignment = Alignment.LowerCenter;
                }
            }
        }
        plot.Add.Bars(bars);
        for (var f = 0; f < forms.Length; f++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = report.FormLabel(forms[f]), FillColor = Palette[f % Palette.Length] });
        plot.ShowLegend(Edge.Right);
        ChartStyle.NameColumns(plot, [.. years.Select(report.FiscalYear)]);
        plot.Title(labels.ChartTitle(data.PlatformId));
        plot.YLabel(labels.ShareHeader + " (%)");
        plot.HideGrid();
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(-0.6, Math.Max(1, years.Count) - 0.4);
        return plot;
    }
}
