namespace MarketStats.Synthetic;

/// <summary>How a platform's export files are encoded on disk.</summary>
public enum ExportEncoding { Utf8, Utf8WithBom, Cp932 }

/// <summary>The kind of platform, which sets its category and form mix.</summary>
public enum PlatformRole { General, TaskHeavy, Specialist }

/// <summary>The platform's fee (システム利用料) on a line's value.</summary>
public enum FeeRule
{
    /// <summary>10% of the value.</summary>
    Flat10,
    /// <summary>Marginal tiers: 20% of the first 100,000 yen, 10% up to 200,000, 5% above.</summary>
    Tiered,
    /// <summary>3% of the value.</summary>
    Flat3,
}

public sealed record FeeSchedule(FeeRule Rule, bool TaskFormFree)
{
    internal long FeeOn(long valueJpy, Form form)
    {
        if (TaskFormFree && form == Form.Task) return 0;
        return Rule switch
        {
            FeeRule.Flat10 => valueJpy / 10,
            FeeRule.Flat3 => valueJpy * 3 / 100,
            FeeRule.Tiered => Math.Min(valueJpy, 100_000) / 5
                              + Math.Clamp(valueJpy - 100_000, 0, 100_000) / 10
                              + Math.Max(valueJpy - 200_000, 0) / 20,
            _ => throw new ArgumentOutOfRangeException(nameof(Rule)),
        };
    }
}

/// <summary>One synthetic member platform: its size, business mix, fees and export habits.</summary>
/// <param name="LineShare">Share of all transaction rows this platform writes.</param>
/// <param name="CategoryWeights">Weight of each category (in <see cref="MarketCodes.Categories"/> order) among its jobs.</param>
/// <param name="TaskBias">Multiplier on the task form's share of jobs: the task-heavy platform runs mostly micro-tasks.</param>
/// <param name="LinesPerWorker">Transaction rows per registered worker account (sizes the account base).</param>
public sealed record PlatformProfile(
    int Index,
    string PlatformId,
    PlatformRole Role,
    double LineShare,
    double[] CategoryWeights,
    double TaskBias,
    bool RunsCompetitions,
    FeeSchedule Fee,
    ExportEncoding Encoding,
    bool Gzip,
    double LinesPerWorker,
    double LinesPerClient)
{
    public string FileExtension => Gzip ? ".csv.gz" : ".csv";

    /// <summary>A task job has tens to hundreds of lines, so only a few percent of jobs are tasks, yet about half the
    /// lines of a general platform are; on the task-heavy platform nearly all are.</summary>
    private const double GeneralTaskBias = 0.1;

    /// <summary>Market-wide category mix (share of jobs): design and writing lead, then tasks and web work.</summary>
    internal static readonly double[] MarketCategoryMix = [0.13, 0.11, 0.06, 0.20, 0.19, 0.07, 0.15, 0.09];

    /// <summary>The platforms for these options; deterministic in the seed.</summary>
    public static IReadOnlyList<PlatformProfile> Build(int platforms, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(platforms, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(platforms, 999);
        var rng = SeededRandom.Stream(seed, part: 1);
        var shares = LineShares(platforms);
        var feeChoices = new[]
        {
            new FeeSchedule(FeeRule.Tiered, false), new FeeSchedule(FeeRule.Flat10, false), new FeeSchedule(FeeRule.Flat3, false),
            new FeeSchedule(FeeRule.Tiered, true), new FeeSchedule(FeeRule.Flat10, true),
        };
        var list = new List<PlatformProfile>(platforms);
        for (var i = 1; i <= platforms; i++)
        {
            var id = platforms <= 99 ? $"P{i:D2}" : $"P{i:D3}";
            // About every 7th writes CP932, every 5th gzips, a couple add a UTF-8 BOM: exercises the reader.
            var encoding = i % 7 == 0 ? ExportEncoding.Cp932 : i % 9 == 4 ? ExportEncoding.Utf8WithBom : ExportEncoding.Utf8;
            var gzip = i % 5 == 0;
            var role = i <= 2 ? PlatformRole.General : i == 3 && platforms >= 4 ? PlatformRole.TaskHeavy : PlatformRole.Specialist;
            list.Add(role switch
            {
                PlatformRole.General => new PlatformProfile(i, id, role, shares[i - 1], [.. MarketCategoryMix], GeneralTaskBias, true,
                    i == 1 ? new FeeSchedule(FeeRule.Tiered, false) : new FeeSchedule(FeeRule.Flat10, true),
                    encoding, gzip, LinesPerWorker: 12, LinesPerClient: 40),
                PlatformRole.TaskHeavy => new PlatformProfile(i, id, role, shares[i - 1], [0.02, 0.01, 0, 0.03, 0.25, 0.02, 0.60, 0.07],
                    1.0, false, new FeeSchedule(FeeRule.Flat10, false), encoding, gzip, LinesPerWorker: 40, LinesPerClient: 400),
                _ => Specialist(rng, i, id, shares[i - 1], feeChoices[rng.Next(feeChoices.Length)], encoding, gzip),
            });
        }
        return list;
    }

    private static PlatformProfile Specialist(Random rng, int index, string id, double share, FeeSchedule fee, ExportEncoding encoding, bool gzip)
    {
        // A specialist concentrates 85% of its jobs on one to three categories.
        var focusCount = 1 + rng.Next(3);
        var focus = new List<int>();
        while (focus.Count < focusCount)
        {
            var c = rng.Pick(MarketCategoryMix);
            if (!focus.Contains(c)) focus.Add(c);
        }
        var weights = MarketCategoryMix.Select(w => 0.15 * w).ToArray();
        foreach (var c in focus) weights[c] += 0.85 / focusCount;
        var runsCompetitions = rng.NextDouble() < 0.6;
        return new PlatformProfile(index, id, PlatformRole.Specialist, share, weights, GeneralTaskBias, runsCompetitions, fee,
            encoding, gzip, LinesPerWorker: 8, LinesPerClient: 25);
    }

    /// <summary>Heavy-tailed sizes: two dominant general platforms, one task platform, then a Zipf tail of specialists.</summary>
    internal static double[] LineShares(int platforms)
    {
        double[] leaders = [0.28, 0.18, 0.08];
        var fixedShares = leaders[..Math.Min(platforms, leaders.Length)];
        var shares = new double[platforms];
        fixedShares.CopyTo(shares, 0);
        var tail = platforms - fixedShares.Length;
        if (tail > 0)
        {
            var remaining = 1.0 - fixedShares.Sum();
            var zipf = Enumerable.Range(1, tail).Select(j => Math.Pow(j + 2, -1.1)).ToArray();
            var sum = zipf.Sum();
            for (var j = 0; j < tail; j++) shares[fixedShares.Length + j] = remaining * zipf[j] / sum;
        }
        var total = shares.Sum();
        return [.. shares.Select(s => s / total)];
    }
}
