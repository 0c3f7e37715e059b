using System.Globalization;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>A size class of platforms by annual paid value, [<see cref="MinPaidJpy"/>, <see cref="MaxPaidJpy"/>).</summary>
public sealed record SizeClass(string Code, string NameJa, string NameEn, long MinPaidJpy, long MaxPaidJpy);

/// <summary>A platform that is not a member (sends no export), with the size class staff assigned it and where from.</summary>
public sealed record NonMemberPlatform(string Code, string Name, string SizeClass, string Source, int SourceYear);

/// <summary>
/// The staff-maintained reference lists the survey grosses up with (<c>data/platform-size-classes.csv</c>,
/// <c>data/non-member-platforms.csv</c>, embedded at build; documented in data/README.md).
/// </summary>
public sealed record NonMemberList(IReadOnlyList<SizeClass> Classes, IReadOnlyList<NonMemberPlatform> Platforms)
{
    private static readonly Lazy<NonMemberList> EmbeddedList = new(() =>
    {
        using var classes = Open("platform-size-classes.csv");
        using var platforms = Open("non-member-platforms.csv");
        return Parse(classes, platforms);
    });

    /// <summary>The lists shipped in <c>data/</c>.</summary>
    public static NonMemberList Embedded => EmbeddedList.Value;

    public const string ClassesHeader = "size_class,name_ja,name_en,min_paid_jpy,max_paid_jpy";
    public const string PlatformsHeader = "code,name,size_class,source,source_year";

    /// <summary>Reads both files; a list the estimate could not use (unknown class, gaps between bounds) is refused whole.</summary>
    public static NonMemberList Parse(TextReader classesCsv, TextReader platformsCsv)
    {
        var classes = Rows(classesCsv, ClassesHeader, "platform-size-classes.csv")
            .Select(f => new SizeClass(f[0], f[1], f[2], long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture)))
            .ToList();
        // Contiguous ascending bounds from 0: every member's paid value falls in exactly one class.
        for (var i = 0; i < classes.Count; i++)
        {
            var expectedMin = i == 0 ? 0 : classes[i - 1].MaxPaidJpy;
            if (classes[i].MinPaidJpy != expectedMin || classes[i].MaxPaidJpy <= classes[i].MinPaidJpy)
                throw new InvalidDataException($"platform-size-classes.csv: class '{classes[i].Code}' must start at {expectedMin} and end above its start (classes ascend without gaps from 0).");
        }
        if (classes.Count == 0 || classes.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count() != classes.Count)
            throw new InvalidDataException("platform-size-classes.csv: at least one class, each code once.");
        var platforms = Rows(platformsCsv, PlatformsHeader, "non-member-platforms.csv")
            .Select(f => new NonMemberPlatform(f[0], f[1], f[2], f[3], int.Parse(f[4], CultureInfo.InvariantCulture))).ToList();
        foreach (var p in platforms.Where(p => classes.All(c => c.Code != p.SizeClass)))
            throw new InvalidDataException($"non-member-platforms.csv: '{p.Code}' has size class '{p.SizeClass}', which platform-size-classes.csv does not define.");
        if (platforms.Select(p => p.Code).Distinct(StringComparer.Ordinal).Count() != platforms.Count)
            throw new InvalidDataException("non-member-platforms.csv: each code once.");
        return new NonMemberList(classes, platforms);
    }

    /// <summary>The class a member with this annual paid value falls in; above the top class's bound, the top class.</summary>
    public SizeClass ClassOf(long paidJpy) => Classes.FirstOrDefault(c => paidJpy < c.MaxPaidJpy) ?? Classes[^1];

    private static StreamReader Open(string name) =>
        new(typeof(NonMemberList).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"{name} is not embedded."));

    private static IEnumerable<string[]> Rows(TextReader csv, string header, string file)
    {
        var first = csv.ReadLine()?.TrimStart('\uFEFF');
        if (first != header) throw new InvalidDataException($"{file} has an unexpected header: {first} (expected {header}).");
        while (csv.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != header.Split(',').Length) throw new InvalidDataException($"{file}: '{line}' does not have the header's {header.Split(',').Length} fields.");
            yield return fields;
        }
    }
}

/// <summary>One stratum of the estimate: one size class, or adjacent classes merged until the members in it pass the disclosure rule.</summary>
/// <param name="Classes">The classes, in ascending order.</param>
/// <param name="Members">Member platforms paid in the year whose paid value falls in these classes.</param>
/// <param name="NonMembers">Listed non-members of these classes.</param>
/// <param name="MembersPaidJpy">The members' paid value (what the stratum's mean is taken over).</param>
/// <param name="NonMembersJpy">The estimate for the non-members: per class, the stratum's mean held within the class's bounds, times the class's non-members.</param>
/// <param name="NonMembersLowJpy">The non-members at their classes' lower bounds.</param>
/// <param name="NonMembersHighJpy">The non-members at their classes' upper bounds.</param>
public sealed record EstimateStratum(IReadOnlyList<SizeClass> Classes, int Members, int NonMembers, long MembersPaidJpy,
    double NonMembersJpy, double NonMembersLowJpy, double NonMembersHighJpy)
{
    public double MemberMeanJpy => Members == 0 ? 0 : MembersPaidJpy / (double)Members;
}

/// <summary>
/// The whole market grossed up from the members by ratio estimation within size classes: the members-only figure stays
/// the fact; this is an estimate, with a range.
/// </summary>
/// <remarks>
/// Members are classed by their own paid value in the year (the class bounds of <c>data/platform-size-classes.csv</c>);
/// non-members by staff (<c>data/non-member-platforms.csv</c>). A non-member counts at its stratum's mean per member,
/// held within its own class's bounds. A stratum's mean and total are those of its members, so every stratum must pass
/// the survey's rule as a cell (at least <see cref="DisclosurePolicy.MinPlatforms"/> members, the largest
/// <see cref="DisclosurePolicy.DominanceTopPlatforms"/> at most <see cref="DisclosurePolicy.DominanceMaxShare"/> of it):
/// a class that does not is merged with the next larger one (the largest with the next smaller) until all pass. Merging
/// rather than leaving a class out: the estimate's total and the members' total (published) would otherwise give the
/// one class's value by difference. The range puts every non-member at its class's lower and upper bound.
/// </remarks>
public sealed record MarketEstimate(int FiscalYear, long MembersPaidJpy, int Members, int NonMembers, IReadOnlyList<EstimateStratum> Strata)
{
    public double EstimateJpy => MembersPaidJpy + Strata.Sum(s => s.NonMembersJpy);
    public double LowJpy => MembersPaidJpy + Strata.Sum(s => s.NonMembersLowJpy);
    public double HighJpy => MembersPaidJpy + Strata.Sum(s => s.NonMembersHighJpy);
    /// <summary>The members' share of the estimated market.</summary>
    public double Coverage => EstimateJpy > 0 ? MembersPaidJpy / EstimateJpy : 1;

    /// <summary>The estimate, or null when no stratum arrangement passes (then the members' total fails the rule itself).</summary>
    /// <param name="members">Each member platform's paid value in the year (internal inputs, never shown one by one).</param>
    public static MarketEstimate? Compute(int fiscalYear, IReadOnlyList<(string Platform, long PaidJpy)> members, NonMemberList list, DisclosurePolicy policy)
    {
        var paid = members.Where(m => m.PaidJpy > 0).ToList();
        var strata = list.Classes.Select(c => new List<SizeClass> { c }).ToList();
        List<long> MembersOf(List<SizeClass> stratum) =>
            [.. paid.Where(m => stratum.Contains(list.ClassOf(m.PaidJpy))).Select(m => m.PaidJpy)];
        int NonMembersOf(List<SizeClass> stratum) => list.Platforms.Count(p => stratum.Any(c => c.Code == p.SizeClass));
        while (true)
        {
            var failing = strata.FindIndex(s => !Passes(MembersOf(s), NonMembersOf(s), policy));
            if (failing < 0) break;
            if (strata.Count == 1) return null;
            var into = failing + 1 < strata.Count ? failing + 1 : failing - 1;
            var merged = strata[Math.Min(failing, into)].Concat(strata[Math.Max(failing, into)]).ToList();
            strata[Math.Min(failing, into)] = merged;
            strata.RemoveAt(Math.Max(failing, into));
        }
        var result = strata.Select(s =>
        {
            var own = MembersOf(s);
            var mean = own.Count == 0 ? 0 : own.Sum() / (double)own.Count;
            double estimate = 0, low = 0, high = 0;
            foreach (var c in s)
            {
                var n = list.Platforms.Count(p => p.SizeClass == c.Code);
                estimate += n * Math.Clamp(mean, c.MinPaidJpy, c.MaxPaidJpy);
                low += n * (double)c.MinPaidJpy;
                high += n * (double)c.MaxPaidJpy;
            }
            return new EstimateStratum(s, own.Count, NonMembersOf(s), own.Sum(), estimate, low, high);
        }).ToList();
        return new MarketEstimate(fiscalYear, paid.Sum(m => m.PaidJpy), paid.Count, list.Platforms.Count, result);
    }

    /// <summary>
    /// A stratum's members pass the survey's platform threshold and dominance rule (or it is empty of members and of
    /// non-members). A stratum with non-members but no member has no mean to carry over, so it fails too.
    /// </summary>
    private static bool Passes(List<long> members, int nonMembers, DisclosurePolicy policy) =>
        members.Count == 0 ? nonMembers == 0 : PlatformGroupRule.Check(members, policy) == Suppression.None;
}

/// <summary>
/// The survey's primary rule on a group of platforms known by their paid values only: the platform threshold and
/// (n, k) dominance. Used where a published figure is the total of a set of platforms (like-for-like growth's joiners and
/// leavers, the grossing-up's size strata) rather than a cell of the marts.
/// </summary>
public static class PlatformGroupRule
{
    /// <summary>None, <see cref="Suppression.FewPlatforms"/> or <see cref="Suppression.DominantPlatform"/>; an empty group is None.</summary>
    public static Suppression Check(IReadOnlyCollection<long> paidJpy, DisclosurePolicy policy)
    {
        if (paidJpy.Count == 0) return Suppression.None;
        var total = paidJpy.Sum();
        var top = paidJpy.OrderDescending().Take(policy.DominanceTopPlatforms).Sum();
        return paidJpy.Count < policy.MinPlatforms ? Suppression.FewPlatforms
            : total > 0 && top / (double)total > policy.DominanceMaxShare ? Suppression.DominantPlatform
            : Suppression.None;
    }
}
