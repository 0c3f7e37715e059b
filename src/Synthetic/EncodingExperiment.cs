using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>How well an encoding separates two accounts of one person from accounts of two persons, on synthetic identities.</summary>
/// <param name="MatchMeanDice">Mean Dice of two noisy accounts of the same person.</param>
/// <param name="NonMatchMeanDice">Mean Dice of accounts of two different persons.</param>
/// <param name="NonMatchMaxDice">The highest Dice among the non-matching pairs sampled.</param>
/// <param name="MatchesAboveAllNonMatches">Share of matching pairs above <paramref name="NonMatchMaxDice"/>: recall with no false link in the sample.</param>
public sealed record EncodingSeparation(double MatchMeanDice, double NonMatchMeanDice, double NonMatchMaxDice, double MatchesAboveAllNonMatches);

/// <summary>Measures what XOR-folding costs in accuracy (docs/export-contract.md quotes the figures).</summary>
public static class EncodingExperiment
{
    public static EncodingSeparation Measure(ClkEncoder encoder, int persons, int seed = 3)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var rng = SeededRandom.Stream(seed, part: 20_000);
        var matches = new List<double>(persons);
        var nonMatches = new List<double>(persons);
        string? Encode(int person, Random noise) =>
            encoder.Encode(SyntheticIdentity.AsTyped(SyntheticIdentity.ForWorker(seed, person, (byte)(person % 47), (sbyte)(person % 6)), noise)).Base64;
        for (var p = 0; p < persons; p++)
        {
            var (a, b) = (Encode(p, rng), Encode(p, rng));
            var other = Encode((p + 1 + rng.Next(persons - 1)) % persons, rng);
            if (a is null || b is null || other is null) continue;
            matches.Add(ClkEncoder.Dice(a, b));
            nonMatches.Add(ClkEncoder.Dice(a, other));
        }
        var max = nonMatches.Max();
        return new EncodingSeparation(matches.Average(), nonMatches.Average(), max, matches.Count(d => d > max) / (double)matches.Count);
    }
}
