namespace MarketStats.Linkage;

/// <summary>A candidate pair packed in one long, lower account index first: sorting the keys orders pairs by (A, B),
/// and sets of pairs are sorted arrays, made unique by one pass (cheaper than a hash set at millions of pairs).</summary>
internal static class PairKeys
{
    public static long Of(int a, int b) => a < b ? (long)a << 32 | (uint)b : (long)b << 32 | (uint)a;

    public static (int A, int B) Accounts(long key) => ((int)(key >> 32), (int)(key & 0xFFFFFFFF));

    /// <summary>Sorts the first <paramref name="count"/> keys and drops repeats; returns how many remain.</summary>
    public static int SortUnique(long[] keys, int count)
    {
        Array.Sort(keys, 0, count);
        var unique = 0;
        for (var k = 0; k < count; k++)
            if (unique == 0 || keys[k] != keys[unique - 1]) keys[unique++] = keys[k];
        return unique;
    }

    /// <summary>Every pair in any of the sets, once, sorted.</summary>
    /// <remarks>A few sets each sorted and distinct already (the blocking passes' results) are merged into an array of
    /// the union's size, counted by a first merge: the sets and the union are all that is held. Concatenating them
    /// first and sorting held the sets, the concatenation and a trimmed copy at once, a third more of the linker's
    /// peak at ten million accounts (issue 12), and sorted what was sorted. Many or unsorted sets are concatenated
    /// into one array of their total size and sorted.</remarks>
    public static long[] SortedUnion(IReadOnlyList<long[]> sets)
    {
        if (sets.Count <= MergedSets && sets.All(IsSortedDistinct))
        {
            var union = GC.AllocateUninitializedArray<long>(Merge(sets, null));
            Merge(sets, union);
            return union;
        }
        var all = GC.AllocateUninitializedArray<long>(sets.Sum(s => s.Length));
        var at = 0;
        foreach (var set in sets)
        {
            set.CopyTo(all, at);
            at += set.Length;
        }
        var unique = SortUnique(all, all.Length);
        return unique == all.Length ? all : all[..unique];
    }

    private const int MergedSets = 16; // beyond, picking the least of the sets' heads costs more than sorting

    private static bool IsSortedDistinct(long[] set)
    {
        for (var k = 1; k < set.Length; k++)
            if (set[k] <= set[k - 1]) return false;
        return true;
    }

    /// <summary>Merges sorted, distinct sets into <paramref name="union"/> (when given); returns the union's size.</summary>
    private static int Merge(IReadOnlyList<long[]> sets, long[]? union)
    {
        Span<int> next = stackalloc int[sets.Count];
        var count = 0;
        while (true)
        {
            var (least, found) = (long.MaxValue, false);
            for (var s = 0; s < sets.Count; s++)
                if (next[s] < sets[s].Length && (!found || sets[s][next[s]] < least)) (least, found) = (sets[s][next[s]], true);
            if (!found) return count;
            for (var s = 0; s < sets.Count; s++)
                if (next[s] < sets[s].Length && sets[s][next[s]] == least) next[s]++;
            if (union is not null) union[count] = least;
            count++;
        }
    }
}
