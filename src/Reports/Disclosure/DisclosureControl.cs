namespace MarketStats.Reports.Disclosure;

/// <summary>Why a published cell is blank.</summary>
public enum Suppression
{
    /// <summary>Published.</summary>
    None,
    /// <summary>Fewer than the policy's <see cref="DisclosurePolicy.MinPersons"/> distinct persons behind the cell.</summary>
    FewPersons,
    /// <summary>Fewer than the policy's <see cref="DisclosurePolicy.MinPlatforms"/> platforms behind the cell.</summary>
    FewPlatforms,
    /// <summary>The largest platforms (the policy's n) hold more than its share k of the cell.</summary>
    DominantPlatform,
    /// <summary>Secondary: published, it would let a suppressed cell be recomputed from a published total.</summary>
    Complementary,
}

/// <summary>What the disclosure rule needs to know about one cell (the marts' <c>sdc_*</c> columns).</summary>
/// <param name="Persons">Distinct persons behind the cell; for money cells the smaller of clients and workers.</param>
/// <param name="Platforms">Platforms contributing to the cell.</param>
/// <param name="TopPlatformShare">The largest platform's share of the cell (0–1); null when the cell is empty.</param>
/// <param name="TopTwoPlatformsShare">The two largest platforms' share together (0–1); null when the cell is empty.</param>
public readonly record struct DisclosureInput(long Persons, long Platforms, double? TopPlatformShare, double? TopTwoPlatformsShare)
{
    /// <summary>No activity at all: a true zero, which reveals nothing about anyone.</summary>
    public bool IsEmpty => Persons == 0 && Platforms == 0;
}

/// <summary>
/// The survey's statistical disclosure control, in one place: no published cell may single out a person or a platform.
/// </summary>
/// <remarks>
/// Primary rule (parameters from <see cref="DisclosurePolicy"/>; the survey's: 3 persons, 3 platforms, (2, 85%)): a
/// cell is suppressed when too few distinct persons or platforms stand behind it, or when its largest platforms hold
/// too much of it. With n = 2 the rule protects the leader against the second-largest member, who could otherwise
/// subtract its own value from the cell and read the leader's. An empty cell (no activity) is published as a true zero.
/// Complementary (secondary) suppression is solved over a whole release by <see cref="ReleaseSuppression"/>.
/// </remarks>
public static class DisclosureControl
{
    /// <summary>The primary rule of <paramref name="policy"/> (the survey's when omitted).</summary>
    public static Suppression Primary(DisclosureInput cell, DisclosurePolicy? policy = null)
    {
        policy ??= DisclosurePolicy.Survey;
        var dominantShare = policy.DominanceTopPlatforms == 1 ? cell.TopPlatformShare : cell.TopTwoPlatformsShare;
        return cell.IsEmpty ? Suppression.None
            : cell.Persons < policy.MinPersons ? Suppression.FewPersons
            : cell.Platforms < policy.MinPlatforms ? Suppression.FewPlatforms
            : dominantShare > policy.DominanceMaxShare ? Suppression.DominantPlatform
            : Suppression.None;
    }
}

/// <summary>Cells that add up: <see cref="Total"/> is the sum of <see cref="Members"/> (indexes into one table's cells).</summary>
public sealed record AdditiveLine(int Total, IReadOnlyList<int> Members);
