using MarketStats.Core.Storage;

namespace MarketStats.Linkage;

/// <summary>Where a run's errors come from (issue 13), against a ground truth: each true pair the clusters missed is
/// missed by the blocking, scored below the threshold, or cut by the clustering (the chaining guard, the size cap);
/// each false pair is a direct link (above the threshold, or by the one-to-one rule below it) or comes through a
/// chain. The commonest comparison patterns of each kind of error say which fields disagree (and, for a false pair
/// through a chain, how the two accounts compare though they were never linked directly).</summary>
/// <param name="Patterns">Per error kind, its commonest comparison patterns (the levels of each non-missing comparison) and their counts.</param>
public sealed record LinkageAttribution(long TruePairs, long MissedByBlocking, long ScoredBelowThreshold, long CutByClustering,
    long FalsePairs, long FalseDirectLinks, long FalseThroughChains, IReadOnlyDictionary<string, IReadOnlyList<(string Pattern, long Count)>> Patterns)
{
    public const string MissedByBlockingKind = "missed by blocking";
    public const string BelowThresholdKind = "scored below the threshold";
    public const string CutByClusteringKind = "cut by clustering";
    public const string FalseDirectKind = "false direct link";
    public const string FalseThroughChainKind = "false through a chain";

    /// <summary>Attributes the errors of the run whose diagnostics these are; reads <c>int_account_persons</c> for the clusters.</summary>
    public static LinkageAttribution Of(LinkageDiagnostics diagnostics, Warehouse warehouse, string truthCsv, int top = 12)
    {
        var truePerson = diagnostics.TruePersons(warehouse, truthCsv);
        var found = new long[truePerson.Length];
        using (var reader = warehouse.Query("select l.account_index, p.person_id from int_link_accounts as l join int_account_persons as p using (platform_id, account_id, kind)"))
            while (reader.Read()) found[reader.GetInt64(0)] = reader.GetInt64(1);
        var pairs = diagnostics.CandidatePairs;
        var counts = new Dictionary<string, Dictionary<string, long>>();
        void Count(string kind, int x, int y)
        {
            if (!counts.TryGetValue(kind, out var patterns)) counts[kind] = patterns = [];
            var pattern = diagnostics.DescribePattern(x, y);
            patterns[pattern] = patterns.GetValueOrDefault(pattern) + 1;
        }
        long truePairs = 0, missedByBlocking = 0, below = 0, cut = 0;
        foreach (var group in Groups(truePerson))
            for (var i = 0; i < group.Length; i++)
                for (var j = i + 1; j < group.Length; j++)
                {
                    var (x, y) = PairKeys.Accounts(PairKeys.Of(group[i], group[j]));
                    truePairs++;
                    if (found[x] == found[y]) continue;
                    if (Array.BinarySearch(pairs, PairKeys.Of(x, y)) < 0) { missedByBlocking++; Count(MissedByBlockingKind, x, y); }
                    else if (diagnostics.MatchWeight(x, y) < diagnostics.Threshold) { below++; Count(BelowThresholdKind, x, y); }
                    else { cut++; Count(CutByClusteringKind, x, y); }
                }
        long falsePairs = 0, direct = 0;
        foreach (var group in Groups([.. found.Select((f, i) => truePerson[i] < 0 ? -1 : (int)f)]))
            for (var i = 0; i < group.Length; i++)
                for (var j = i + 1; j < group.Length; j++)
                {
                    var (x, y) = PairKeys.Accounts(PairKeys.Of(group[i], group[j]));
                    if (truePerson[x] == truePerson[y]) continue;
                    falsePairs++;
                    if (Array.BinarySearch(pairs, PairKeys.Of(x, y)) >= 0 && diagnostics.MatchWeight(x, y) >= diagnostics.Threshold || diagnostics.LinkedByRule(x, y))
                    { direct++; Count(FalseDirectKind, x, y); }
                    else Count(FalseThroughChainKind, x, y);
                }
        return new LinkageAttribution(truePairs, missedByBlocking, below, cut, falsePairs, direct, falsePairs - direct,
            counts.ToDictionary(k => k.Key, k => (IReadOnlyList<(string, long)>)[.. k.Value.OrderByDescending(p => p.Value).Take(top).Select(p => (p.Key, p.Value))]));
    }

    /// <summary>The accounts grouped by a dense number (negative: left out).</summary>
    private static IEnumerable<int[]> Groups(int[] numberOf)
    {
        var order = Enumerable.Range(0, numberOf.Length).Where(i => numberOf[i] >= 0).ToArray();
        Array.Sort(order.Select(i => numberOf[i]).ToArray(), order);
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && numberOf[order[end]] == numberOf[order[start]]) end++;
            if (end - start > 1) yield return order[start..end];
            start = end;
        }
    }
}
