using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;

namespace MarketStats.Tests.Reports.Survey;

/// <summary>The rule that publishes a distribution's quantiles: never a tiny group's, never one unit's value.</summary>
public sealed class SurveyDistributionsTests
{
    private static readonly DisclosurePolicy Policy = DisclosurePolicy.Survey;

    private static DistributionCell Cell(long persons, long platforms, double topTwoShare, params Quantile[] quantiles) => new()
    {
        Distribution = Distribution.WorkerPay, Row = null, Column = null, Units = persons, ValueJpy = 0,
        Sdc = new DisclosureInput(persons, platforms, topTwoShare / 2, topTwoShare), Quantiles = quantiles, Bands = [],
    };

    [Fact]
    public void PublishedQuantile_TinyGroup_IsWithheldWhateverItsWindow()
    {
        // Two persons: any "quantile" is one of their own values (or the mean of both, which either can undo).
        var median = new Quantile(0.5, 123_456, WindowPersons: 5, WindowOverlaps: false);
        Assert.Null(SurveyDistributions.PublishedQuantile(Cell(2, 5, 0.5, median), median, Policy));
        // ... and a distribution of one or two platforms, or dominated by two, describes those platforms.
        Assert.Null(SurveyDistributions.PublishedQuantile(Cell(100, 2, 0.5, median), median, Policy));
        Assert.Null(SurveyDistributions.PublishedQuantile(Cell(100, 5, 0.9, median), median, Policy));
    }

    [Fact]
    public void PublishedQuantile_WindowShortOfPersonsOrOverlappingItsNeighbour_IsWithheld()
    {
        var thin = new Quantile(0.5, 123_456, WindowPersons: Policy.QuantileWindowPersons - 1, WindowOverlaps: false);
        Assert.Null(SurveyDistributions.PublishedQuantile(Cell(100, 5, 0.5, thin), thin, Policy));
        var overlapping = new Quantile(0.5, 123_456, WindowPersons: Policy.QuantileWindowPersons, WindowOverlaps: true);
        Assert.Null(SurveyDistributions.PublishedQuantile(Cell(100, 5, 0.5, overlapping), overlapping, Policy));
        var missing = new Quantile(0.5, null, WindowPersons: 0, WindowOverlaps: false);
        Assert.Null(SurveyDistributions.PublishedQuantile(Cell(100, 5, 0.5, missing), missing, Policy));
    }

    [Theory]
    [InlineData(51_040.0, 51_000.0)]    // the window mean, not a job's price
    [InlineData(123.4, 123.0)]
    [InlineData(1_234_567.8, 1_230_000.0)]
    [InlineData(99_950.0, 100_000.0)]   // rounding carries into a new digit
    public void PublishedQuantile_PassingCell_IsTheWindowMeanToThePolicysSignificantDigits(double mean, double published)
    {
        var median = new Quantile(0.5, mean, WindowPersons: Policy.QuantileWindowPersons, WindowOverlaps: false);
        Assert.Equal(published, SurveyDistributions.PublishedQuantile(Cell(100, 5, 0.5, median), median, Policy)!.Value, 6);
    }

    [Fact]
    public void PublishedTopShare_TopGroupOfFewPersonsOrOnePlatform_IsWithheld()
    {
        var cell = Cell(100, 5, 0.5);
        DistributionCell With(DisclosureInput top) => new()
        {
            Distribution = cell.Distribution, Row = null, Column = null, Units = 100, ValueJpy = 0, Sdc = cell.Sdc,
            Quantiles = [], Bands = [], Top = (0.4, top),
        };
        Assert.Equal(0.4, SurveyDistributions.PublishedTopShare(With(new DisclosureInput(10, 5, 0.3, 0.5)), Policy));
        Assert.Null(SurveyDistributions.PublishedTopShare(With(new DisclosureInput(2, 5, 0.3, 0.5)), Policy));
        Assert.Null(SurveyDistributions.PublishedTopShare(With(new DisclosureInput(10, 1, 1.0, 1.0)), Policy));
        // one person holding most of the top group's pay (the mart folds persons into the dominance share)
        Assert.Null(SurveyDistributions.PublishedTopShare(With(new DisclosureInput(10, 5, 0.9, 0.95)), Policy));
    }

    [Fact]
    public void SurveyPolicy_QuantileWindow_HoldsAtLeastACellsPersons()
    {
        Assert.True(Policy.QuantileWindowPersons >= Policy.MinPersons);
        Assert.InRange(Policy.QuantileSignificantDigits, 1, 6);
    }
}
