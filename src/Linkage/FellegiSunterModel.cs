namespace MarketStats.Linkage;

/// <summary>One level's estimated parameters: m (the level's probability for two accounts of one person), u (for two
/// different persons), the weight log2(m/u) and where m and u came from ("em", "prior"; "random pairs", "prior").</summary>
public sealed record LevelParameters(string Comparison, string Level, double M, double U, double Weight, string MSource, string USource);

/// <summary>The parameters of one kind's model in one run: the match share λ of the candidate pairs (the prior), the
/// levels, how many EM iterations the training took, and why any prior stood in.</summary>
/// <param name="Lambda">The probability that two random accounts of the kind are one person (the prior of the match weight).</param>
/// <param name="CandidateLambda">The match share of the candidate pairs, as EM estimated it.</param>
public sealed record KindParameters(
    string Kind, double Lambda, double CandidateLambda, int EmIterations, long RandomPairs, long CandidatePairs, IReadOnlyList<LevelParameters> Levels, IReadOnlyList<string> Warnings)
{
    public double PriorWeight => LinkageSettings.PriorWeight(Lambda);
}

/// <summary>Fellegi–Sunter with comparison levels, estimated on each run as Splink does: u from random pairs of accounts
/// of one kind, m by expectation–maximisation over the candidate pairs (u fixed), λ too; the match weight of a pair is
/// log2(λ/(1−λ)) + Σ log2(m/u) over its non-missing comparisons, with a term-frequency adjustment on keyed hashes.</summary>
/// <remarks>
/// The candidates were chosen by keyed-hash agreement or by encoding similarity, so a comparison's m cannot be learnt
/// from pairs selected on it: EM runs once on the pairs sharing a keyed hash (learning the encodings' and attributes'
/// m) and once on the pairs LSH found (learning the keyed hashes' and attributes' m), each with the other comparisons
/// held at their current values, and the two estimates of an attribute are averaged by expected matches (Splink's
/// training blocking rules). Guard rails: m and u are kept inside fixed bounds; a training set with too few pairs or
/// expected matches, or an EM that does not converge, leaves the priors in place with a warning.
/// EM works on comparison patterns (one count per combination of levels), so its cost does not grow with the pairs.
/// </remarks>
internal sealed class FellegiSunterModel
{
    private readonly long[] radix; // mixed-radix place of each comparison in a pattern key
    private readonly double[][] weights;
    private readonly double[] agreeU; // keyed hashes: u of agreement, below which term frequency never goes
    private readonly long[] withValue; // keyed hashes: accounts of the kind holding a value
    // Encodings: per level below the top that the blocking keeps, each account's accounts of the kind at that level or
    // higher (itself included); null elsewhere. The top level's count is the comparison's ValueCount.
    private readonly int[][]?[] lowerLevelNeighbours;
    private readonly LinkageSettings settings;

    private FellegiSunterModel(bool workers, IReadOnlyList<Comparison> comparisons, LinkageSettings settings)
    {
        IsWorker = workers;
        Comparisons = comparisons;
        this.settings = settings;
        radix = new long[comparisons.Count];
        var place = 1L;
        for (var c = 0; c < comparisons.Count; c++) { radix[c] = place; place = checked(place * (comparisons[c].Levels + 1)); }
        M = [.. comparisons.Select(c => c.PriorM.ToArray())];
        U = [.. comparisons.Select(c => c.PriorU.ToArray())];
        weights = [.. comparisons.Select(c => new double[c.Levels])];
        agreeU = new double[comparisons.Count];
        withValue = new long[comparisons.Count];
        lowerLevelNeighbours = new int[comparisons.Count][][];
        CandidateLambda = settings.PriorCandidateMatchShare;
    }

    public bool IsWorker { get; }
    public IReadOnlyList<Comparison> Comparisons { get; }
    public double[][] M { get; }
    public double[][] U { get; }
    /// <summary>λ: the probability that two random accounts of the kind are one person.</summary>
    public double Lambda { get; private set; }
    /// <summary>The match share of the candidate pairs (what EM estimates).</summary>
    public double CandidateLambda { get; private set; }
    public double PriorWeight => LinkageSettings.PriorWeight(Lambda);
    public KindParameters Parameters { get; private set; } = null!;

    /// <summary>Estimates one kind's model: u on random pairs of its accounts, m and λ by EM over its candidate pairs,
    /// whose patterns are written to <paramref name="patternOfPair"/>.</summary>
    public static FellegiSunterModel Estimate(bool workers, LinkAccounts a, long[] pairs, long[] patternOfPair, LinkageSettings settings, CancellationToken ct)
    {
        var model = new FellegiSunterModel(workers, ComparisonTable.For(workers, a, settings), settings);
        var members = Enumerable.Range(0, a.Count).Where(i => a.IsWorker[i] == workers).ToArray();
        var warnings = new List<string>();
        var kind = workers ? "worker" : "client";
        var (randomPairs, randomPatterns, uSource) = model.EstimateU(a, members, ct);
        var patterns = model.CountPatterns(a, pairs, patternOfPair, ct);
        model.CountNeighbours(a, pairs, patternOfPair);
        for (var c = 0; c < model.Comparisons.Count; c++)
            if (model.Comparisons[c].ValueCount is { } counts) model.withValue[c] = members.LongCount(i => counts[i] > 0);
        var candidatePairs = patterns.Values.Sum();
        var allPairs = members.Length * (members.Length - 1.0) / 2;
        var mSource = model.Comparisons.Select(_ => "prior").ToArray();
        var iterations = 0;
        // u from random pairs counts the pairs that are one person too (a share λ of them, which matters on a small
        // market: on 1,000 records of 250 persons nine in ten random pairs agreeing on a birth date are one person);
        // once λ and m are known, u is measured again without the expected matches, and m retrained, until u settles.
        for (var round = 0; round < UEstimationRounds; round++)
        {
            if (round > 0 && !model.RemoveMatchesFromU(randomPatterns, uSource)) break;
            warnings.Clear();
            iterations += model.Train(patterns, mSource, warnings, kind);
            model.TrainWithinStrata(mSource, patterns, warnings, kind);
            // λ of all candidate pairs, with every m and u now fixed.
            var overall = model.RunEm([.. patterns], [], estimateLambda: true);
            iterations += overall.Iterations;
            if (overall.Converged && overall.Lambda is > 0 and < 1 && candidatePairs >= settings.MinimumEmPairs) model.CandidateLambda = overall.Lambda;
            else warnings.Add($"{kind}: the match share of the candidate pairs could not be estimated ({candidatePairs:N0} pairs): prior {settings.PriorCandidateMatchShare:G3} kept");
            // Two random accounts are one person with probability (expected matches among the candidates) / (all pairs):
            // the blocking is built to bring nearly every true pair (its recall is measured by link --evaluate).
            model.Lambda = allPairs == 0 ? model.CandidateLambda : Math.Clamp(model.CandidateLambda * Math.Max(candidatePairs, 1) / allPairs, 1e-15, 0.5);
            // EM's match share of the candidates overstates λ: they were selected for agreeing (a birth date and a
            // similar name), so their non-matches do not follow u, and EM took every candidate of the held-out-like
            // market for a match. The expected matches are counted instead with each pair's posterior under λ itself.
            if (allPairs > 0 && candidatePairs >= settings.MinimumEmPairs)
            {
                model.Lambda = model.FixedPointLambda(patterns, allPairs);
                model.CandidateLambda = model.Lambda * allPairs / candidatePairs;
            }
        }
        model.ComputeWeights();
        model.Parameters = new KindParameters(kind, model.Lambda, model.CandidateLambda, iterations, randomPairs, candidatePairs,
            [.. model.Comparisons.SelectMany((comparison, c) => comparison.LevelNames.Select((level, l) =>
                new LevelParameters(comparison.Name, level, model.M[c][l], model.U[c][l], model.weights[c][l], mSource[c], uSource[c][l])))],
            warnings);
        return model;
    }

    /// <summary>m by EM, once per way the blocking selects pairs (Splink's training blocking rules): a comparison's m is
    /// learnt from the sessions that did not select on it, averaged by expected matches.</summary>
    /// <returns>The EM iterations it took.</returns>
    private int Train(Dictionary<long, long> patterns, string[] mSource, List<string> warnings, string kind)
    {
        var iterations = 0;
        var estimates = Comparisons.Select(c => new List<(double[] M, double Matches)>()).ToArray();
        // The record beyond the fields is learnt on its own (TrainWithinStrata), m and u together.
        int[] Except(ComparisonRole role) => [.. Enumerable.Range(0, Comparisons.Count)
            .Where(c => Comparisons[c].Role != role && Comparisons[c].Role != ComparisonRole.RecordBeyondFields)];
        int[] Only(ComparisonRole role) => [.. Enumerable.Range(0, Comparisons.Count).Where(c => Comparisons[c].Role == role)];
        var names = Only(ComparisonRole.NameField);
        // The pairs sharing an identifier and LSH's pairs teach every other comparison; the birth-date blocks teach only
        // the name fields (for markets without identifiers). Not the attributes: at two million accounts the blocks hold
        // namesakes born on one day, whom EM's match class absorbed (prefecture m fell from 0.97 to 0.61, precision to
        // 0.64). Nor the birth date from the pairs whose names agree: with common names they are mostly namesakes, and
        // EM took those for the matches (birth date "differ" m 0.93 on the held-out-pairs market).
        // The birth-date session is a fallback (Fallback: its estimates count only for a comparison no other session
        // taught): its pairs were selected for a name alike, and at two million accounts most of them are namesakes
        // born on one day, same family name, different given name. EM's match class took them in and gave a given name
        // "lower" m 0.26 (family 0.15) where the pairs sharing an e-mail give about 0.01: a clearly different given
        // name cost −1.9 bits, and 10,791 such namesakes linked (docs/linkage.md, "EM's sessions and the chaining guard").
        (string Label, Func<long, bool> Selected, int[] Learnt, bool Required, bool Fallback)[] sessions =
        [
            ("pairs sharing a keyed hash", p => SelectedBy(p, ComparisonRole.KeyedHash), Except(ComparisonRole.KeyedHash), true, false),
            ("pairs found by encoding similarity", p => SelectedBy(p, ComparisonRole.Encoding), Except(ComparisonRole.Encoding), true, false),
            ("pairs sharing a birth date", p => SelectedBy(p, ComparisonRole.SharedKey) && NamesAlike(p, names), names, false, true),
        ];
        foreach (var (label, selected, allLearnt, required, fallback) in sessions)
        {
            int[] learnt = fallback ? [.. allLearnt.Where(c => estimates[c].All(e => e.M.Sum() <= 0))] : allLearnt;
            var training = patterns.Where(p => selected(p.Key)).ToArray();
            var pairs = training.Sum(p => p.Value);
            if (learnt.Length == 0 || pairs == 0 && !required) continue;
            var session = RunEm(training, learnt, estimateLambda: true);
            iterations += session.Iterations;
            if (pairs < settings.MinimumEmPairs || session.Matches < settings.MinimumEmMatches)
                warnings.Add($"{kind}: too few {label} to train on ({pairs:N0} pairs, {session.Matches:N0} expected matches): priors kept for what they would teach");
            else if (!session.Converged)
                warnings.Add($"{kind}: EM on {label} did not converge in {settings.MaxEmIterations} iterations: priors kept for what it would teach");
            else
                foreach (var c in learnt) estimates[c].Add((session.M[c], session.Matches));
        }
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var found = estimates[c].Where(e => e.M.Sum() > 0).ToList(); // a comparison missing on every training pair teaches nothing
            if (found.Count == 0) continue;
            var total = found.Sum(e => e.Matches);
            for (var l = 0; l < M[c].Length; l++)
                M[c][l] = found.Sum(e => e.M[l] * e.Matches) / total;
            mSource[c] = "em";
        }
        return iterations;
    }

    /// <summary>m and u of each <see cref="ComparisonRole.RecordBeyondFields"/> comparison, every other comparison held at
    /// its current values, as distributions within each stratum, each drawn towards the stratum's share among all its
    /// candidate pairs by <see cref="LinkageSettings.RecordStratumPseudoPairs"/> (a thin stratum then weighs about 0):
    /// <list type="bullet">
    /// <item>m: the levels' shares among the pairs sharing a keyed hash (one person's accounts), each counted with its
    /// match probability under the other comparisons;</item>
    /// <item>u: the levels' shares among the stratum's candidate pairs less its expected matches, which are the pairs
    /// sharing a keyed hash there divided by the share of matches that share one (over every stratum, under the
    /// other comparisons), spread over the levels as m.</item>
    /// </list>
    /// Within a stratum the fields agree alike, so the level's weight is what the record adds beyond them; u comes from
    /// the candidates because their non-matches are the namesakes the fields could not tell apart, whose record Dice
    /// random pairs do not show (there a Dice above 0.5 is rare, though namesakes reach it through their names).
    /// Not by EM: a level where namesakes are a few percent of the stratum's non-matches and one person's accounts a
    /// tenth of its matches (family name differing, given name alike, same birth date, record Dice 0.70) became a
    /// match in EM's E-step, its u fell to 10⁻⁶ and weight to +15 bits, and 1,100 such namesakes linked at two million.</summary>
    private void TrainWithinStrata(string[] mSource, Dictionary<long, long> patterns, List<string> warnings, string kind)
    {
        for (var c = 0; c < Comparisons.Count; c++)
        {
            if (Comparisons[c].Role != ComparisonRole.RecordBeyondFields) continue;
            var (all, identified) = (new double[M[c].Length], new double[M[c].Length]);
            var logPrior = Math.Log(CandidateLambda) - Math.Log(1 - CandidateLambda);
            var expectedMatches = 0.0;
            foreach (var (pattern, count) in patterns)
            {
                if (LevelIn(pattern, c) is not (>= 0 and var level)) continue;
                var match = count / (1 + Math.Exp(-(logPrior + LogLikelihoodRatio(pattern, except: c))));
                all[level] += count;
                expectedMatches += match;
                if (SelectedBy(pattern, ComparisonRole.KeyedHash)) identified[level] += match;
            }
            var (pairs, identifiedMatches) = (all.Sum(), identified.Sum());
            if (identifiedMatches < settings.RecordBeyondFieldsMinimumMatches)
            {
                // Neutral rather than the priors: what the record holds beyond the fields is the market's to show (the
                // held-out markets' records hold no postcode, and their priors' weights cost F1 0.953 → 0.944).
                warnings.Add($"{kind}: too few pairs sharing a keyed hash to learn {Comparisons[c].Name} ({identifiedMatches:N0} expected matches of {pairs:N0} pairs): not weighed");
                U[c] = [.. M[c]];
                mSource[c] = "not weighed (too few pairs sharing a keyed hash)";
                continue;
            }
            var size = Comparisons[c].StratumLevels;
            var m = WithinStrata(identified, all, size);
            var identifiedShare = identifiedMatches / expectedMatches;
            var nonMatches = new double[all.Length];
            for (var first = 0; first < all.Length; first += size)
            {
                var (stratum, stratumIdentified) = (all.AsSpan(first, size).ToArray().Sum(), identified.AsSpan(first, size).ToArray().Sum());
                var matches = Math.Min(stratum, stratumIdentified / identifiedShare);
                for (var l = first; l < first + size; l++) nonMatches[l] = Math.Max(all[l] - matches * m[l], 0);
            }
            var u = WithinStrata(nonMatches, all, size);
            // A higher record Dice within a stratum is never weaker evidence: the weights are fitted non-increasing down the
            // levels (each level counted by its candidate pairs), and u is set to give the fitted weight. Unfitted, the levels
            // below the LSH's floor of 0.70 weighed up to +12 bits in strata that only the LSH brings to the candidates, where
            // the non-matches below the floor are never seen (at 500,000 accounts).
            var fitted = NonIncreasing([.. m.Select((mass, l) => Math.Log(mass) - Math.Log(u[l]))], all, size)
                .Select(w => Math.Min(w, settings.RecordBeyondFieldsMaximumBits * Math.Log(2))).ToArray();
            for (var l = 0; l < u.Length; l++) u[l] = m[l] * Math.Exp(-fitted[l]);
            (M[c], U[c]) = (m, u);
            mSource[c] = "pairs sharing a keyed hash";
        }
    }

    /// <summary>The weighted least-squares fit of <paramref name="values"/> that does not increase within each stratum of
    /// <paramref name="size"/> levels (pool adjacent violators), each value weighed by its count (a level without pairs
    /// takes its neighbours' value).</summary>
    internal static double[] NonIncreasing(double[] values, double[] counts, int size)
    {
        var fitted = new double[values.Length];
        for (var first = 0; first < values.Length; first += size)
        {
            var blocks = new List<(double Value, double Weight, int Length)>();
            for (var l = first; l < first + size; l++)
            {
                var block = (Value: values[l], Weight: Math.Max(counts[l], 1e-9), Length: 1);
                while (blocks.Count > 0 && blocks[^1].Value < block.Value)
                {
                    var previous = blocks[^1];
                    blocks.RemoveAt(blocks.Count - 1);
                    var weight = previous.Weight + block.Weight;
                    block = ((previous.Value * previous.Weight + block.Value * block.Weight) / weight, weight, previous.Length + block.Length);
                }
                blocks.Add(block);
            }
            var at = first;
            foreach (var (value, _, length) in blocks)
                for (var k = 0; k < length; k++) fitted[at++] = value;
        }
        return fitted;
    }

    /// <summary>Each level's share of <paramref name="counts"/> within its stratum (<paramref name="size"/> levels), drawn
    /// towards the level's share of <paramref name="all"/> there by <see cref="LinkageSettings.RecordStratumPseudoPairs"/>
    /// pairs' worth (a stratum without pairs: equal shares).</summary>
    private double[] WithinStrata(double[] counts, double[] all, int size)
    {
        var shares = new double[counts.Length];
        for (var first = 0; first < counts.Length; first += size)
        {
            var (stratum, stratumAll) = (0.0, 0.0);
            for (var l = first; l < first + size; l++) (stratum, stratumAll) = (stratum + counts[l], stratumAll + all[l]);
            for (var l = first; l < first + size; l++)
            {
                var pooled = stratumAll > 0 ? all[l] / stratumAll : 1.0 / size;
                shares[l] = Math.Max((counts[l] + settings.RecordStratumPseudoPairs * pooled) / (stratum + settings.RecordStratumPseudoPairs), settings.MinimumProbability);
            }
        }
        return shares;
    }

    /// <summary>Whether some name field of the pattern reaches <see cref="LinkageSettings.NameFieldBlockFloor"/>: the
    /// birth-date session trains on these only. Small birth-date blocks give every pair to scoring (<c>NameFieldBlocks</c>);
    /// at 100,000 accounts most of those are strangers born on one day, and EM's match class took them in (name "lower"
    /// m 0.74, precision 0.99 → 0.90), since the shared date alone outweighs two differing names in its posterior.</summary>
    private bool NamesAlike(long pattern, int[] names)
    {
        var alikeLevels = settings.NameFieldLevels.Count(l => l.MinDice >= settings.NameFieldBlockFloor);
        foreach (var c in names)
            if (LevelIn(pattern, c) is var level and >= 0 && level < alikeLevels) return true;
        return false;
    }

    /// <summary>λ such that λ × all pairs = the expected matches among the candidate pairs, each pair's match probability
    /// computed with λ as its prior (the posterior the threshold is set on): iterated from the current λ, which it
    /// approaches monotonically (the count grows with λ and is bounded by the candidates).</summary>
    private double FixedPointLambda(Dictionary<long, long> patterns, double allPairs)
    {
        var weight = patterns.Select(p => (p.Value, LogLikelihoodRatio(p.Key))).ToArray();
        var lambda = Lambda;
        for (var iteration = 0; iteration < settings.MaxEmIterations; iteration++)
        {
            var logPrior = Math.Log(lambda) - Math.Log(1 - lambda);
            var matches = weight.Sum(p => p.Value / (1 + Math.Exp(-(logPrior + p.Item2))));
            var next = Math.Clamp(matches / allPairs, 1e-15, 0.5);
            if (Math.Abs(next - lambda) <= settings.EmTolerance * lambda) return next;
            lambda = next;
        }
        return lambda;
    }

    /// <summary>Σ ln(m/u) over a pattern's non-missing comparisons (natural log; no prior, no term frequency), but
    /// comparison <paramref name="except"/>.</summary>
    private double LogLikelihoodRatio(long pattern, int except = -1)
    {
        var ratio = 0.0;
        for (var c = 0; c < Comparisons.Count; c++)
            if (c != except && LevelIn(pattern, c) is var level and >= 0) ratio += Math.Log(M[c][level]) - Math.Log(U[c][level]);
        return ratio;
    }

    /// <summary>u again from the random pairs, each pattern counted with its probability of being two different persons
    /// under the current m, u and λ (the random pairs that are one person measure λ·m, not u). Levels that kept their
    /// prior stay; a level whose non-matching count falls below <see cref="LinkageSettings.MinimumUCount"/> takes its prior.</summary>
    /// <returns>Whether any u changed (then the m are trained again).</returns>
    private bool RemoveMatchesFromU(Dictionary<long, long> randomPatterns, string[][] source)
    {
        var counts = Comparisons.Select(c => new double[c.Levels]).ToArray();
        foreach (var (pattern, count) in randomPatterns)
        {
            var nonMatch = count / (1 + Math.Exp(Math.Log(Lambda) - Math.Log(1 - Lambda) + LogLikelihoodRatio(pattern)));
            for (var c = 0; c < Comparisons.Count; c++)
                if (LevelIn(pattern, c) is var level and >= 0) counts[c][level] += nonMatch;
        }
        var changed = false;
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var compared = counts[c].Sum();
            for (var l = 0; l < counts[c].Length; l++)
            {
                if (source[c][l] != RandomPairsSource || compared <= 0) continue;
                var u = counts[c][l] < settings.MinimumUCount ? Comparisons[c].PriorU[l] : Math.Clamp(counts[c][l] / compared, settings.MinimumProbability, 1.0);
                if (counts[c][l] < settings.MinimumUCount) source[c][l] = $"prior ({counts[c][l]:F0} non-matching seen)";
                changed |= Math.Abs(Math.Log(u / U[c][l])) > 0.01;
                U[c][l] = u;
            }
        }
        return changed;
    }

    private const string RandomPairsSource = "random pairs";
    private const string CandidatesSource = "candidates";

    /// <summary>At most this many rounds of u without the matches, then m (each a few EM runs over patterns: milliseconds).</summary>
    private const int UEstimationRounds = 6;

    /// <summary>u per level: the level's share among random pairs of the kind where neither side is missing. A level seen
    /// fewer than <see cref="LinkageSettings.MinimumUCount"/> times keeps its prior, and so does a level the blocking
    /// selects on (see <see cref="LinkageSettings.RandomPairs"/>). Also returns the random pairs' patterns, so that
    /// <see cref="RemoveMatchesFromU"/> can measure u again once m and λ are known.</summary>
    private (long Pairs, Dictionary<long, long> Patterns, string[][] Source) EstimateU(LinkAccounts a, int[] members, CancellationToken ct)
    {
        var source = Comparisons.Select(c => Enumerable.Repeat("prior", c.Levels).ToArray()).ToArray();
        var patterns = new Dictionary<long, long>();
        if (members.Length < 2) return (0, patterns, source);
        var n = (long)members.Length;
        var sample = (long)Math.Min(settings.RandomPairs, n * (n - 1) / 2);
        const int ChunkSize = 1 << 16;
        var chunks = (int)((sample + ChunkSize - 1) / ChunkSize);
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = ct }, () => new Dictionary<long, long>(),
            (chunk, _, local) =>
            {
                var rng = new Random(1_000_003 * chunk + 13); // fixed per chunk: a run's u does not depend on the thread schedule
                // Drawn a batch ahead and prefetched: each random account's attributes are a dozen cache misses (issue 12).
                Span<(int X, int Y)> batch = stackalloc (int, int)[PrefetchBatch];
                for (var k = (long)chunk * ChunkSize; k < Math.Min(sample, (chunk + 1L) * ChunkSize); k += PrefetchBatch)
                {
                    var drawn = (int)Math.Min(PrefetchBatch, Math.Min(sample, (chunk + 1L) * ChunkSize) - k);
                    for (var d = 0; d < drawn; d++)
                    {
                        var x = members[rng.Next(members.Length)];
                        var y = members[rng.Next(members.Length - 1)];
                        if (y == x) y = members[^1];
                        batch[d] = (x, y);
                        a.Prefetch(x);
                        a.Prefetch(y);
                    }
                    foreach (var (x, y) in batch[..drawn])
                    {
                        var pattern = PatternOf(x, y);
                        local[pattern] = local.GetValueOrDefault(pattern) + 1;
                    }
                }
                return local;
            },
            local => { lock (patterns) foreach (var (pattern, count) in local) patterns[pattern] = patterns.GetValueOrDefault(pattern) + count; });
        var counts = Comparisons.Select(c => new long[c.Levels]).ToArray();
        foreach (var (pattern, count) in patterns)
            for (var c = 0; c < Comparisons.Count; c++)
                if (LevelIn(pattern, c) is var level and >= 0) counts[c][level] += count;
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var compared = counts[c].Sum();
            if (compared == 0) continue;
            for (var l = 0; l < counts[c].Length; l++)
            {
                if (Comparisons[c].Role == ComparisonRole.RecordBeyondFields) { source[c][l] = CandidatesSource; continue; }
                if (l < Comparisons[c].SelectedLevels && Comparisons[c].Role != ComparisonRole.SharedKey) { source[c][l] = "prior (blocking level)"; continue; }
                if (counts[c][l] < settings.MinimumUCount) { source[c][l] = $"prior ({counts[c][l]} seen)"; continue; }
                U[c][l] = Math.Clamp(counts[c][l] / (double)compared, settings.MinimumProbability, 1.0);
                source[c][l] = RandomPairsSource;
            }
        }
        return (sample, patterns, source);
    }

    /// <summary>How far ahead the random and candidate pairs' accounts are prefetched.</summary>
    private const int PrefetchBatch = 16;

    /// <summary>Each candidate pair's pattern (its levels as one mixed-radix key), and how many pairs share each.</summary>
    private Dictionary<long, long> CountPatterns(LinkAccounts a, long[] pairs, long[] patternOfPair, CancellationToken ct)
    {
        const int ChunkSize = 1 << 16;
        var total = new Dictionary<long, long>();
        Parallel.For(0, (pairs.Length + ChunkSize - 1) / ChunkSize, new ParallelOptions { CancellationToken = ct }, () => new Dictionary<long, long>(),
            (chunk, _, local) =>
            {
                var end = Math.Min(pairs.Length, (chunk + 1) * ChunkSize);
                for (var k = chunk * ChunkSize; k < end; k++)
                {
                    // The pairs are sorted by their first account: the second is a random one, its lines asked for ahead.
                    if (k + PrefetchBatch < end) a.Prefetch(PairKeys.Accounts(pairs[k + PrefetchBatch]).B);
                    var (x, y) = PairKeys.Accounts(pairs[k]);
                    if (a.IsWorker[x] != IsWorker) continue;
                    var pattern = patternOfPair[k] = PatternOf(x, y);
                    local[pattern] = local.GetValueOrDefault(pattern) + 1;
                }
                return local;
            },
            local => { lock (total) foreach (var (pattern, count) in local) total[pattern] = total.GetValueOrDefault(pattern) + count; });
        return total;
    }

    /// <summary>An encoding's term frequency (issue 13): each account's count of accounts of the kind at its top Dice level
    /// (itself included), from the candidate pairs, which hold nearly every such pair (LSH's recall is about 1 there).
    /// Two million accounts hold hundreds of firms of one common name in an area, and a record encoding without a
    /// birth date cannot tell them apart: at the top level with the e-mail differing they were the largest false groups
    /// (7,814 pairs). Such an encoding agreeing is weighed like a common keyed-hash value: u = its frequency.
    /// The same pass counts, for each lower level the blocking keeps, the accounts at that level or higher
    /// (<c>lowerLevelNeighbours</c>; session 24: firms of one name near-matching at 0.90–0.95).</summary>
    private void CountNeighbours(LinkAccounts a, long[] pairs, long[] patternOfPair)
    {
        for (var c = 0; c < Comparisons.Count; c++)
        {
            if (Comparisons[c].Role != ComparisonRole.Encoding || Comparisons[c].ValueCount is not { } counts) continue;
            Array.Fill(counts, 1);
            var keptLevels = (IsWorker ? settings.DiceLevels : settings.OrganisationDiceLevels).Count(l => l.MinDice >= settings.BlockingFloor(IsWorker));
            var lower = lowerLevelNeighbours[c] = [.. Enumerable.Range(1, Math.Max(0, keptLevels - 1)).Select(_ => new int[a.Count])];
            foreach (var level in lower) Array.Fill(level, 1);
            for (var k = 0; k < pairs.Length; k++)
            {
                var (x, y) = PairKeys.Accounts(pairs[k]);
                if (a.IsWorker[x] != IsWorker || LevelIn(patternOfPair[k], c) is not (>= 0 and var level) || level >= keptLevels) continue;
                if (level == 0) { counts[x]++; counts[y]++; }
                for (var l = Math.Max(level, 1); l < keptLevels; l++) { lower[l - 1][x]++; lower[l - 1][y]++; }
            }
        }
    }

    public long PatternOf(int x, int y)
    {
        var key = 0L;
        for (var c = 0; c < Comparisons.Count; c++) key += (Comparisons[c].LevelOf(x, y) + 1) * radix[c];
        return key;
    }

    /// <summary>Comparison <paramref name="c"/>'s level in a pattern; −1 when missing.</summary>
    public int LevelIn(long pattern, int c) => (int)(pattern / radix[c] % (Comparisons[c].Levels + 1)) - 1;

    /// <summary>Whether the blocking would have selected a pair with this pattern for its <paramref name="role"/>: a
    /// keyed hash agreeing, or an encoding at a level at or above the fuzzy floor.</summary>
    private bool SelectedBy(long pattern, ComparisonRole role)
    {
        for (var c = 0; c < Comparisons.Count; c++)
            if (Comparisons[c].Role == role && LevelIn(pattern, c) is var level and >= 0 && level < Comparisons[c].SelectedLevels) return true;
        return false;
    }

    private readonly record struct EmResult(double[][] M, double Lambda, double Matches, int Iterations, bool Converged);

    /// <summary>EM over patterns with u fixed: the E-step gives each pattern its match probability under the current m
    /// and λ, the M-step sets m of the <paramref name="learnt"/> comparisons to the levels' shares among the expected
    /// matches (where not missing) and λ to the expected match share.</summary>
    private EmResult RunEm(KeyValuePair<long, long>[] patterns, int[] learnt, bool estimateLambda)
    {
        var m = M.Select(levels => levels.ToArray()).ToArray();
        var lambda = CandidateLambda;
        var levels = patterns.Select(p => Enumerable.Range(0, Comparisons.Count).Select(c => LevelIn(p.Key, c)).ToArray()).ToArray();
        var matches = 0.0;
        // Each level's ln(m/u), once per iteration rather than once per pattern and comparison: the logarithms were
        // most of EM's time (thousands of patterns, hundreds of iterations, several sessions; issue 12). Same terms,
        // added in the same order, so the same sums.
        var levelLogRatio = m.Select(l => new double[l.Length]).ToArray();
        for (var iteration = 1; iteration <= settings.MaxEmIterations; iteration++)
        {
            var sums = m.Select(l => new double[l.Length]).ToArray();
            matches = 0.0;
            var pairs = 0.0;
            for (var c = 0; c < m.Length; c++)
                for (var l = 0; l < m[c].Length; l++) levelLogRatio[c][l] = Math.Log(m[c][l]) - Math.Log(U[c][l]);
            var logPrior = Math.Log(lambda) - Math.Log(1 - lambda);
            for (var p = 0; p < patterns.Length; p++)
            {
                var logRatio = logPrior;
                for (var c = 0; c < levels[p].Length; c++)
                    if (levels[p][c] >= 0) logRatio += levelLogRatio[c][levels[p][c]];
                var match = 1 / (1 + Math.Exp(-logRatio)); // the posterior, computed from log-odds so that it cannot overflow
                var weight = patterns[p].Value * match;
                matches += weight;
                pairs += patterns[p].Value;
                foreach (var c in learnt)
                    if (levels[p][c] >= 0) sums[c][levels[p][c]] += weight;
            }
            var change = 0.0;
            foreach (var c in learnt)
            {
                var total = sums[c].Sum();
                if (total <= 0) { Array.Clear(m[c]); continue; } // missing on every pair: nothing learnt (the caller keeps the prior)
                for (var l = 0; l < m[c].Length; l++)
                {
                    var next = Math.Clamp(sums[c][l] / total, settings.MinimumM, settings.MaximumM);
                    change = Math.Max(change, Math.Abs(next - m[c][l]));
                    m[c][l] = next;
                }
            }
            if (estimateLambda && pairs > 0)
            {
                var next = Math.Clamp(matches / pairs, 1e-9, 1 - 1e-9);
                change = Math.Max(change, Math.Abs(next - lambda));
                lambda = next;
            }
            if (double.IsNaN(change)) return new EmResult(m, lambda, matches, iteration, false);
            if (change < settings.EmTolerance) return new EmResult(m, lambda, matches, iteration, true);
        }
        return new EmResult(m, lambda, matches, settings.MaxEmIterations, false);
    }

    private void ComputeWeights()
    {
        for (var c = 0; c < Comparisons.Count; c++)
        {
            for (var l = 0; l < M[c].Length; l++) weights[c][l] = LinkageSettings.Weight(M[c][l], U[c][l]);
            if (Comparisons[c].ValueCount is not null) agreeU[c] = U[c][0];
        }
    }

    /// <summary>The match weight of a pair with this pattern: the prior plus each non-missing level's weight, an
    /// agreement on a keyed-hash value that many accounts hold weighed by the value's frequency instead.</summary>
    public double MatchWeight(int x, long pattern)
    {
        var weight = PriorWeight;
        for (var c = 0; c < Comparisons.Count; c++)
        {
            var level = LevelIn(pattern, c);
            if (level < 0) continue;
            weight += weights[c][level];
            if (level == 0 && Comparisons[c].ValueCount is { } counts && counts[x] >= settings.TermFrequencyMinimumCount && withValue[c] > 0)
            {
                var valueU = counts[x] / (double)withValue[c];
                if (valueU > agreeU[c]) weight += Math.Log2(agreeU[c] / valueU);
            }
            else if (level > 0 && lowerLevelNeighbours[c] is { } lower && level <= lower.Length
                     && lower[level - 1][x] >= settings.TermFrequencyMinimumCount && withValue[c] > 0)
            {
                // An encoding's lower kept level: u is the share of the kind within that Dice of the account, when above the level's u.
                var valueU = lower[level - 1][x] / (double)withValue[c];
                if (valueU > U[c][level]) weight += Math.Log2(U[c][level] / valueU);
            }
        }
        return weight;
    }

    /// <summary>Whether the pattern has a keyed hash agreeing: the evidence that lets a link join two accounts of one platform.</summary>
    public bool HashAgrees(long pattern)
    {
        for (var c = 0; c < Comparisons.Count; c++)
            if (Comparisons[c].Role == ComparisonRole.KeyedHash && LevelIn(pattern, c) == 0) return true;
        return false;
    }

    /// <summary>The audit trail's evidence: each non-missing comparison's level (a Dice level shows the Dice).</summary>
    public IEnumerable<string> Evidence(int x, int y, long pattern)
    {
        for (var c = 0; c < Comparisons.Count; c++)
            if (LevelIn(pattern, c) is var level and >= 0) yield return Comparisons[c].Evidence(x, y, level);
    }
}
