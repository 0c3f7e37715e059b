using System.Globalization;
using System.Text.Json;

namespace MarketStats.Reports.Disclosure;

/// <summary>
/// One output's disclosure rule as data: contributor thresholds, (n, k) dominance and the protection margin. The
/// policies live in one file, <c>disclosure-policy.json</c> beside this class (embedded), documented in docs/disclosure.md.
/// </summary>
public sealed record DisclosurePolicy(int MinPersons, int MinPlatforms, int DominanceTopPlatforms, double DominanceMaxShare, double ProtectionMargin)
{
    private static readonly Lazy<IReadOnlyDictionary<string, DisclosurePolicy>> Policies = new(Load);

    /// <summary>The yearly survey and the market-size workbook published with it.</summary>
    public static DisclosurePolicy Survey => Policies.Value["survey"];

    /// <summary>Custom extracts for researchers.</summary>
    public static DisclosurePolicy Extract => Policies.Value["extract"];

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
            || DominanceMaxShare is <= 0 or >= 1 || ProtectionMargin is < 0 or >= 1)
            throw new InvalidDataException(
                $"disclosure-policy.json: policy '{name}' is out of range (minPersons and minPlatforms at least 2, dominanceTopPlatforms 1 or 2, dominanceMaxShare and protectionMargin between 0 and 1).");
    }
}
