namespace MarketStats.Linkage;

/// <summary>The match weight a link between two accounts of one platform needs, estimated from the run's own keyed
/// hashes. The model's prior λ is learned over all candidate pairs, nearly all of them across platforms; two accounts
/// of one platform are far less often one person on a market where people register once per platform (the survey
/// markets) and about as often where they register twice (the held-out-like market). The ratio r of the two priors is
/// read off the pairs that share a keyed hash: their share among same-platform pairs against their share among
/// cross-platform pairs. A same-platform link then needs weight + log2 r ≥ threshold, kept within fixed bounds: never
/// less than a posterior of 0.8 (against chaining), never more than the old fixed +10 bits.</summary>
internal static class SamePlatformPrior
{
    /// <param name="hashPairs">Candidate pairs sharing a keyed hash (star edges per hash group: an estimate, not a census).</param>
    public static double Threshold(LinkAccounts accounts, long[] hashPairs, LinkageSettings settings) =>
        Estimate(accounts, hashPairs, settings).Link;

    /// <summary>The threshold a link needs to join two accounts of one platform (<see cref="Threshold"/>), and the weight
    /// each pair of same-platform accounts it brings together needs on its own when the link is weaker (the ratio alone,
    /// bounded below by the ordinary threshold only: that pair's own evidence is no chain).</summary>
    public static (double Link, double Pair) Estimate(LinkAccounts accounts, long[] hashPairs, LinkageSettings settings)
    {
        var highest = settings.Threshold + settings.SamePlatformMaximumBits;
        if (settings.SamePlatformThreshold is { } fixedThreshold) return (fixedThreshold, fixedThreshold);
        var raw = Unbounded(accounts, hashPairs, settings);
        return (Math.Clamp(raw, settings.Threshold + settings.SamePlatformMinimumBits, highest), Math.Clamp(raw, settings.Threshold, highest));
    }

    /// <summary>threshold − log2 r; infinite when there is nothing to compare with (the bounds then give the upper one).</summary>
    private static double Unbounded(LinkAccounts accounts, long[] hashPairs, LinkageSettings settings)
    {
        long sameHash = 0, crossHash = 0;
        foreach (var pair in hashPairs)
        {
            var (x, y) = PairKeys.Accounts(pair);
            if (accounts.Platform[x] == accounts.Platform[y]) sameHash++; else crossHash++;
        }
        var samePairs = accounts.Platform.GroupBy(p => p).Sum(g => g.LongCount() * (g.LongCount() - 1) / 2.0);
        var crossPairs = accounts.Count * (accounts.Count - 1.0) / 2.0 - samePairs;
        // Without cross-platform agreements there is nothing to compare with: keep the cautious end.
        if (crossHash == 0 || samePairs == 0 || crossPairs == 0) return double.PositiveInfinity;
        // Half a pair when none was seen: no agreement on a platform means "rarer than one in samePairs", not "never".
        var ratio = (Math.Max(sameHash, 0.5) / samePairs) / (crossHash / crossPairs);
        return settings.Threshold - Math.Log2(ratio);
    }
}
