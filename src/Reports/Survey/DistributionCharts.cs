using MarketStats.Reports.Disclosure;
using ScottPlot;

namespace MarketStats.Reports.Survey;

/// <summary>The PNGs of the distribution charts (for the workbook), and every file written (PNG and SVG).</summary>
public sealed record DistributionChartFiles(string WorkerPay, string JobBands, IReadOnlyList<string> All);

/// <summary>The distribution charts: pay per worker by decile, value per job by band. Only published values are drawn.</summary>
public static class DistributionCharts
{
    public const string WorkerPayName = "survey-worker-pay";
    public const string JobBandsName = "survey-job-value-bands";

    private static readonly Color SuppressedColour = Color.FromHex("#D0D0D0");
    // Sequential blues, pale (cheap) to dark (dear): the bands are ordered.
    private static readonly string[] BandColours = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"];
    private static readonly string[] SeriesColours = ["#4e79a7", "#e15759", "#59a14f"];

    public static DistributionChartFiles Write(SurveyData data, ReportLabels labels, string outDir)
    {
        var pay = ChartStyle.Save(WorkerPay(data, labels), outDir, WorkerPayName, 800, 480);
        var bands = ChartStyle.Save(JobBands(data, labels), outDir, JobBandsName, 800, 420);
        return new DistributionChartFiles(pay[0], bands[0], [.. pay, .. bands]);
    }

    /// <summary>Deciles of annual pay (¥10,000) for all workers and each of female and male, grouped by decile, with the
    /// ¥50,000 and ¥150,000 a month lines; a withheld decile is left out.</summary>
    public static Plot WorkerPay(SurveyData data, ReportLabels labels)
    {
        var d = DistributionLabels.For(labels.Language);
        var s = labels.Survey;
        var plot = ChartStyle.NewPlot(legendFontSize: 13, bottomTickFontSize: 13, leftTickFontSize: 13);
        plot.Title(d.PayChartTitle(data.FiscalYear));
        var distributions = data.Distributions;
        var policy = distributions?.Policy ?? DisclosurePolicy.Survey;
        var series = new (string? Gender, string Label)[] { (null, s.AllRows), ("female", s.GenderLabel("female")), ("male", s.GenderLabel("male")) };
        var bars = new List<Bar>();
        var deciles = 0;
        for (var k = 0; k < series.Length; k++)
        {
            if (distributions?.Get(Distribution.WorkerPay, null, series[k].Gender) is not { } cell) continue;
            deciles = Math.Max(deciles, cell.Quantiles.Count);
            for (var i = 0; i < cell.Quantiles.Count; i++)
            {
                if (SurveyDistributions.PublishedQuantile(cell, cell.Quantiles[i], policy) is not { } value) continue;
                bars.Add(new Bar { Position = i + (k - 1) * 0.27, Value = value / 10_000, FillColor = Color.FromHex(SeriesColours[k]), Size = 0.25 });
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[k].Label, FillColor = Color.FromHex(SeriesColours[k]) });
        }
        if (bars.Count == 0) return NoData(plot, labels, data.FiscalYear);
        plot.Add.Bars(bars);
        foreach (var (monthly, label) in new[] { (SurveyWorkbook.MonthlyPayThresholdsJpy[0], d.MonthlyLine50k), (SurveyWorkbook.MonthlyPayThresholdsJpy[1], d.MonthlyLine150k) })
        {
            var y = monthly * 12 / 10_000.0;
            var line = plot.Add.HorizontalLine(y);
            line.LineStyle.Pattern = LinePattern.Dashed;
            line.LineStyle.Color = Colors.Gray;
            // labelled inside the plot, at its right end: an axis label would cover the tick labels
            var text = plot.Add.Text(label, deciles - 0.6, y);
            text.LabelFontName = ChartStyle.FontName;
            text.LabelFontSize = 12;
            text.LabelFontColor = Colors.DimGray;
            text.LabelAlignment = Alignment.LowerRight;
        }
        plot.ShowLegend(Alignment.UpperLeft);
        ChartStyle.NameColumns(plot, [.. Enumerable.Range(1, deciles).Select(i => $"D{i}")]);
        plot.XLabel(d.DecileAxis);
        plot.YLabel(d.PayAxis);
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>Each form's jobs by value band, as shares (100% stacked bars); withheld bands together in grey.</summary>
    public static Plot JobBands(SurveyData data, ReportLabels labels)
    {
        var d = DistributionLabels.For(labels.Language);
        var plot = ChartStyle.NewPlot(legendFontSize: 12, bottomTickFontSize: 13, leftTickFontSize: 13);
        plot.Title(d.JobBandsChartTitle(data.FiscalYear));
        var cells = ReportLabels.FormOrder.Select(f => (string?)f).Append(null)
            .Select(f => data.Distributions?.Get(Distribution.JobValue, f, null))
            .OfType<DistributionCell>().Where(c => c.Units > 0 && c.TotalSuppression == Suppression.None).ToList();
        if (cells.Count == 0) return NoData(plot, labels, data.FiscalYear);
        var bars = new List<Bar>();
        for (var i = 0; i < cells.Count; i++)
        {
            var stack = 0.0;
            foreach (var band in cells[i].Bands.Where(b => b.Suppression == Suppression.None && b.Units > 0))
            {
                var share = band.Units * 100.0 / cells[i].Units;
                bars.Add(new Bar { Position = i, ValueBase = stack, Value = stack + share, FillColor = Color.FromHex(BandColours[Math.Min(band.Band - 1, BandColours.Length - 1)]), Size = 0.6 });
                stack += share;
            }
            if (stack < 99.95) bars.Add(new Bar { Position = i, ValueBase = stack, Value = 100, FillColor = SuppressedColour, Size = 0.6 });
        }
        plot.Add.Bars(bars);
        foreach (var band in cells[0].Bands)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = d.BandLabel(band), FillColor = Color.FromHex(BandColours[Math.Min(band.Band - 1, BandColours.Length - 1)]) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = labels.Survey.SuppressedLegend, FillColor = SuppressedColour });
        plot.ShowLegend(Edge.Right);
        ChartStyle.NameColumns(plot, [.. cells.Select(c => labels.FormLabel(c.Row))]);
        plot.YLabel(d.ShareAxis);
        plot.Axes.SetLimits(-0.6, cells.Count - 0.4, 0, 100);
        plot.HideGrid();
        return plot;
    }

    private static Plot NoData(Plot plot, ReportLabels labels, int fiscalYear)
    {
        plot.Title(labels.Survey.NoDataChart(fiscalYear));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        return plot;
    }
}
