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
    public static double Threshold(LinkAccounts accounts, long[] hashPairs, LinkageSettings settings)
    {
        if (settings.SamePlatformThreshold is { } fixedThreshold) return fixedThreshold;
        var (lowest, highest) = (settings.Threshold + settings.SamePlatformMinimumBits, settings.Threshold + settings.SamePlatformMaximumBits);
        long sameHash = 0, crossHash = 0;
        foreach (var pair in hashPairs)
        {
            var (x, y) = PairKeys.Accounts(pair);
            if (accounts.Platform[x] == accounts.Platform[y]) sameHash++; else crossHash++;
        }
        var samePairs = accounts.Platform.GroupBy(p => p).Sum(g => g.LongCount() * (g.LongCount() - 1) / 2.0);
        var crossPairs = accounts.Count * (accounts.Count - 1.0) / 2.0 - samePairs;
        // Without cross-platform agreements there is nothing to compare with: keep the cautious end.
        if (crossHash == 0 || samePairs == 0 || crossPairs == 0) return highest;
        // Half a pair when none was seen: no agreement on a platform means "rarer than one in samePairs", not "never".
        var ratio = (Math.Max(sameHash, 0.5) / samePairs) / (crossHash / crossPairs);
        return Math.Clamp(settings.Threshold - Math.Log2(ratio), lowest, highest);
    }
}
