namespace MarketStats.Synthetic;

/// <summary>Deterministic random streams and the few distributions the generator draws from.</summary>
/// <remarks>
/// Every independent part (a platform's transactions, its registrations, the population) gets its own stream
/// derived from the seed, so platforms can be generated in parallel and still give byte-identical files.
/// </remarks>
internal static class SeededRandom
{
    public static Random Stream(int seed, int part, int subpart = 0)
    {
        // SplitMix-style mixing: HashCode.Combine is randomised per process and would break determinism.
        var x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)part * 0xBF58476D1CE4E5B9UL
                          ^ (ulong)(uint)subpart * 0x94D049BB133111EBUL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return new Random((int)(x & 0x7FFFFFFF));
    }

    public static double Gaussian(this Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Log-normal around <paramref name="median"/>; <paramref name="sigma"/> is the spread of the log.</summary>
    public static double LogNormal(this Random rng, double median, double sigma) => median * Math.Exp(sigma * rng.Gaussian());

    /// <summary>Index in [0, count) skewed towards 0: a few accounts do most of the work.</summary>
    public static int Skewed(this Random rng, int count, double exponent) =>
        Math.Min(count - 1, (int)(count * Math.Pow(rng.NextDouble(), exponent)));

    public static int Pick(this Random rng, ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights) total += w;
        var r = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0) return i;
        }
        for (var i = weights.Length - 1; i >= 0; i--)
            if (weights[i] > 0) return i;
        throw new ArgumentException("All weights are zero.", nameof(weights));
    }

    /// <summary>Cumulative weights, for picking by binary search where the same weights are used millions of times.</summary>
    public static double[] Cumulative(IEnumerable<double> weights)
    {
        var list = new List<double>();
        var sum = 0.0;
        foreach (var w in weights) list.Add(sum += w);
        return [.. list.Select(c => c / sum)];
    }

    public static int PickCumulative(this Random rng, double[] cumulative)
    {
        var i = Array.BinarySearch(cumulative, rng.NextDouble());
        return Math.Min(i < 0 ? ~i : i + 1, cumulative.Length - 1);
    }
}
