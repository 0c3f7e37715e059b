using ScottPlot;

namespace MarketStats.Reports;

/// <summary>Paid value by fiscal year, stacked by form of work, as PNG (for the workbook) and SVG (for print).</summary>
public static class MarketSizeChart
{
    public const int WidthPx = 800;
    public const int HeightPx = 480;

    private const string FontName = ChartStyle.FontName;

    // Fixed per form, so a form keeps its colour from one year's survey to the next.
    private static readonly Dictionary<string, Color> FormColours = new()
    {
        ["project"] = Color.FromHex("#1f77b4"),
        ["competition"] = Color.FromHex("#ff7f0e"),
        ["task"] = Color.FromHex("#2ca02c"),
    };

    private static readonly Color OtherFormColour = Color.FromHex("#7f7f7f");

    /// <summary>Writes <c>{baseName}.png</c> and <c>{baseName}.svg</c> into <paramref name="outDir"/>; returns both paths, PNG first.</summary>
    public static IReadOnlyList<string> Write(MarketSizeData data, ReportLabels labels, string outDir, string baseName)
    {
        ChartStyle.EnsureFontLoaded();
        return ChartStyle.Save(Build(data, labels), outDir, baseName, WidthPx, HeightPx);
    }

    public static Plot Build(MarketSizeData data, ReportLabels labels)
    {
        var plot = ChartStyle.NewPlot(legendFontSize: 14, bottomTickFontSize: 14, leftTickFontSize: 13);

        if (data.IsEmpty)
        {
            plot.Title(labels.ChartNoDataTitle);
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            return plot;
        }

        var years = data.FiscalYears;
        var unit = YenUnits.For(data.Totals.Max(t => t.PaidJpy));
        var bars = new List<Bar>();
        for (var i = 0; i < years.Count; i++)
        {
            var stackBase = 0.0;
            foreach (var form in data.Forms)
            {
                var figures = data.For(years[i], form);
                if (figures is null || figures.PaidJpy == 0) continue;
                var height = YenUnits.Scale(figures.PaidJpy, unit);
                bars.Add(new Bar { Position = i, ValueBase = stackBase, Value = stackBase + height, FillColor = ColourOf(form), Size = 0.6 });
                stackBase += height;
            }
        }
        plot.Add.Bars(bars);

        // A fiscal year inside the range without any transaction: say so rather than draw an empty slot as zero.
        var maxStack = data.Totals.Max(t => YenUnits.Scale(t.PaidJpy, unit));
        foreach (var (year, i) in years.Select((y, i) => (y, i)).Where(p => data.Total(p.y) is null))
        {
            var note = plot.Add.Text(labels.NoDataForYear, i, maxStack * 0.05);
            note.LabelFontName = FontName;
            note.LabelFontSize = 14;
            note.LabelFontColor = Colors.Gray;
            note.LabelAlignment = Alignment.LowerCenter;
        }

        foreach (var form in data.Forms)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = labels.FormLabel(form), FillColor = ColourOf(form) });
        plot.ShowLegend(Edge.Right);

        ChartStyle.NameColumns(plot, [.. years.Select(labels.FiscalYear)]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => v.ToString("#,##0.##", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Title(labels.ChartTitle);
        plot.XLabel(labels.ChartXAxis);
        plot.YLabel(labels.ChartYAxis(unit));
        plot.HideGrid();
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(-0.6, years.Count - 0.4);
        return plot;
    }

    private static Color ColourOf(string form) => FormColours.GetValueOrDefault(form, OtherFormColour);
}
