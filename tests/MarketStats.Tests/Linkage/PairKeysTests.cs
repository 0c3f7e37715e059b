using MarketStats.Linkage;

namespace MarketStats.Tests.Linkage;

/// <summary>The union of candidate-pair sets: merged when the sets are few and sorted, sorted whole otherwise; either way
/// every pair once, in order.</summary>
public sealed class PairKeysTests
{
    private static long[] RandomSet(Random random, int count, bool sorted)
    {
        var set = Enumerable.Range(0, count).Select(_ => PairKeys.Of(random.Next(0, 500), random.Next(500, 1000))).Distinct().ToArray();
        if (sorted) Array.Sort(set);
        return set;
    }

    [Theory]
    [InlineData(5, true)] // the blocking passes' results: merged
    [InlineData(5, false)] // a set out of order: sorted whole
    [InlineData(40, true)] // more sets than are merged: sorted whole
    public void Union_holds_every_pair_once_in_order(int setCount, bool sorted)
    {
        var random = new Random(setCount);
        long[][] sets = [[], .. Enumerable.Range(0, setCount).Select(s => RandomSet(random, s % 3 == 0 ? 1 : 3000, sorted || s != 2))];
        var expected = new SortedSet<long>(sets.SelectMany(s => s)).ToArray();

        var union = PairKeys.SortedUnion(sets);

        Assert.True(expected.Length < sets.Sum(s => s.Length), "the sets should share pairs");
        Assert.Equal(expected, union);
    }

    [Fact]
    public void Union_of_no_pairs_is_empty() => Assert.Empty(PairKeys.SortedUnion([[], []]));
}
