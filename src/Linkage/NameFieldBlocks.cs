namespace MarketStats.Linkage;

/// <summary>Contract v2's candidate pass over the name fields for small and medium markets (issue 13): the pairs the
/// record encoding's LSH and the birth-date blocks miss are those whose birth dates differ or are missing and whose
/// names carry a typo, which is most of the held-out-like markets' lost recall. Two blocks bring them:
/// <list type="bullet">
/// <item>accounts of one kind and birth year (a day off, day and month swapped, a mistyped day), skipped when a year
/// holds more than <see cref="LinkageSettings.MaxBirthYearBlock"/> accounts (above about 60,000 accounts);</item>
/// <item>contract v3: accounts of one kind sharing a birth month and day (a mistyped year), skipped above
/// <see cref="LinkageSettings.MaxBirthMonthDayBlock"/> accounts (the same market size);</item>
/// <item>accounts sharing a birth date, every pair, in blocks of at most <see cref="LinkageSettings.SmallBirthDateBlock"/>
/// accounts (the birth-date blocks keep only pairs with a similar name field);</item>
/// <item>accounts without a birth date, against every account of the kind with names, while that takes fewer than
/// <see cref="LinkageSettings.UndatedComparisonBudget"/> comparisons (a missing date cannot be blocked on).</item>
/// </list>
/// In the other two a pair is kept when its names are alike (<see cref="NamesAlike"/>). At survey scale (100,000 accounts and more) the
/// year blocks are above the cap and every account is dated, so the pass adds nothing there: at that size a similar
/// name without a shared birth date is more often a namesake than a duplicate (the name-field LSH's lesson, docs/linkage.md).</summary>
internal static class NameFieldBlocks
{
    public static (long[] Pairs, long Comparisons) Candidates(LinkAccounts a, LinkageSettings settings, CancellationToken ct)
    {
        var named = Enumerable.Range(0, a.Count).Where(a.HasNameFields).ToArray();
        if (named.Length < 2) return ([], 0);
        var blocks = new List<int[]>();
        // Birth-year blocks, per kind, up to the cap.
        foreach (var year in named.Where(i => a.BirthYear[i] != 0).GroupBy(i => (a.BirthYear[i], a.IsWorker[i])))
            if (year.Count() is > 1 and var size && size <= settings.MaxBirthYearBlock) blocks.Add([.. year]);
        // Contract v3: month-and-day blocks, for a mistyped year (the year blocks cannot hold those), capped at the
        // same market size as the year blocks (a month and day is shared by about 65 / 366 as many accounts as a year).
        foreach (var monthDay in named.Where(i => a.BirthMonthDay[i] != 0).GroupBy(i => (a.BirthMonthDay[i], a.IsWorker[i])))
            if (monthDay.Count() is > 1 and var size && size <= settings.MaxBirthMonthDayBlock) blocks.Add([.. monthDay]);
        // Small birth-date blocks, every pair: one name missing on each side, or both mistyped, leaves the birth-date
        // blocks' name test nothing to pass, while a shared date alone already carries most of a link's evidence.
        var everyPair = blocks.Count;
        foreach (var date in Enumerable.Range(0, a.Count).Where(i => a.BirthDate[i] != 0).GroupBy(i => (a.BirthDate[i], a.IsWorker[i])))
            if (date.Count() is > 1 and var size && size <= settings.SmallBirthDateBlock) blocks.Add([.. date]);
        var pairs = new List<long[]>();
        long comparisons = 0;
        var found = new long[blocks.Count][];
        Parallel.For(0, blocks.Count, new ParallelOptions { CancellationToken = ct }, b =>
        {
            var block = blocks[b];
            var kept = new List<long>();
            for (var i = 0; i < block.Length; i++)
                for (var j = i + 1; j < block.Length; j++)
                    if (b >= everyPair || NamesAlike(a, block[i], block[j], settings)) kept.Add(PairKeys.Of(block[i], block[j]));
            found[b] = [.. kept];
            Interlocked.Add(ref comparisons, block.Length * (block.Length - 1L) / 2);
        });
        pairs.AddRange(found);
        // The undated against all, per kind, within the budget.
        foreach (var kind in named.GroupBy(i => a.IsWorker[i]))
        {
            var all = kind.ToArray();
            var undated = all.Where(i => a.BirthYear[i] == 0).ToArray();
            if (undated.Length == 0 || (double)undated.Length * all.Length > settings.UndatedComparisonBudget) continue;
            var perAccount = new long[undated.Length][];
            Parallel.For(0, undated.Length, new ParallelOptions { CancellationToken = ct }, u =>
            {
                var x = undated[u];
                var kept = new List<long>();
                foreach (var y in all)
                    if (y != x && (a.BirthYear[y] != 0 || y > x) && NamesAlike(a, x, y, settings)) kept.Add(PairKeys.Of(x, y));
                perAccount[u] = [.. kept];
            });
            pairs.AddRange(perAccount);
            comparisons += (long)undated.Length * all.Length;
        }
        return (PairKeys.SortedUnion(pairs), comparisons);
    }

    /// <summary>Whether two accounts' names are alike enough to score: family and given name (each the better of kanji
    /// and kana, as scoring compares them) both reach <see cref="LinkageSettings.NameFieldBlockFloor"/>, or, where one
    /// name is missing on a side, the other reaches <see cref="LinkageSettings.SingleNameBlockFloor"/>. (A given and a
    /// family name swapped cannot be recognised: each field is encoded under its own key.)</summary>
    internal static bool NamesAlike(LinkAccounts a, int x, int y, LinkageSettings s)
    {
        var (family, given) = (Best(a, x, y, 0, 2), Best(a, x, y, 1, 3));
        return double.IsNaN(family) ? given >= s.SingleNameBlockFloor
            : double.IsNaN(given) ? family >= s.SingleNameBlockFloor
            : family >= s.NameFieldBlockFloor && given >= s.NameFieldBlockFloor;
    }

    private static double Best(LinkAccounts a, int x, int y, int field, int kana)
    {
        var (first, second) = (a.FieldDice(field, x, y), a.FieldDice(kana, x, y));
        return double.IsNaN(first) || second > first ? second : first;
    }
}
