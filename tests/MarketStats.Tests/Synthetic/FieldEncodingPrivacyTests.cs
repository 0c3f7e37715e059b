using MarketStats.Core.Privacy;
using MarketStats.Synthetic;
using Xunit.Abstractions;

namespace MarketStats.Tests.Synthetic;

/// <summary>The privacy analysis of contract v2's per-field columns (docs/export-contract.md quotes what this prints,
/// from a run of <see cref="FieldEncodingExperiment"/> with every hardening at 10,000 persons).</summary>
public sealed class FieldEncodingPrivacyTests(ITestOutputHelper output)
{
    private static readonly AssociationKey Key = AssociationKey.FromSeed(13);

    [Theory]
    [InlineData(true)] // skewed Western names: the realistic case, where the attack works on deterministic encodings
    [InlineData(false)] // the generator's Japanese names: flat frequencies, so ranking names few even without BLIP
    public void Blip_defeats_the_frequency_attack_that_names_a_deterministic_encodings_surnames(bool western)
    {
        var attacks = FieldEncodingExperiment.Attacks(Key, 4_000, western, hardenings: 2); // docs quote a run with all hardenings at 10,000
        foreach (var a in attacks)
            output.WriteLine($"{a.Column}: {a.Records} records, {a.DistinctValues} distinct, exact attack {a.ExactAttack:P1}, cluster attack {a.ClusterAttack?.ToString("P1") ?? "-"}");
        var deterministic = attacks[0];
        var blip = attacks[1];
        // Without BLIP equal names encode alike: about as many values as names, and ranking them names a large share.
        Assert.True(deterministic.DistinctValues < 2_000, $"{deterministic.DistinctValues} distinct deterministic encodings");
        if (western) Assert.True(deterministic.ExactAttack > 0.15, $"deterministic: {deterministic.ExactAttack:P1}");
        // With BLIP nearly every account's encoding is its own, so counting equal values names almost nobody.
        Assert.True(blip.DistinctValues > 0.9 * blip.Records, $"{blip.DistinctValues} distinct of {blip.Records}");
        Assert.True(blip.ExactAttack < 0.02, $"BLIP: {blip.ExactAttack:P1}");
        Assert.True(blip.ExactAttack < deterministic.ExactAttack);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Blip_costs_little_in_telling_the_same_persons_name_from_another(bool western)
    {
        var separation = FieldEncodingExperiment.Separation(Key, 2_000, western, hardenings: 2);
        foreach (var s in separation)
            output.WriteLine($"{s.Column}: same person {s.SamePersonMeanDice:F3}, different name {s.DifferentNameMeanDice:F3}, recall at 1% false {s.RecallAtOnePercent:P1}");
        var (deterministic, blip) = (separation[0], separation[1]);
        Assert.True(deterministic.SamePersonMeanDice > deterministic.DifferentNameMeanDice + 0.3);
        Assert.True(blip.SamePersonMeanDice < deterministic.SamePersonMeanDice, "flipped bits must cost some similarity");
        Assert.True(blip.RecallAtOnePercent > deterministic.RecallAtOnePercent - 0.10, $"BLIP recall {blip.RecallAtOnePercent:P1} vs {deterministic.RecallAtOnePercent:P1}");
    }
}
