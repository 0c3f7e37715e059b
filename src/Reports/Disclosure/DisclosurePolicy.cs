using System.Globalization;
using System.Text.Json;

namespace MarketStats.Reports.Disclosure;

/// <summary>
/// One output's disclosure rule as data: contributor thresholds, (n, k) dominance and the protection margin. The
/// policies live in one file, <c>disclosure-policy.json</c> beside this class (embedded), documented in docs/disclosure.md.
/// </summary>
/// <param name="MinPeersForRank">Benchmarks only (0 elsewhere): a member is told where it stands in a cell (a band: top
/// 25%, middle 50%, bottom 25%) only when at least this many platforms, itself included, were paid in the cell.</param>
/// <param name="QuantileWindowPersons">Distributions (0 where a policy publishes none): a quantile is published as the mean
/// of the units around it, and that window must hold at least this many distinct persons (at least <see cref="MinPersons"/>).</param>
/// <param name="QuantileSignificantDigits">Distributions: a published quantile is rounded to this many significant digits.</param>
public sealed record DisclosurePolicy(int MinPersons, int MinPlatforms, int DominanceTopPlatforms, double DominanceMaxShare, double ProtectionMargin,
    int MinPeersForRank = 0, int QuantileWindowPersons = 0, int QuantileSignificantDigits = 0)
{
    private static readonly Lazy<IReadOnlyDictionary<string, DisclosurePolicy>> Policies = new(Load);

    /// <summary>The yearly survey and the market-size workbook published with it.</summary>
    public static DisclosurePolicy Survey => Policies.Value["survey"];

    /// <summary>Custom extracts for researchers.</summary>
    public static DisclosurePolicy Extract => Policies.Value["extract"];

    /// <summary>A member's own benchmark: its market figures are the survey's cells (published or suppressed as the survey
    /// publishes them, so its primary parameters are the survey's); <see cref="MinPeersForRank"/> guards the peer band.</summary>
    public static DisclosurePolicy Benchmark => Policies.Value["benchmark"];

    /// <summary>"85%": the dominance threshold as rule texts print it.</summary>
    public string DominanceMaxShareText => (DominanceMaxShare * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static IReadOnlyDictionary<string, DisclosurePolicy> Load()
    {
        using var stream = typeof(DisclosurePolicy).Assembly.GetManifestResourceStream("disclosure-policy.json")
                           ?? throw new InvalidOperationException("disclosure-policy.json is not embedded.");
        var options = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip,
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        };
        var policies = JsonSerializer.Deserialize<Dictionary<string, DisclosurePolicy>>(stream, options)
                       ?? throw new InvalidDataException("disclosure-policy.json is empty.");
        foreach (var (name, policy) in policies) policy.Validate(name);
        return policies;
    }

    /// <summary>A policy that protects no one is refused at load, not discovered in a published table.</summary>
    private void Validate(string name)
    {
        if (MinPersons < 2 || MinPlatforms < 2 || DominanceTopPlatforms is < 1 or > 2
            || DominanceMaxShare is <= 0 or >= 1 || ProtectionMargin is < 0 or >= 1 || MinPeersForRank < 0
            // a band of a quarter must hold more than one platform, or "top 25%" would be a rank
            || (name == "benchmark" && MinPeersForRank < 8)
            // a window of fewer persons than a cell needs would publish what a cell could not
            || (QuantileWindowPersons != 0 && QuantileWindowPersons < MinPersons) || (name == "survey" && QuantileWindowPersons == 0)
            || QuantileSignificantDigits is < 0 or > 6)
            throw new InvalidDataException(
                $"disclosure-policy.json: policy '{name}' is out of range (minPersons and minPlatforms at least 2, dominanceTopPlatforms 1 or 2, dominanceMaxShare and protectionMargin between 0 and 1, the benchmark's minPeersForRank at least 8, quantileWindowPersons at least minPersons (and set for the survey), quantileSignificantDigits 0 to 6).");
    }
}
