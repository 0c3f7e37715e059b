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

/// <summary>What a key-less insider learns from one deterministic or BLIP-hardened column by a frequency attack.</summary>
/// <param name="Column">The column attacked, with its hardening.</param>
/// <param name="DistinctValues">Distinct values in the column (equal to the distinct names when the encoding is deterministic).</param>
/// <param name="ExactAttack">Share of records whose true value the attacker names by ranking equal encodings by frequency against the public frequency ranking.</param>
/// <param name="ClusterAttack">The same after first grouping similar encodings (Dice ≥ one of <see cref="FieldEncodingExperiment.ClusterDice"/>, the better for the attacker), which undoes random bit flips; null for keyed hashes, which have no similarity.</param>
public sealed record FrequencyAttack(string Column, int Records, int DistinctValues, double ExactAttack, double? ClusterAttack);

/// <summary>How well one field's encoding tells two accounts of one person from accounts with a different name.</summary>
/// <param name="SamePersonMeanDice">Mean Dice of the field on two noisy accounts of one person.</param>
/// <param name="DifferentNameMeanDice">Mean Dice against a person whose true name differs.</param>
/// <param name="RecallAtOnePercent">Share of same-person pairs above the 99th percentile of different-name pairs.</param>
public sealed record FieldSeparation(string Column, double SamePersonMeanDice, double DifferentNameMeanDice, double RecallAtOnePercent);

/// <summary>The privacy analysis of contract v2's per-field columns (docs/export-contract.md, "Privacy", quotes the figures).</summary>
/// <remarks>
/// The attacker holds the registrations table but not the key, and knows the public frequency of each surname (here:
/// the synthetic population's own, the best case for the attacker). Ranking the column's values by how often they
/// occur and matching them rank by rank to the public ranking names every record whose value is frequent enough to
/// stand out (Kuzu et al. 2011; Christen et al. 2017). A deterministic encoding of a short field, or a keyed hash of a
/// name token, falls to this at once; BLIP (random bit flips per account) leaves no two equal values to count.
/// </remarks>
public static class FieldEncodingExperiment
{
    /// <summary>The similarities at which the cluster attack puts two encodings in one group; the attacker keeps the better.</summary>
    public static readonly double[] ClusterDice = [0.6, 0.75];

    /// <summary>The encodings compared: deterministic (no flips), the contract's BLIP, and stronger BLIP (flip thresholds out of 256).</summary>
    public static readonly (string Label, int FlipThreshold)[] Hardenings =
    [
        ("deterministic (= a keyed hash of the name)", 0), ($"BLIP p = {FieldClkEncoder.FlipThreshold}/256 (contract v2)", FieldClkEncoder.FlipThreshold),
        ("BLIP p = 26/256", 26), ("BLIP p = 38/256", 38),
    ];

    /// <summary>The true family name and birth date of an account's person, and what the account typed.</summary>
    private sealed record Account(string Family, DateOnly? Birth, IdentityFields Typed);

    /// <param name="western">Western names with Zipf-like frequencies and typos (<see cref="HeldOutLikeMarket"/>), as real
    /// name lists are skewed; else the generator's Japanese identities, whose 42 common surnames are equally frequent.</param>
    private static List<Account> Accounts(int persons, int seed, int copy, bool western)
    {
        var noise = SeededRandom.Stream(seed, part: 21_000 + copy);
        if (western)
            return [.. HeldOutLikeMarket.People(persons, SeededRandom.Stream(seed, part: 21_500))
                .Select(p => new Account(p.Family, p.Birth, HeldOutLikeMarket.AsTyped(p, noise)))];
        return [.. Enumerable.Range(0, persons).Select(p =>
        {
            var identity = SyntheticIdentity.ForWorker(seed, p, (byte)(p % 47), (sbyte)(p % 6));
            return new Account(identity.FamilyKanji, identity.BirthDate, SyntheticIdentity.AsTyped(identity, noise));
        })];
    }

    /// <summary>The frequency attack on the family name's encoding (with and without BLIP) and on the birth-date and birth-year hashes.</summary>
    /// <param name="hardenings">How many of <see cref="Hardenings"/> to measure, in order (all by default).</param>
    public static IReadOnlyList<FrequencyAttack> Attacks(AssociationKey key, int persons, bool western, int seed = 5, int? hardenings = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var accounts = Accounts(persons, seed, 0, western);
        var hasher = new KeyedHasher(key);
        var results = new List<FrequencyAttack>();
        foreach (var (label, threshold) in Hardenings.Take(hardenings ?? Hardenings.Length))
        {
            var encoder = new FieldClkEncoder(key, threshold);
            var noise = SeededRandom.Stream(seed, part: 22_000);
            var rows = accounts.Select(a => (Value: encoder.Encode(a.Typed, noise)[0], Truth: a.Family)).Where(r => r.Value is not null)
                .Select(r => (r.Value!, r.Truth)).ToList();
            var publicRanking = Ranking(accounts.Select(a => a.Family));
            results.Add(new FrequencyAttack("family_name_clk, " + label, rows.Count, rows.Select(r => r.Item1).Distinct().Count(),
                RankMatch(rows, publicRanking), ClusterDice.Max(dice => RankMatch(Clustered(rows, dice), publicRanking))));
        }
        foreach (var (label, hash, truth) in new (string, Func<string?, string?>, Func<DateOnly, string>)[]
                 {
                     ("birth_date_hmac", hasher.BirthDate, d => d.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)),
                     ("birth_year_hmac", hasher.BirthYear, d => d.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                     // contract v3's parts, each alone (the grid they form with birth_date_hmac is discussed, not measured)
                     ("birth_year_month_hmac", hasher.BirthYearMonth, d => d.ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture)),
                     ("birth_month_day_hmac", hasher.BirthMonthDay, d => d.ToString("MMdd", System.Globalization.CultureInfo.InvariantCulture)),
                 })
        {
            var rows = accounts.Where(a => a.Birth is not null && hash(a.Typed.BirthDate) is not null)
                .Select(a => (Value: hash(a.Typed.BirthDate)!, Truth: truth(a.Birth!.Value))).ToList();
            var publicRanking = Ranking(accounts.Where(a => a.Birth is not null).Select(a => truth(a.Birth!.Value)));
            results.Add(new FrequencyAttack(label, rows.Count, rows.Select(r => r.Value).Distinct().Count(), RankMatch(rows, publicRanking), null));
        }
        return results;
    }

    /// <summary>What BLIP costs in telling the same person's family name from another name.</summary>
    public static IReadOnlyList<FieldSeparation> Separation(AssociationKey key, int persons, bool western, int seed = 5, int? hardenings = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (first, second) = (Accounts(persons, seed, 1, western), Accounts(persons, seed, 2, western));
        var results = new List<FieldSeparation>();
        foreach (var (label, threshold) in Hardenings.Take(hardenings ?? Hardenings.Length))
        {
            var encoder = new FieldClkEncoder(key, threshold);
            var noise = SeededRandom.Stream(seed, part: 23_000);
            var pick = SeededRandom.Stream(seed, part: 24_000);
            string? Encode(Account a) => encoder.Encode(a.Typed, noise)[0];
            var same = new List<double>();
            var different = new List<double>();
            for (var p = 0; p < persons; p++)
            {
                var other = second[(p + 1 + pick.Next(persons - 1)) % persons];
                var (a, b, c) = (Encode(first[p]), Encode(second[p]), Encode(other));
                if (a is not null && b is not null) same.Add(ClkEncoder.Dice(a, b));
                if (a is not null && c is not null && other.Family != first[p].Family) different.Add(ClkEncoder.Dice(a, c));
            }
            different.Sort();
            var cut = different[(int)(different.Count * 0.99)];
            results.Add(new FieldSeparation("family_name_clk, " + label, same.Average(), different.Average(), same.Count(d => d > cut) / (double)same.Count));
        }
        return results;
    }

    /// <summary>Public values from most to least frequent (ties in a fixed order).</summary>
    private static List<string> Ranking(IEnumerable<string> values) =>
        [.. values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key)];

    /// <summary>Ranks the groups of equal values by size and names the i-th largest after the i-th most frequent public value.</summary>
    private static double RankMatch(List<(string Value, string Truth)> rows, List<string> publicRanking)
    {
        var groups = rows.GroupBy(r => r.Value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var named = 0;
        for (var i = 0; i < groups.Count && i < publicRanking.Count; i++)
            named += groups[i].Count(r => r.Truth == publicRanking[i]);
        return named / (double)rows.Count;
    }

    /// <summary>Leader clustering: each encoding joins the first group whose leader it resembles (Dice ≥ <paramref name="dice"/>), or leads a new one.</summary>
    private static List<(string Value, string Truth)> Clustered(List<(string Value, string Truth)> rows, double dice)
    {
        var leaders = new List<(ulong A, ulong B, string Id)>();
        var result = new List<(string, string)>(rows.Count);
        foreach (var (value, truth) in rows)
        {
            var bytes = Convert.FromBase64String(value);
            var (a, b) = (BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8));
            var count = System.Numerics.BitOperations.PopCount(a) + System.Numerics.BitOperations.PopCount(b);
            string? group = null;
            foreach (var leader in leaders)
            {
                var both = System.Numerics.BitOperations.PopCount(a & leader.A) + System.Numerics.BitOperations.PopCount(b & leader.B);
                var total = count + System.Numerics.BitOperations.PopCount(leader.A) + System.Numerics.BitOperations.PopCount(leader.B);
                if (2.0 * both >= dice * total) { group = leader.Id; break; }
            }
            if (group is null)
            {
                group = value;
                leaders.Add((a, b, value));
            }
            result.Add((group, truth));
        }
        return result;
    }
}
