using MarketStats.Core.Privacy;
using MarketStats.Core.Storage;
using MarketStats.Linkage;
using MarketStats.Pipeline;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Linkage;

/// <summary>The name-field blocks (issue 13) find exactly the pairs their rules define, checked over all pairs of a
/// small held-out-pairs market by a plain implementation written here, and they bring the true pairs the other
/// passes miss (counted from the generator's answer key).</summary>
public sealed class NameFieldBlocksTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void Candidates_are_the_pairs_the_rules_define_and_bring_true_pairs_without_a_shared_birth_date()
    {
        var files = HeldOutLikeMarket.WritePairs(temp["market"], 1_200);
        using var w = PipelineSteps.OpenWarehouse(temp["m.duckdb"]);
        w.Execute($"copy raw_registrations from {SqlText.Literal(files.RegistrationsCsv)} (header)");
        new PipelineSteps(TimeProvider.System).Link(w, CancellationToken.None);
        var a = PersonLinker.LoadAccounts(w);
        // A year cap below the largest year and a budget below the undated's need, so that both limits are exercised too.
        foreach (var settings in new[] { new LinkageSettings(), new LinkageSettings { MaxBirthYearBlock = 15, MaxBirthMonthDayBlock = 3, UndatedComparisonBudget = 1_000, SmallBirthDateBlock = 1 } })
        {
            var (pairs, _) = NameFieldBlocks.Candidates(a, settings, CancellationToken.None);
            Assert.Equal(Plain(a, settings).Order(), pairs);
        }

        // The default rules bring true pairs whose birth dates differ or are missing, which the birth-date blocks cannot.
        var truth = File.ReadLines(files.TruthCsv).Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1]), f => f[3]);
        var person = new string[a.Count];
        using (var reader = w.Query("select account_index, platform_id, account_id from int_link_accounts"))
            while (reader.Read()) person[reader.GetInt64(0)] = truth[(reader.GetString(1), reader.GetString(2))];
        var (found, _) = NameFieldBlocks.Candidates(a, new LinkageSettings(), CancellationToken.None);
        var undatedOrDiffering = found.Select(PairKeys.Accounts).Count(p => person[p.A] == person[p.B] && (a.BirthDate[p.A] == 0 || a.BirthDate[p.A] != a.BirthDate[p.B]));
        Assert.True(undatedOrDiffering > 30, $"{undatedOrDiffering} true pairs without a shared birth date");
    }

    /// <summary>Over all pairs of workers: one birth year in a year of at most the cap, or one birth month and day
    /// (contract v3) in a month and day of at most its cap, or one undated (when the undated of
    /// the kind times its named accounts fit the budget), with both names alike (one, when the other is missing on a
    /// side: the higher floor); or one birth date in a date of at most the small-block size, whatever the names.</summary>
    private static HashSet<long> Plain(LinkAccounts a, LinkageSettings s)
    {
        bool Named(int i) => Enumerable.Range(0, LinkAccounts.NameFields).Any(f => a.FieldClk(i, f).IndexOfAnyExcept(0UL) >= 0);
        double? Dice(int x, int y, int f) => a.FieldClk(x, f).IndexOfAnyExcept(0UL) >= 0 && a.FieldClk(y, f).IndexOfAnyExcept(0UL) >= 0
            ? ClkEncoder.Dice(a.FieldClk(x, f), a.FieldClk(y, f)) : null;
        double? Best(int x, int y, int kanji, int kana) => new[] { Dice(x, y, kanji), Dice(x, y, kana) }.Max();
        bool Alike(int x, int y) => (Best(x, y, 0, 2), Best(x, y, 1, 3)) switch
        {
            (null, var given) => given >= s.SingleNameBlockFloor,
            (var family, null) => family >= s.SingleNameBlockFloor,
            var (family, given) => family >= s.NameFieldBlockFloor && given >= s.NameFieldBlockFloor,
        };
        var named = Enumerable.Range(0, a.Count).Where(Named).ToArray();
        var yearSize = named.Where(i => a.BirthYear[i] != 0).GroupBy(i => a.BirthYear[i]).ToDictionary(g => g.Key, g => g.Count());
        var monthDaySize = named.Where(i => a.BirthMonthDay[i] != 0).GroupBy(i => a.BirthMonthDay[i]).ToDictionary(g => g.Key, g => g.Count());
        var dateSize = Enumerable.Range(0, a.Count).Where(i => a.BirthDate[i] != 0).GroupBy(i => a.BirthDate[i]).ToDictionary(g => g.Key, g => g.Count());
        var undatedFit = (double)named.Count(i => a.BirthYear[i] == 0) * named.Length <= s.UndatedComparisonBudget;
        var pairs = new HashSet<long>();
        for (var x = 0; x < a.Count; x++)
            for (var y = x + 1; y < a.Count; y++)
            {
                var sameDate = a.BirthDate[x] != 0 && a.BirthDate[x] == a.BirthDate[y] && dateSize[a.BirthDate[x]] <= s.SmallBirthDateBlock;
                var bothNamed = Named(x) && Named(y);
                var sameYear = bothNamed && a.BirthYear[x] != 0 && a.BirthYear[x] == a.BirthYear[y] && yearSize[a.BirthYear[x]] <= s.MaxBirthYearBlock;
                var sameMonthDay = bothNamed && a.BirthMonthDay[x] != 0 && a.BirthMonthDay[x] == a.BirthMonthDay[y] && monthDaySize[a.BirthMonthDay[x]] <= s.MaxBirthMonthDayBlock;
                var undated = bothNamed && undatedFit && (a.BirthYear[x] == 0 || a.BirthYear[y] == 0);
                if (sameDate || (sameYear || sameMonthDay || undated) && Alike(x, y)) pairs.Add(PairKeys.Of(x, y));
            }
        return pairs;
    }
}
