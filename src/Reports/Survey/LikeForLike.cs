using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>One member platform's paid value and paid lines in one fiscal year (internal input, never shown).</summary>
public sealed record PlatformYear(int FiscalYear, string PlatformId, long PaidJpy, long LinesPaid);

/// <summary>Which set of platforms a withheld like-for-like figure would have revealed.</summary>
public enum PlatformGroup
{
    /// <summary>Platforms paid in the year but not in the one before (that stay the year after, where that year is shown).</summary>
    Joined,
    /// <summary>Platforms paid in the year but not in the one after (that were there the year before, where that year is shown).</summary>
    Left,
    /// <summary>Platforms paid in that year only, between two years shown.</summary>
    JoinedAndLeft,
}

/// <summary>Why a like-for-like figure is withheld: a set of platforms it would reveal fails the survey's rule.</summary>
public sealed record WithheldGroup(PlatformGroup Group, int FiscalYear, Suppression Reason);

/// <summary>
/// Growth from the previous fiscal year over the platforms paid in both years, beside the headline growth, so platforms
/// joining or leaving do not pass for market growth.
/// </summary>
/// <param name="HeadlinePublished">Both years' totals are published (a growth rate over a suppressed year would give it away).</param>
/// <param name="Withheld">Empty when the like-for-like figures are published; otherwise every failing set and why.</param>
public sealed record LikeForLikeYear(int FiscalYear, long PaidJpy, long PreviousPaidJpy, long LinesPaid, long PreviousLinesPaid,
    long ContinuingPaidJpy, long ContinuingPreviousPaidJpy, long ContinuingLinesPaid, long ContinuingPreviousLinesPaid,
    int ContinuingPlatforms, int JoinedPlatforms, int LeftPlatforms, bool HeadlinePublished, IReadOnlyList<WithheldGroup> Withheld)
{
    public bool Published => HeadlinePublished && Withheld.Count == 0;
    public double? HeadlineGrowth => Growth(PaidJpy, PreviousPaidJpy);
    public double? HeadlineLinesGrowth => Growth(LinesPaid, PreviousLinesPaid);
    public double? Growth() => Growth(ContinuingPaidJpy, ContinuingPreviousPaidJpy);
    public double? LinesGrowth() => Growth(ContinuingLinesPaid, ContinuingPreviousLinesPaid);
    /// <summary>What the joining platforms were paid this year: the headline less the continuing platforms.</summary>
    public long JoinedPaidJpy => PaidJpy - ContinuingPaidJpy;
    /// <summary>What the leaving platforms were paid the year before.</summary>
    public long LeftPreviousPaidJpy => PreviousPaidJpy - ContinuingPreviousPaidJpy;

    private static double? Growth(long now, long before) => before > 0 ? (now - before) / (double)before : null;

    /// <summary>
    /// Every year up to <paramref name="surveyYear"/> whose previous year has paid data, with its disclosure decision.
    /// </summary>
    /// <remarks>
    /// Published with the headline totals, a like-for-like figure gives the joiners' and leavers' totals away (with no
    /// leaver, joiners = T2 − T1·(1 + r)). So the like-for-like figures of a year are withheld unless every set of
    /// platforms they reveal passes the survey's platform threshold and dominance rule (<see cref="PlatformGroupRule"/>).
    /// The sets are taken finely enough that two shown years together reveal nothing smaller: a year's joiners are
    /// split by whether they stay the next shown year, and a year's leavers by whether they had joined that year (one
    /// year's joiners and the next pair's leavers are both subsets of that year's platforms; their difference is a set
    /// of its own).
    /// </remarks>
    public static IReadOnlyList<LikeForLikeYear> Compute(IReadOnlyList<PlatformYear> rows, int surveyYear, Func<int, bool> yearPublished, DisclosurePolicy policy)
    {
        var byYear = rows.Where(r => r.PaidJpy > 0 && r.FiscalYear <= surveyYear).GroupBy(r => r.FiscalYear)
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => r.PlatformId, StringComparer.Ordinal));
        HashSet<string> Present(int year) => byYear.TryGetValue(year, out var p) ? [.. p.Keys] : [];
        var result = new List<LikeForLikeYear>();
        foreach (var year in byYear.Keys.Order().Where(y => byYear.ContainsKey(y - 1)))
        {
            var (now, before) = (byYear[year], byYear[year - 1]);
            var continuing = now.Keys.Where(before.ContainsKey).ToList();
            var joined = now.Keys.Where(p => !before.ContainsKey(p)).ToHashSet(StringComparer.Ordinal);
            var left = before.Keys.Where(p => !now.ContainsKey(p)).ToHashSet(StringComparer.Ordinal);

            var withheld = new List<WithheldGroup>();
            void Check(PlatformGroup group, int inYear, IEnumerable<string> platforms)
            {
                var values = platforms.Select(p => byYear[inYear][p].PaidJpy).ToList();
                if (PlatformGroupRule.Check(values, policy) is var reason and not Suppression.None) withheld.Add(new(group, inYear, reason));
            }
            // This year's joiners, split by whether they are still there next year when next year is shown too.
            if (byYear.ContainsKey(year + 1))
            {
                var next = Present(year + 1);
                Check(PlatformGroup.Joined, year, joined.Where(next.Contains));
                Check(PlatformGroup.JoinedAndLeft, year, joined.Where(p => !next.Contains(p)));
            }
            else Check(PlatformGroup.Joined, year, joined);
            // Last year's leavers, split by whether they had joined last year when the year before it is shown too.
            if (byYear.ContainsKey(year - 2))
            {
                var earlier = Present(year - 2);
                Check(PlatformGroup.Left, year - 1, left.Where(earlier.Contains));
                Check(PlatformGroup.JoinedAndLeft, year - 1, left.Where(p => !earlier.Contains(p)));
            }
            else Check(PlatformGroup.Left, year - 1, left);

            result.Add(new LikeForLikeYear(year,
                now.Values.Sum(r => r.PaidJpy), before.Values.Sum(r => r.PaidJpy), now.Values.Sum(r => r.LinesPaid), before.Values.Sum(r => r.LinesPaid),
                continuing.Sum(p => now[p].PaidJpy), continuing.Sum(p => before[p].PaidJpy),
                continuing.Sum(p => now[p].LinesPaid), continuing.Sum(p => before[p].LinesPaid),
                continuing.Count, joined.Count, left.Count, yearPublished(year) && yearPublished(year - 1),
                [.. withheld.Distinct()]));
        }
        return result;
    }
}
