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
    public static long[] SortedUnion(IEnumerable<long[]> sets)
    {
        var all = sets.SelectMany(s => s).ToArray();
        return all[..SortUnique(all, all.Length)];
    }
}
