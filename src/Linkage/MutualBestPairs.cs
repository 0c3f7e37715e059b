namespace MarketStats.Linkage;

/// <summary>The one-to-one rule below the threshold (issue 13, session 24): once the links above the threshold are
/// clustered, a pair of two platforms A and B whose accounts have no link on each other's platform is lifted by
/// log2(accounts ÷ accounts still without a link to the other platform), the smaller of the two sides and at most
/// <see cref="LinkageSettings.MutualBestMaximumBits"/>, and links when that lifts it to the threshold and each account
/// is the other's single best candidate there.</summary>
/// <remarks>Why: λ weighs a pair against every stranger of the kind, as if an account could match any number of
/// accounts of a platform. A person has at most one account per platform, so once most of A's and B's duplicates are
/// linked, the duplicates still missing sit among the few accounts left unlinked on both sides, and a pair there is
/// that much more likely one person than a random pair. The counts are taken on each run, so nothing is tuned to a
/// market. Where few accounts are linked across A and B (survey scale: thirty platforms, a fifth of the persons on two
/// or more) the lift is a fraction of a bit; between two files of one record per person (the held-out pairs), nine in
/// ten are linked and it is about 3 bits. (Estimating the pool's prior from the model's own posterior was tried: its
/// expected matches equal the links already made, so it cannot see missing duplicates.) Namesakes rarely pass the
/// mutual-best test: an equally good candidate (a namesake's identical pattern) is not a single best, and a namesake
/// whose own duplicate is on the platform prefers it. Figures in docs/linkage.md ("Mutual best pairs").</remarks>
internal static class MutualBestPairs
{
    /// <param name="clusterOf">The account's cluster (its root) after the links above the threshold.</param>
    /// <param name="clusters">The members of the clusters of more than one account, by root.</param>
    /// <param name="platformsOf">The platforms a cluster (a root) of more than one account holds.</param>
    /// <returns>The indexes in <paramref name="pairs"/> of the pairs to link, strongest pool weight first (ties by pair key).</returns>
    public static int[] Find(LinkAccounts a, long[] pairs, float[] weights, double threshold, double maximumBits,
        Func<int, int> clusterOf, IReadOnlyDictionary<int, List<int>> clusters, Func<int, HashSet<short>?> platformsOf)
    {
        if (maximumBits <= 0 || pairs.Length == 0) return [];
        var platforms = a.Platform.Max() + 1;
        int Cell(bool worker, int p, int q) => ((worker ? 1 : 0) * platforms + p) * platforms + q;
        // Accounts of each kind and platform, and those whose cluster already holds an account of each other platform.
        var accounts = new long[2 * platforms];
        for (var i = 0; i < a.Count; i++) accounts[(a.IsWorker[i] ? platforms : 0) + a.Platform[i]]++;
        var linked = new long[2 * platforms * platforms];
        foreach (var (root, members) in clusters)
        {
            if (members.Count < 2 || platformsOf(root) is not { Count: > 1 } held) continue;
            foreach (var i in members)
                foreach (var q in held)
                    if (q != a.Platform[i]) linked[Cell(a.IsWorker[i], a.Platform[i], q)]++;
        }
        bool Holds(int root, short platform) => platformsOf(root)?.Contains(platform) == true;
        bool InPool(int x, int y) => clusterOf(x) is var rx && clusterOf(y) is var ry && rx != ry
            && !Holds(rx, a.Platform[y]) && !Holds(ry, a.Platform[x]);
        var pool = new List<int>();
        for (var k = 0; k < pairs.Length; k++)
        {
            if (weights[k] >= threshold || weights[k] < threshold - maximumBits) continue;
            var (x, y) = PairKeys.Accounts(pairs[k]);
            if (a.Platform[x] != a.Platform[y] && InPool(x, y)) pool.Add(k);
        }
        // The lift of a pool over λ: x's duplicate on y's platform, if x has one, is among that platform's accounts without
        // a link to x's platform, not among all of them; the same from y's side; the smaller of the two is taken.
        double Lift(bool worker, int p, int q)
        {
            double Shrink(int from, int to) =>
                (double)accounts[(worker ? platforms : 0) + to] / Math.Max(1, accounts[(worker ? platforms : 0) + to] - linked[Cell(worker, to, from)]);
            return Math.Min(maximumBits, Math.Log2(Math.Min(Shrink(p, q), Shrink(q, p))));
        }
        double PoolWeight(int k)
        {
            var (x, y) = PairKeys.Accounts(pairs[k]);
            return weights[k] + Lift(a.IsWorker[x], a.Platform[x], a.Platform[y]);
        }
        pool.RemoveAll(k => PoolWeight(k) < threshold);
        if (pool.Count == 0) return [];
        // For the mutual-best test, each pool account's best and second-best weight on the other platform.
        var best = new Dictionary<long, (float Best, float Second)>();
        void Offer(long key, float weight) =>
            best[key] = best.TryGetValue(key, out var b) ? weight > b.Best ? (weight, b.Best) : (b.Best, Math.Max(b.Second, weight)) : (weight, float.NegativeInfinity);
        var inPool = new bool[a.Count];
        foreach (var k in pool)
        {
            var (x, y) = PairKeys.Accounts(pairs[k]);
            (inPool[x], inPool[y]) = (true, true);
            best.TryAdd(Key(x, a.Platform[y]), (float.NegativeInfinity, float.NegativeInfinity));
            best.TryAdd(Key(y, a.Platform[x]), (float.NegativeInfinity, float.NegativeInfinity));
        }
        // Every candidate on the other platform competes, linked or not: an account whose best is taken is left alone.
        for (var k = 0; k < pairs.Length; k++)
        {
            var (x, y) = PairKeys.Accounts(pairs[k]);
            if (!inPool[x] && !inPool[y] || a.Platform[x] == a.Platform[y]) continue;
            if (best.ContainsKey(Key(x, a.Platform[y]))) Offer(Key(x, a.Platform[y]), weights[k]);
            if (best.ContainsKey(Key(y, a.Platform[x]))) Offer(Key(y, a.Platform[x]), weights[k]);
        }
        bool SingleBest(int account, short platform, float weight) =>
            best[Key(account, platform)] is var b && b.Best == weight && b.Second < weight;
        var found = new List<(int Pair, double Weight)>();
        foreach (var k in pool)
        {
            var (x, y) = PairKeys.Accounts(pairs[k]);
            if (SingleBest(x, a.Platform[y], weights[k]) && SingleBest(y, a.Platform[x], weights[k])) found.Add((k, PoolWeight(k)));
        }
        found.Sort((u, v) => v.Weight != u.Weight ? v.Weight.CompareTo(u.Weight) : pairs[u.Pair].CompareTo(pairs[v.Pair]));
        return [.. found.Select(f => f.Pair)];
    }

    private static long Key(int account, short platform) => (long)account << 16 | (ushort)platform;
}
