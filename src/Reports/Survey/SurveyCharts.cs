using System.Globalization;
using MarketStats.Core.Domain;
using ScottPlot;

namespace MarketStats.Reports.Survey;

/// <summary>The PNG of each survey chart (for the workbook), and every file written (PNG and SVG).</summary>
public sealed record SurveyChartFiles(string MarketSize, string CategoryMix, string TileMap, string FlowMatrix, IReadOnlyList<string> All)
{
    /// <summary>The charts of accounts vs persons, the whole market and like-for-like growth.</summary>
    public SurveyMarketChartFiles? Market { get; init; }
}

/// <summary>Every chart file of one survey: what the workbook places (either may be absent, e.g. in a test).</summary>
public sealed record SurveyChartSet(SurveyChartFiles? Charts, DistributionChartFiles? Distributions)
{
    /// <summary>Renders the survey's charts and the distribution charts into <paramref name="outDir"/>.</summary>
    public static SurveyChartSet Write(SurveyData data, ReportLabels labels, string outDir) =>
        new(SurveyCharts.Write(data, labels, outDir), DistributionCharts.Write(data, labels, outDir));

    /// <summary>Every file written (PNG and SVG), the survey's charts first.</summary>
    public IReadOnlyList<string> All => [.. Charts?.All ?? [], .. Distributions?.All ?? []];
}

/// <summary>The survey's charts (ScottPlot), each as PNG and SVG. Suppressed cells are never drawn as values.</summary>
public static class SurveyCharts
{
    public const string MarketSizeName = "survey-market-size";
    public const string CategoryMixName = "survey-category-mix";
    public const string TileMapName = "survey-tile-map";
    public const string FlowMatrixName = "survey-flow-matrix";

    private const string FontName = ChartStyle.FontName;
    private static readonly Color SuppressedColour = Color.FromHex("#D0D0D0");

    // Tableau 10: distinguishable, and fixed per category so a category keeps its colour from year to year.
    private static readonly string[] CategoryColours = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f", "#bab0ac"];

    public static SurveyChartFiles Write(SurveyData data, ReportLabels labels, string outDir)
    {
        ChartStyle.EnsureFontLoaded();
        var written = new List<string>();
        var marketSize = MarketSizeChart.Write(PublishedMarketSize(data), labels, outDir, MarketSizeName);
        written.AddRange(marketSize);
        string Save(Plot plot, string name, int width, int height)
        {
            var files = ChartStyle.Save(plot, outDir, name, width, height);
            written.AddRange(files);
            return files[0];
        }
        var category = Save(CategoryMix(data, labels), CategoryMixName, 800, 480);
        var tiles = Save(TileMap(data, labels), TileMapName, 720, 600);
        var flows = Save(FlowMatrix(data, labels), FlowMatrixName, 760, 640);
        var market = SurveyMarketCharts.Write(data, labels, outDir, written);
        return new SurveyChartFiles(marketSize[0], category, tiles, flows, written) { Market = market };
    }

    /// <summary>The market-size data without suppressed form rows, so the chart cannot show what the table hides.</summary>
    public static MarketSizeData PublishedMarketSize(SurveyData data) => data.MarketSize.PublishedOnly(data.IsPublished);

    private static readonly ScottPlot.Colormaps.Blues Blues = new();

    /// <summary>0 pale … 1 dark (ScottPlot's Blues runs dark to light, so it is read backwards).</summary>
    private static Color Shade(double fraction) => Blues.GetColor(1 - Math.Clamp(fraction, 0, 1));

    private static Plot NewPlot() => ChartStyle.NewPlot(legendFontSize: 13, bottomTickFontSize: 13, leftTickFontSize: 13);

    /// <summary>Each year's paid value split by category, as shares (100% stacked bars); suppressed shares in grey.</summary>
    public static Plot CategoryMix(SurveyData data, ReportLabels labels)
    {
        var s = labels.Survey;
        var plot = NewPlot();
        plot.Title(s.CategoryChartTitle);
        var years = data.CategoryByYear.Where(y => y.Get(null, null) is { Published: true, PaidJpy: > 0 }).ToList();
        if (years.Count == 0) return NoData(plot, labels, data.FiscalYear);
        var categories = ReportLabels.CategoryOrder;
        var bars = new List<Bar>();
        for (var i = 0; i < years.Count; i++)
        {
            var total = (double)years[i].Get(null, null)!.PaidJpy;
            var stack = 0.0;
            foreach (var (category, c) in categories.Select((c, k) => (c, k)))
            {
                if (years[i].Get(category, null) is not { Published: true, PaidJpy: > 0 } cell) continue;
                var share = cell.PaidJpy / total * 100;
                bars.Add(new Bar { Position = i, ValueBase = stack, Value = stack + share, FillColor = Color.FromHex(CategoryColours[c]), Size = 0.6 });
                stack += share;
            }
            // What suppression hides, together: the sum of suppressed shares is the total less the published ones.
            if (stack < 99.95) bars.Add(new Bar { Position = i, ValueBase = stack, Value = 100, FillColor = SuppressedColour, Size = 0.6 });
        }
        plot.Add.Bars(bars);
        foreach (var (category, c) in categories.Select((c, k) => (c, k)))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.CategoryLabel(category), FillColor = Color.FromHex(CategoryColours[c]) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.SuppressedLegend, FillColor = SuppressedColour });
        plot.ShowLegend(Edge.Right);
        ChartStyle.NameColumns(plot, [.. years.Select(y => labels.FiscalYear(y.FiscalYear))]);
        plot.YLabel(s.ShareAxis);
        plot.Axes.SetLimits(-0.6, years.Count - 0.4, 0, 100);
        plot.HideGrid();
        return plot;
    }

    /// <summary>The tile map: each prefecture a square coloured by active workers per 100,000 inhabitants.</summary>
    public static Plot TileMap(SurveyData data, ReportLabels labels)
    {
        var s = labels.Survey;
        var plot = NewPlot();
        plot.Title(s.TileMapTitle(data.FiscalYear));
        var rates = new Dictionary<string, double>();
        foreach (var p in Prefecture.All)
            if (data.Prefectures.Get(p.Code, "worker") is { Published: true } cell)
                rates[p.Code] = cell.ActiveWorkers * 100_000.0 / p.Population2020;
        var max = rates.Count == 0 ? 1 : Math.Max(rates.Values.Max(), 1e-9);
        foreach (var p in Prefecture.All)
        {
            var (column, row) = PrefectureTiles.Layout[p.Code];
            var known = rates.TryGetValue(p.Code, out var rate);
            // Leave the palest end out so a low value still reads as coloured, not as "no data".
            var fraction = known ? 0.15 + 0.85 * rate / max : 0;
            var fill = known ? Shade(fraction) : SuppressedColour;
            var tile = plot.Add.Rectangle(column, column + 0.95, -row - 0.95, -row);
            tile.FillStyle.Color = fill;
            tile.LineStyle.Color = Colors.White;
            var text = s.PrefectureShort(p.Code) + "\n" + (known ? rate.ToString("0.0", CultureInfo.InvariantCulture) : s.SuppressedMark);
            var label = plot.Add.Text(text, column + 0.475, -row - 0.475);
            label.LabelFontName = FontName;
            label.LabelFontSize = s.IsJapanese ? 10 : 8; // the longest English names (Kagoshima) fill a tile
            label.LabelAlignment = Alignment.MiddleCenter;
            label.LabelFontColor = fraction > 0.6 ? Colors.White : Colors.Black;
        }
        foreach (var (fraction, value) in new[] { 0.15, 0.575, 1.0 }.Select(f => (f, (f - 0.15) / 0.85 * max)))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = value.ToString("0.0", CultureInfo.InvariantCulture), FillColor = Shade(fraction) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.TileMapLegend, FillColor = SuppressedColour });
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimits(-0.2, PrefectureTiles.Columns + 0.2, -PrefectureTiles.Rows - 0.2, 0.2);
        HideAxes(plot);
        return plot;
    }

    /// <summary>The flow matrix as a heatmap: client region (rows) × worker region (columns), paid value in million yen.</summary>
    public static Plot FlowMatrix(SurveyData data, ReportLabels labels)
    {
        var s = labels.Survey;
        var plot = NewPlot();
        plot.Title(s.FlowChartTitle(data.FiscalYear));
        var cube = data.Flows;
        if (cube.IsEmpty) return NoData(plot, labels, data.FiscalYear);
        var regions = SurveyWorkbook.FlowRegions(cube);
        var published = regions.SelectMany(c => regions.Select(w => cube.Get(c, w))).Where(x => x is { Published: true }).Select(x => x!.PaidJpy).ToList();
        // Log scale: flows within the Kanto region dwarf the rest, and a linear scale would leave every other cell blank.
        var positive = published.Where(v => v > 0).DefaultIfEmpty(1).ToList();
        var (minLog, maxLog) = (Math.Log10(positive.Min()), Math.Log10(positive.Max()));
        var span = Math.Max(1e-9, maxLog - minLog);
        for (var r = 0; r < regions.Count; r++)
        {
            for (var c = 0; c < regions.Count; c++)
            {
                var cell = cube.Get(regions[r], regions[c]);
                var value = cell?.PaidJpy ?? 0;
                var hidden = cell is { Published: false };
                var fraction = hidden || value <= 0 ? 0 : 0.1 + 0.9 * (Math.Log10(value) - minLog) / span;
                var tile = plot.Add.Rectangle(c, c + 1, -r - 1, -r);
                tile.FillStyle.Color = hidden ? SuppressedColour : Shade(fraction);
                tile.LineStyle.Color = Colors.White;
                var text = hidden ? s.SuppressedMark : FlowText(value);
                var label = plot.Add.Text(text, c + 0.5, -r - 0.5);
                label.LabelFontName = FontName;
                label.LabelFontSize = 11;
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontColor = fraction > 0.65 ? Colors.White : Colors.Black;
            }
        }
        var names = regions.Select(s.RegionLabel).ToArray();
        ChartStyle.NameColumns(plot, names, [.. regions.Select((_, i) => i + 0.5)]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. regions.Select((_, i) => -i - 0.5)], names);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.XLabel(s.FlowWorkerAxis);
        plot.YLabel(s.FlowClientAxis);
        plot.Axes.SetLimits(0, regions.Count, -regions.Count, 0);
        plot.HideGrid();
        return plot;
    }

    /// <summary>Million yen: one decimal below 10 million, "&lt;0.1" for a small non-zero flow so it never reads as zero.</summary>
    public static string FlowText(long yen) =>
        yen == 0 ? "0"
        : yen < 50_000 ? "<0.1"
        : (yen / 1e6).ToString(yen < 10_000_000 ? "0.0" : "#,##0", CultureInfo.InvariantCulture);

    /// <summary>No ticks, labels or frame, but the title stays (Frameless would drop it).</summary>
    private static void HideAxes(Plot plot)
    {
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Left, plot.Axes.Right, plot.Axes.Top, plot.Axes.Bottom })
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            axis.FrameLineStyle.Width = 0;
            axis.MajorTickStyle.Length = 0;
            axis.MinorTickStyle.Length = 0;
        }
        plot.HideGrid();
    }

    private static Plot NoData(Plot plot, ReportLabels labels, int fiscalYear)
    {
        plot.Title(labels.Survey.NoDataChart(fiscalYear));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        return plot;
    }
}
