namespace MarketStats.Linkage;

/// <summary>The linkage rules as data: blocking, Fellegi–Sunter match weights, threshold and the anti-chaining guard.</summary>
/// <remarks>
/// Weights are log2(m/u): m the probability that two accounts of the same person agree on the comparison, u that two
/// accounts of different persons do. The m and u values are priors chosen for the survey's data (duplicate accounts
/// often use another e-mail address, so an e-mail disagreement is weak evidence against; two different persons
/// almost never share a keyed hash, so an agreement is overwhelming evidence for) and checked against the
/// generator's ground truth with <c>marketstats link --evaluate</c>. The reasoning behind the threshold is in
/// docs/linkage.md.
/// </remarks>
public sealed record LinkageSettings
{
    /// <summary>MinHash LSH bands over the CLK's set bits; each band's key combines <see cref="HashesPerBand"/> min-hashes.</summary>
    /// <remarks>A pair shares a band with probability J^r (J Jaccard, r hashes per band) and some band with 1 − (1 − J^r)^b:
    /// with r = 9 and b = 64, two accounts at Dice 0.85 (J 0.74) meet with probability 0.99, at Dice 0.80 (J 0.67) 0.82,
    /// while unrelated workers (J about 0.25: common bigrams such as the "19" of birth years set the same bits) share
    /// a given band with probability about 4·10⁻⁶. More hashes per band would cut comparisons and recall together.</remarks>
    public int Bands { get; init; } = 64;
    public int HashesPerBand { get; init; } = 9;
    /// <summary>A bucket with more accounts than this is skipped (sparse or degenerate encodings all look alike).</summary>
    public int MaxBucketSize { get; init; } = 200;

    /// <summary>(agree, disagree) weights per keyed hash; no weight when either side lacks it.</summary>
    public (double Agree, double Disagree) Email { get; init; } = (Weight(0.55, 1e-7), Weight(0.45, 1.0));
    public (double Agree, double Disagree) Phone { get; init; } = (Weight(0.50, 1e-7), Weight(0.10, 1.0));
    public (double Agree, double Disagree) CorporateNumber { get; init; } = (Weight(0.99, 1e-8), Weight(1e-4, 1.0));
    public (double Agree, double Disagree) Prefecture { get; init; } = (Weight(0.97, 0.10), Weight(0.03, 0.90));
    /// <summary>Workers' age band: the same person may cross a band boundary between sign-ups, hence m 0.95.</summary>
    public (double Agree, double Disagree) AgeBand { get; init; } = (Weight(0.95, 0.25), Weight(0.05, 0.75));
    public (double Agree, double Disagree) Gender { get; init; } = (Weight(0.98, 0.50), Weight(0.02, 0.50));

    /// <summary>Graded Dice levels on the CLK, highest first: (lowest Dice of the level, weight).</summary>
    public IReadOnlyList<(double MinDice, double Weight)> DiceLevels { get; init; } =
    [
        (0.90, Weight(0.55, 1e-7)),
        (0.80, Weight(0.30, 1e-5)),
        (0.70, Weight(0.10, 5e-5)),
        (0.60, Weight(0.03, 1e-2)),
        (0.00, Weight(0.02, 0.99)),
    ];

    /// <summary>Dice levels for organisations (clients): their encoding holds only a name and a postcode, no birth date,
    /// so two different firms of the same name in one area reach Dice levels that only one person's two accounts reach
    /// among workers; the levels are set higher.</summary>
    public IReadOnlyList<(double MinDice, double Weight)> OrganisationDiceLevels { get; init; } =
    [
        (0.95, Weight(0.60, 1e-7)),
        (0.90, Weight(0.20, 1e-5)),
        (0.85, Weight(0.10, 1e-3)),
        (0.80, Weight(0.05, 1e-2)),
        (0.00, Weight(0.05, 0.95)),
    ];

    /// <summary>Link when the summed weight reaches this many bits of evidence.</summary>
    public double Threshold { get; init; } = 14.0;

    /// <summary>No cluster grows beyond this many accounts (a person has at most one account per platform and kind, roughly).</summary>
    public int MaxClusterSize { get; init; } = 30;

    public static double Weight(double m, double u) => Math.Log2(m / u);

    /// <summary>The lowest Dice worth keeping from blocking: below it, even every other agreement except a keyed hash
    /// (pairs sharing one are candidates anyway) cannot lift the pair to the threshold.</summary>
    public double FuzzyFloor(IReadOnlyList<(double MinDice, double Weight)> levels)
    {
        var bestSupport = Prefecture.Agree + AgeBand.Agree + Gender.Agree;
        return levels.Where(l => l.Weight + bestSupport >= Threshold).Select(l => l.MinDice).DefaultIfEmpty(1.0).Min();
    }
}
