using System.Globalization;
using MarketStats.Core.Storage;

namespace MarketStats.Linkage;

/// <summary>Scored candidate pairs whose match weight falls in [<paramref name="From"/>, From + width): how many are true
/// matches, how many are not, and how many the truth does not cover.</summary>
public sealed record WeightBin(double From, long TruePairs, long FalsePairs, long UnknownPairs);

/// <summary>The candidate step's recall: true pairs (two accounts of one kind and one true person) it brought to
/// scoring, of all true pairs and of those that would reach the threshold if compared (scored directly); the same at
/// the threshold for workers alone (organisations are blocked at a stricter floor, see docs/linkage.md).</summary>
public sealed record BlockingRecall(long TruePairs, long FoundPairs, long TruePairsAboveThreshold, long FoundAboveThreshold,
    long WorkerPairsAboveThreshold = 0, long WorkerFoundAboveThreshold = 0)
{
    public double WorkerRecallAboveThreshold => WorkerPairsAboveThreshold == 0 ? 1 : (double)WorkerFoundAboveThreshold / WorkerPairsAboveThreshold;
    public double Recall => TruePairs == 0 ? 1 : (double)FoundPairs / TruePairs;
    public double RecallAboveThreshold => TruePairsAboveThreshold == 0 ? 1 : (double)FoundAboveThreshold / TruePairsAboveThreshold;
}

/// <summary>What a linkage run keeps for <c>link --evaluate</c> (<see cref="PersonLinker"/> with keepDiagnostics): the
/// accounts, the candidate pairs with their match weights, and the estimated models.</summary>
public sealed class LinkageDiagnostics
{
    public const double BinWidth = 2.0;
    private readonly LinkAccounts accounts;
    private readonly long[] pairs;
    private readonly float[] weights;
    private readonly FellegiSunterModel[] models; // workers, clients
    private readonly LinkageSettings settings;

    private readonly IReadOnlySet<long> ruleLinks;

    /// <param name="ruleLinks">The pairs linked below the threshold by the one-to-one rule (<see cref="MutualBestPairs"/>).</param>
    internal LinkageDiagnostics(LinkAccounts accounts, long[] pairs, float[] weights, FellegiSunterModel[] models, LinkageSettings settings,
        IReadOnlySet<long>? ruleLinks = null) =>
        (this.accounts, this.pairs, this.weights, this.models, this.settings, this.ruleLinks) = (accounts, pairs, weights, models, settings, ruleLinks ?? new HashSet<long>());

    /// <summary>Whether the run linked the two accounts directly below the threshold (the one-to-one rule).</summary>
    internal bool LinkedByRule(int x, int y) => ruleLinks.Contains(PairKeys.Of(x, y));

    public double Threshold => settings.Threshold;

    /// <summary>The candidate pairs (<see cref="PairKeys.Of"/>, sorted).</summary>
    internal long[] CandidatePairs => pairs;

    /// <summary>The match weight the run's model gives two accounts of one kind, whether the blocking paired them or not.</summary>
    internal double MatchWeight(int x, int y)
    {
        var model = models[accounts.IsWorker[x] ? 0 : 1];
        return model.MatchWeight(x, model.PatternOf(x, y));
    }

    /// <summary>A pair's comparison levels in words (missing comparisons left out), for <see cref="LinkageAttribution"/>,
    /// after what the levels do not show (issue 13): the kind, how many sides give a birth date, the record encoding's
    /// Dice to 0.05 (it holds the postcode, which no field comparison does) and the name fields given on one side only
    /// (a field on one side only lowers the record Dice though nothing disagrees).</summary>
    internal string DescribePattern(int x, int y)
    {
        var model = models[accounts.IsWorker[x] ? 0 : 1];
        var pattern = model.PatternOf(x, y);
        var dated = (accounts.BirthYear[x] != 0 ? 1 : 0) + (accounts.BirthYear[y] != 0 ? 1 : 0);
        var record = accounts.Dice(x, y) is var dice && double.IsNaN(dice) ? "-" : (Math.Floor(dice * 20) / 20).ToString("F2", CultureInfo.InvariantCulture);
        var oneSidedFields = accounts.OneSidedNameFields(x, y);
        var oneSided = Enumerable.Range(0, LinkAccounts.NameFields)
            .Where(f => (oneSidedFields >> f & 1) == 1).Select(f => LinkAccounts.NameFieldColumns[f]).ToArray();
        return string.Join(" ", [(model.IsWorker ? "worker" : "client") + $" dated{dated} record{record}",
            .. oneSided.Length == 0 ? Array.Empty<string>() : ["one-sided:" + string.Join(",", oneSided)],
            .. model.Comparisons.Select((c, i) => (c, Level: model.LevelIn(pattern, i)))
                .Where(c => c.Level >= 0 && c.c.Role is not (ComparisonRole.Attribute or ComparisonRole.RecordBeyondFields)).Select(c => c.c.Name + c.c.LevelNames[c.Level])]);
    }

    /// <summary>Blocking recall and the match-weight distribution of the scored pairs against a ground-truth CSV
    /// (<c>platform_id, account_id, kind, true_person_id</c>).</summary>
    public (BlockingRecall Recall, IReadOnlyList<WeightBin> Distribution) Evaluate(Warehouse warehouse, string truthCsv)
    {
        var truePerson = TruePersons(warehouse, truthCsv);
        return (Recall(truePerson), Distribution(truePerson));
    }

    /// <summary>Each account's true person as a dense number (−1 when the truth lacks it); kinds never share a number.
    /// Numbered in order of each person's first account, so that the result does not depend on DuckDB's plan.</summary>
    /// <remarks>DuckDB numbers the distinct (kind, true person) pairs as they stream past (a distinct and two hash joins,
    /// which spill): a dense rank over all the accounts' rows, ordered, ran out of the 512 MB ceiling at ten million
    /// accounts (issue 12); at two million it needed more than 150 MB, this less than 60 MB.</remarks>
    internal int[] TruePersons(Warehouse warehouse, string truthCsv)
    {
        var truth = LinkageEvaluation.ReadTruth(truthCsv);
        var numberOf = new int[accounts.Count];
        Array.Fill(numberOf, -1);
        var persons = 0;
        using (var reader = warehouse.Query($"""
            with persons as (
                select kind, true_person_id, row_number() over () - 1 as number
                from (select distinct kind, true_person_id from {truth})
            )
            select l.account_index, p.number
            from int_link_accounts as l
            join {truth} as t on t.platform_id = l.platform_id and t.account_id = l.account_id and t.kind = l.kind
            join persons as p on p.kind = t.kind and p.true_person_id = t.true_person_id
            """))
            while (reader.Read())
            {
                numberOf[reader.GetInt64(0)] = (int)reader.GetInt64(1);
                persons = Math.Max(persons, (int)reader.GetInt64(1) + 1);
            }
        var renumbered = new int[persons];
        Array.Fill(renumbered, -1);
        var next = 0;
        for (var i = 0; i < numberOf.Length; i++)
            if (numberOf[i] >= 0)
                numberOf[i] = renumbered[numberOf[i]] >= 0 ? renumbered[numberOf[i]] : renumbered[numberOf[i]] = next++;
        return numberOf;
    }

    private BlockingRecall Recall(int[] truePerson)
    {
        var order = Enumerable.Range(0, accounts.Count).Where(i => truePerson[i] >= 0).ToArray();
        Array.Sort(order.Select(i => truePerson[i]).ToArray(), order);
        long truePairs = 0, found = 0, above = 0, foundAbove = 0, workersAbove = 0, workersFoundAbove = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && truePerson[order[end]] == truePerson[order[start]]) end++;
            for (var i = start; i < end; i++)
                for (var j = i + 1; j < end; j++)
                {
                    var (x, y) = PairKeys.Accounts(PairKeys.Of(order[i], order[j]));
                    var isFound = Array.BinarySearch(pairs, PairKeys.Of(x, y)) >= 0;
                    var isAbove = MatchWeight(x, y) >= settings.Threshold;
                    truePairs++;
                    if (isFound) found++;
                    if (isAbove) above++;
                    if (isAbove && isFound) foundAbove++;
                    if (isAbove && accounts.IsWorker[x]) { workersAbove++; if (isFound) workersFoundAbove++; }
                }
            start = end;
        }
        return new BlockingRecall(truePairs, found, above, foundAbove, workersAbove, workersFoundAbove);
    }

    private List<WeightBin> Distribution(int[] truePerson)
    {
        var bins = new SortedDictionary<double, (long True, long False, long Unknown)>();
        for (var k = 0; k < pairs.Length; k++)
        {
            var (x, y) = PairKeys.Accounts(pairs[k]);
            var from = Math.Floor(weights[k] / BinWidth) * BinWidth;
            var bin = bins.GetValueOrDefault(from);
            if (truePerson[x] < 0 || truePerson[y] < 0) bin.Unknown++;
            else if (truePerson[x] == truePerson[y]) bin.True++;
            else bin.False++;
            bins[from] = bin;
        }
        return [.. bins.Select(b => new WeightBin(b.Key, b.Value.True, b.Value.False, b.Value.Unknown))];
    }
}
