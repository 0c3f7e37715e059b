using System.Globalization;
using ScottPlot;

namespace MarketStats.Reports.Survey;

/// <summary>The PNG of each chart of the market sections (for the workbook); null when the section has nothing to draw.</summary>
public sealed record SurveyMarketChartFiles(string? Persons, string? Estimate, string? LikeForLike);

/// <summary>Charts of accounts vs persons, the whole market (estimate) and like-for-like growth. Withheld figures are never drawn.</summary>
public static class SurveyMarketCharts
{
    public const string PersonsName = "survey-accounts-persons";
    public const string EstimateName = "survey-whole-market";
    public const string LikeForLikeName = "survey-like-for-like";

    private static readonly Color[] SeriesColours = [Color.FromHex("#9ecae1"), Color.FromHex("#4292c6"), Color.FromHex("#08519c")];
    private static readonly Color FactColour = Color.FromHex("#08519c");
    private static readonly Color EstimateColour = Color.FromHex("#fdae6b");

    /// <summary>Writes each chart as PNG and SVG into <paramref name="outDir"/>, adding every file to <paramref name="written"/>.</summary>
    public static SurveyMarketChartFiles Write(SurveyData data, ReportLabels labels, string outDir, List<string> written)
    {
        if (data.Market is not { } market) return new SurveyMarketChartFiles(null, null, null);
        string Save(Plot plot, string name, int width, int height)
        {
            var files = ChartStyle.Save(plot, outDir, name, width, height);
            written.AddRange(files);
            return files[0];
        }
        return new SurveyMarketChartFiles(
            Save(Persons(market, data.FiscalYear, labels), PersonsName, 760, 480),
            market.Estimate is { } estimate ? Save(Estimate(estimate, labels), EstimateName, 640, 480) : null,
            market.LikeForLike.Count > 0 ? Save(LikeForLike(market, data.FiscalYear, labels), LikeForLikeName, 760, 460) : null);
    }

    private static Plot NewPlot() => ChartStyle.NewPlot(legendFontSize: 13, bottomTickFontSize: 13, leftTickFontSize: 12);

    /// <summary>Accounts, registered persons and active persons side by side, workers then clients (all bands, the survey year).</summary>
    public static Plot Persons(SurveyMarket market, int fiscalYear, ReportLabels labels)
    {
        var m = labels.Survey.Market;
        var plot = NewPlot();
        plot.Title(m.PersonsChartTitle(fiscalYear));
        var bars = new List<Bar>();
        for (var k = 0; k < SurveyMarket.Kinds.Count; k++)
        {
            if (market.Registered.FirstOrDefault(r => r.FiscalYear == fiscalYear && r.Kind == SurveyMarket.Kinds[k] && r.Band is null) is not { } row) continue;
            PersonsMeasure[] measures = [row.Accounts, row.RegisteredPersons, row.ActivePersons];
            for (var s = 0; s < measures.Length; s++)
            {
                var x = k * 4 + s;
                if (!measures[s].Published)
                {
                    Label(plot, labels.Survey.SuppressedMark, x, 0, Alignment.LowerCenter);
                    continue;
                }
                bars.Add(new Bar { Position = x, Value = measures[s].Value, FillColor = SeriesColours[s], Size = 0.9 });
                Label(plot, measures[s].Value.ToString("#,##0", CultureInfo.InvariantCulture), x, measures[s].Value, Alignment.LowerCenter);
            }
        }
        plot.Add.Bars(bars);
        for (var s = 0; s < m.PersonsSeries.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = m.PersonsSeries[s], FillColor = SeriesColours[s] });
        plot.ShowLegend(Alignment.UpperRight);
        ChartStyle.NameColumns(plot, [.. SurveyMarket.Kinds.Select(m.KindLabel)], [1.0, 5.0]);
        plot.YLabel(m.PersonsAxis);
        var top = bars.Select(b => b.Value).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimits(-0.8, 7.8, 0, top * 1.3);
        plot.HideGrid();
        return plot;
    }

    /// <summary>The members' fact, and the whole market as the fact plus the non-members' estimate, with the estimate's range.</summary>
    public static Plot Estimate(MarketEstimate estimate, ReportLabels labels)
    {
        var m = labels.Survey.Market;
        var plot = NewPlot();
        plot.Title(m.EstimateChartTitle(estimate.FiscalYear));
        double Million(double yen) => yen / 1e6;
        var members = Million(estimate.MembersPaidJpy);
        plot.Add.Bars(new List<Bar>
        {
            new() { Position = 0, Value = members, FillColor = FactColour, Size = 0.6 },
            new() { Position = 1, Value = members, FillColor = FactColour, Size = 0.6 },
            new() { Position = 1, ValueBase = members, Value = Million(estimate.EstimateJpy), FillColor = EstimateColour, Size = 0.6 },
        });
        var (low, high) = (Million(estimate.LowJpy), Million(estimate.HighJpy));
        foreach (var (x1, y1, x2, y2) in new[] { (1.0, low, 1.0, high), (0.92, low, 1.08, low), (0.92, high, 1.08, high) })
        {
            var line = plot.Add.Line(x1, y1, x2, y2);
            line.LineWidth = 2;
            line.LineColor = Colors.Black;
        }
        Label(plot, members.ToString("#,##0.0", CultureInfo.InvariantCulture), 0, members, Alignment.LowerCenter);
        Label(plot, $"{Million(estimate.EstimateJpy).ToString("#,##0.0", CultureInfo.InvariantCulture)} ({low.ToString("#,##0", CultureInfo.InvariantCulture)}–{high.ToString("#,##0", CultureInfo.InvariantCulture)})",
            1.35, Million(estimate.EstimateJpy), Alignment.MiddleLeft);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = m.EstimateSeries[0], FillColor = FactColour });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = m.EstimateSeries[1], FillColor = EstimateColour });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = m.EstimateSeries[2], LineColor = Colors.Black, LineWidth = 2 });
        plot.ShowLegend(Alignment.UpperLeft);
        ChartStyle.NameColumns(plot, [m.EstimateRows[0].Term, m.EstimateRows[1].Term], [0.0, 1.0]);
        plot.YLabel(m.EstimateAxis);
        plot.Axes.SetLimits(-0.6, 2.4, 0, high * 1.35);
        plot.HideGrid();
        return plot;
    }

    /// <summary>Each year's headline growth beside its like-for-like growth; a withheld like-for-like figure shows the suppression mark.</summary>
    public static Plot LikeForLike(SurveyMarket market, int fiscalYear, ReportLabels labels)
    {
        var m = labels.Survey.Market;
        var plot = NewPlot();
        plot.Title(m.LikeForLikeChartTitle(fiscalYear));
        var bars = new List<Bar>();
        var years = market.LikeForLike;
        for (var i = 0; i < years.Count; i++)
        {
            var y = years[i];
            double?[] growth = [y.HeadlinePublished ? y.HeadlineGrowth : null, y.Published ? y.Growth() : null];
            for (var s = 0; s < 2; s++)
            {
                var x = i * 3 + s;
                if (growth[s] is not { } g)
                {
                    Label(plot, labels.Survey.SuppressedMark, x, 0, Alignment.LowerCenter);
                    continue;
                }
                bars.Add(new Bar { Position = x, Value = g * 100, FillColor = SeriesColours[s + 1], Size = 0.9 });
                Label(plot, (g * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%", x, g * 100, g >= 0 ? Alignment.LowerCenter : Alignment.UpperCenter);
            }
        }
        plot.Add.Bars(bars);
        for (var s = 0; s < m.LikeForLikeSeries.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = m.LikeForLikeSeries[s], FillColor = SeriesColours[s + 1] });
        plot.ShowLegend(Alignment.UpperRight);
        ChartStyle.NameColumns(plot, [.. years.Select(y => labels.FiscalYear(y.FiscalYear))], [.. years.Select((_, i) => i * 3 + 0.5)]);
        plot.YLabel(m.GrowthAxis);
        var values = bars.Select(b => b.Value).Append(0).ToList();
        var span = Math.Max(1, values.Max() - values.Min());
        plot.Axes.SetLimits(-0.8, years.Count * 3 - 0.2, Math.Min(0, values.Min()) - span * 0.15, values.Max() + span * 0.4);
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        plot.HideGrid();
        return plot;
    }

    private static void Label(Plot plot, string text, double x, double y, Alignment alignment)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontName = ChartStyle.FontName;
        label.LabelFontSize = 12;
        label.LabelAlignment = alignment;
    }
}
