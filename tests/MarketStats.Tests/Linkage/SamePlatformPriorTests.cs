using MarketStats.Linkage;

namespace MarketStats.Tests.Linkage;

/// <summary>The same-platform threshold estimated from keyed-hash agreements (<see cref="SamePlatformPrior"/>),
/// checked against the ratio computed by hand on small account sets.</summary>
public sealed class SamePlatformPriorTests
{
    private static readonly LinkageSettings Settings = new();

    /// <summary>Accounts on platforms given by <paramref name="platformOf"/>.</summary>
    private static LinkAccounts Accounts(params short[] platformOf)
    {
        var a = new LinkAccounts(platformOf.Length);
        platformOf.CopyTo(a.Platform, 0);
        return a;
    }

    [Fact]
    public void No_agreement_within_a_platform_gives_the_upper_bound_when_the_markets_are_large()
    {
        // 2 platforms x 1,000 accounts; 3,000 hash pairs across platforms (of 10⁶), none within (half a pair of 999,000):
        // r = 1.7e-4, 12.5 bits above the threshold, past the bound.
        var a = Accounts([.. Enumerable.Repeat((short)0, 1000), .. Enumerable.Repeat((short)1, 1000)]);
        var pairs = Enumerable.Range(0, 3000).Select(k => PairKeys.Of(k % 1000, 1000 + (k % 1000 + k / 1000) % 1000)).ToArray();
        Assert.Equal(Settings.Threshold + Settings.SamePlatformMaximumBits, SamePlatformPrior.Threshold(a, pairs, Settings), 9);
    }

    [Fact]
    public void Agreements_as_common_within_as_across_platforms_give_the_lower_bound()
    {
        // 2 platforms x 100: same pairs 2 x 4,950 = 9,900, cross pairs 10,000; 99 within and 100 across: ratio 1.01.
        var a = Accounts([.. Enumerable.Repeat((short)0, 100), .. Enumerable.Repeat((short)1, 100)]);
        var within = Enumerable.Range(0, 99).Select(i => PairKeys.Of(i, i + 1));
        var across = Enumerable.Range(0, 100).Select(i => PairKeys.Of(i, 100 + i));
        Assert.Equal(Settings.Threshold + Settings.SamePlatformMinimumBits, SamePlatformPrior.Threshold(a, [.. within, .. across], Settings), 9);
    }

    [Fact]
    public void Between_the_bounds_the_threshold_is_the_prior_ratio_in_bits()
    {
        // 2 platforms x 100: 1 within (of 9,900 pairs) and 100 across (of 10,000): r = (1/9900)/(100/10000), 6.6 bits.
        var a = Accounts([.. Enumerable.Repeat((short)0, 100), .. Enumerable.Repeat((short)1, 100)]);
        var within = new[] { PairKeys.Of(0, 1) };
        var across = Enumerable.Range(0, 100).Select(i => PairKeys.Of(i, 100 + i));
        var expected = Settings.Threshold - Math.Log2(1.0 / 9900 / (100.0 / 10000));
        Assert.Equal(expected, SamePlatformPrior.Threshold(a, [.. within, .. across], Settings), 9);
    }

    [Fact]
    public void A_same_platform_pairs_own_evidence_is_bounded_below_by_the_ordinary_threshold_only()
    {
        // As above with 99 within and 100 across: r = (99/9900)/(100/10000) = 1, so the estimate is the ordinary threshold;
        // a link needs the +4-bit lower bound, a same-platform pair it brings together only the estimate.
        var a = Accounts([.. Enumerable.Repeat((short)0, 100), .. Enumerable.Repeat((short)1, 100)]);
        var within = Enumerable.Range(0, 99).Select(i => PairKeys.Of(i, i + 1));
        var across = Enumerable.Range(0, 100).Select(i => PairKeys.Of(i, 100 + i));
        var (link, pair) = SamePlatformPrior.Estimate(a, [.. within, .. across], Settings);
        Assert.Equal(Settings.Threshold + Settings.SamePlatformMinimumBits, link, 9);
        Assert.Equal(Settings.Threshold - Math.Log2(99.0 / 9900 / (100.0 / 10000)), pair, 9);
        // Between the bounds (1 within, r 0.0101) both are the estimate; past the upper bound both are the bound.
        var (betweenLink, betweenPair) = SamePlatformPrior.Estimate(a, [PairKeys.Of(0, 1), .. across], Settings);
        Assert.Equal(betweenLink, betweenPair, 9);
        Assert.Equal(Settings.Threshold - Math.Log2(1.0 / 9900 / (100.0 / 10000)), betweenPair, 9);
    }

    [Fact]
    public void A_fixed_setting_wins_over_the_estimate()
    {
        var a = Accounts(0, 0, 1);
        Assert.Equal(7.5, SamePlatformPrior.Threshold(a, [PairKeys.Of(0, 2)], new LinkageSettings { SamePlatformThreshold = 7.5 }));
    }
}
