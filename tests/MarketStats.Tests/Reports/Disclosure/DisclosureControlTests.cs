using FsCheck;
using FsCheck.Fluent;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;

namespace MarketStats.Tests.Reports.Disclosure;

public sealed class DisclosureControlTests
{
    [Theory]
    [InlineData(0, 0, null, null, Suppression.None)]                 // no activity: a true zero reveals no one
    [InlineData(2, 5, 0.3, 0.5, Suppression.FewPersons)]             // two persons: each could read the other's figure
    [InlineData(3, 2, 0.5, 1.0, Suppression.FewPlatforms)]           // two platforms: each could read the other's
    [InlineData(3, 3, 0.86, 0.9, Suppression.DominantPlatform)]      // one platform is nearly the whole cell
    [InlineData(3, 3, 0.5, 0.86, Suppression.DominantPlatform)]      // (2, 85): the runner-up minus its own value reads the leader's
    [InlineData(3, 3, 0.45, 0.85, Suppression.None)]                 // exactly at the threshold is still published
    [InlineData(1, 1, 1.0, 1.0, Suppression.FewPersons)]             // persons are checked first: the reason names the strongest risk
    public void Primary_AppliesThresholdsInOrder(long persons, long platforms, double? topShare, double? topTwoShare, Suppression expected) =>
        Assert.Equal(expected, DisclosureControl.Primary(new DisclosureInput(persons, platforms, topShare, topTwoShare)));

    [Fact]
    public void Policies_come_from_the_policy_file_and_extracts_need_ten_contributors()
    {
        Assert.Equal((3, 3, 2, 0.85), (DisclosurePolicy.Survey.MinPersons, DisclosurePolicy.Survey.MinPlatforms,
            DisclosurePolicy.Survey.DominanceTopPlatforms, DisclosurePolicy.Survey.DominanceMaxShare));
        Assert.Equal(10, DisclosurePolicy.Extract.MinPersons);
        // The same cell: published in the survey, suppressed in an extract.
        var cell = new DisclosureInput(6, 4, 0.4, 0.7);
        Assert.Equal(Suppression.None, DisclosureControl.Primary(cell, DisclosurePolicy.Survey));
        Assert.Equal(Suppression.FewPersons, DisclosureControl.Primary(cell, DisclosurePolicy.Extract));
        // (1, k) looks at the leader alone and would publish what (2, k) protects.
        var runnerUpRisk = new DisclosureInput(50, 5, 0.5, 0.9);
        Assert.Equal(Suppression.None, DisclosureControl.Primary(runnerUpRisk, DisclosurePolicy.Survey with { DominanceTopPlatforms = 1 }));
        Assert.Equal(Suppression.DominantPlatform, DisclosureControl.Primary(runnerUpRisk, DisclosurePolicy.Survey));
    }

    [Fact]
    public void ApplySecondary_LoneSuppressedCell_HidesTheSmallestOtherPublishedCell()
    {
        // total (0) = a (1) + b (2) + c (3); b is primary-suppressed; c is the smallest other non-zero cell
        var suppression = new[] { Suppression.None, Suppression.None, Suppression.FewPersons, Suppression.None };
        GreedyPerLineSuppression.Apply(suppression, [60, 40, 5, 15], [new AdditiveLine(0, [1, 2, 3])]);
        Assert.Equal([Suppression.None, Suppression.None, Suppression.FewPersons, Suppression.Complementary], suppression);
    }

    [Fact]
    public void ApplySecondary_NoOtherNonZeroCell_HidesTheTotal()
    {
        var suppression = new[] { Suppression.None, Suppression.FewPersons, Suppression.None };
        GreedyPerLineSuppression.Apply(suppression, [5, 5, 0], [new AdditiveLine(0, [1, 2])]);
        Assert.Equal(Suppression.Complementary, suppression[0]);
        Assert.Equal(Suppression.None, suppression[2]);
    }

    /// <summary>A random two-way table with margins: rows × columns, each row and column adding up to its margin.</summary>
    private sealed record RandomTable(int Rows, int Columns, double[] Values, bool[] Primary);

    private static readonly Arbitrary<RandomTable> Tables =
        (from rows in Gen.Choose(1, 6)
         from columns in Gen.Choose(1, 6)
         from values in Gen.ArrayOf(Gen.Choose(0, 1000).Select(v => (double)v), (rows + 1) * (columns + 1))
         from primary in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false))), (rows + 1) * (columns + 1))
         select new RandomTable(rows, columns, values, primary)).ToArbitrary();

    /// <summary>Cells of a (rows+1) × (columns+1) grid where the last row and column are the margins.</summary>
    private static List<AdditiveLine> Lines(RandomTable t)
    {
        int At(int r, int c) => r * (t.Columns + 1) + c;
        var lines = new List<AdditiveLine>();
        for (var r = 0; r <= t.Rows; r++)
            lines.Add(new AdditiveLine(At(r, t.Columns), [.. Enumerable.Range(0, t.Columns).Select(c => At(r, c))]));
        for (var c = 0; c <= t.Columns; c++)
            lines.Add(new AdditiveLine(At(t.Rows, c), [.. Enumerable.Range(0, t.Rows).Select(r => At(r, c))]));
        return lines;
    }

    [Fact]
    public void ApplySecondary_NoLineWithAPublishedTotalHasExactlyOneHiddenCell() =>
        Prop.ForAll(Tables, t =>
        {
            var suppression = t.Primary.Select(p => p ? Suppression.FewPersons : Suppression.None).ToArray();
            var lines = Lines(t);
            GreedyPerLineSuppression.Apply(suppression, t.Values, lines);
            return lines.All(l => suppression[l.Total] != Suppression.None || l.Members.Count(m => suppression[m] != Suppression.None) != 1);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void ApplySecondary_KeepsEveryPrimarySuppressionAndOnlyAddsComplementaryOnes() =>
        Prop.ForAll(Tables, t =>
        {
            var before = t.Primary.Select(p => p ? Suppression.DominantPlatform : Suppression.None).ToArray();
            var after = (Suppression[])before.Clone();
            GreedyPerLineSuppression.Apply(after, t.Values, Lines(t));
            return before.Zip(after).All(p => p.First == Suppression.None ? p.Second is Suppression.None or Suppression.Complementary : p.Second == p.First);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void ApplySecondary_NothingPrimary_NothingSuppressed() =>
        Prop.ForAll(Tables, t =>
        {
            var suppression = new Suppression[t.Values.Length];
            GreedyPerLineSuppression.Apply(suppression, t.Values, Lines(t));
            return suppression.All(s => s == Suppression.None);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void SurveyCube_AdditiveLines_RowsColumnsAndGrandTotal()
    {
        // a 2 × 2 table with all margins: 2 row lines, 2 column lines, and the grand total over each margin
        CubeCell Cell(string? r, string? c) => new() { Row = r, Column = c, PaidJpy = 10, Sdc = new DisclosureInput(10, 10, 0.1, 0.2) };
        var cube = SurveyCube.From(2025, [Cell("a", "x"), Cell("a", "y"), Cell("b", "x"), Cell("b", "y"), Cell("a", null), Cell("b", null), Cell(null, "x"), Cell(null, "y"), Cell(null, null)]);
        var index = cube.Cells.Select((c, i) => (c, i)).ToDictionary(p => (p.c.Row, p.c.Column), p => p.i);
        var lines = SurveyCube.AdditiveLines(cube.Cells, index);
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.Equal(2, l.Members.Count));
        Assert.All(cube.Cells, c => Assert.True(c.Published));
    }
}
