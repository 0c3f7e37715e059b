using System.Numerics;
using MarketStats.Core.Privacy;
using MarketStats.Linkage;

namespace MarketStats.Tests.Linkage;

/// <summary>The record similarity (issue 13): a field one account gives and the other leaves out is not counted against
/// the pair, only where contract v2's fields show which fields each gives.</summary>
public sealed class LinkAccountsTests
{
    private static readonly ClkEncoder Encoder = new(AssociationKey.FromSeed(13));
    private static readonly double Floor = new LinkageSettings().PartialRecordFloor;

    // One firm's four sign-ups and a namesake firm in the same prefecture (another postcode).
    private static readonly IdentityFields Full = new("山田建設", null, "ヤマダケンセツ", null, null, "1500001");
    private static readonly IdentityFields NoReading = Full with { FamilyNameKana = null };
    private static readonly IdentityFields NamesakeNoReading = NoReading with { Postcode = "1710042" };
    private static readonly IdentityFields SoleProprietorDated = new("佐藤", "花子", "サトウ", "ハナコ", "1985-04-12", "1500001");

    /// <summary>Accounts 0..n−1 as clients with these identities; v2 accounts get a name-field encoding for each name
    /// field they give (only whether a field is given matters here) and a birth-date hash when dated.</summary>
    private static LinkAccounts Clients(params (IdentityFields Identity, bool V2)[] accounts)
    {
        var a = new LinkAccounts(accounts.Length);
        var words = new ulong[LinkAccounts.Words];
        for (var i = 0; i < accounts.Length; i++)
        {
            var (identity, v2) = accounts[i];
            Assert.True(ClkEncoder.TryDecode(Encoder.Encode(identity).Base64, words));
            a.SetClk(i, words);
            (a.AgeBand[i], a.Gender[i]) = (-1, -1);
            if (!v2) continue;
            string?[] names = [identity.FamilyName, identity.GivenName, identity.FamilyNameKana, identity.GivenNameKana];
            for (var f = 0; f < LinkAccounts.NameFields; f++)
                if (names[f] is not null) a.SetFieldClk(i, f, Enumerable.Repeat((byte)0x11, FieldClkEncoder.FoldedBytes).ToArray());
            if (identity.BirthDate is not null) a.BirthDate[i] = 42;
        }
        return a;
    }

    private static int Bits(ReadOnlySpan<ulong> words)
    {
        var bits = 0;
        foreach (var word in words) bits += BitOperations.PopCount(word);
        return bits;
    }

    private static int Common(LinkAccounts a, int x, int y)
    {
        var (u, v) = (a.Clk(x).ToArray(), a.Clk(y).ToArray());
        return Bits([.. u.Zip(v, (p, q) => p & q)]);
    }

    [Fact]
    public void PartialContainment_is_the_share_of_the_side_that_leaves_a_field_out_that_the_other_has()
    {
        var a = Clients((Full, true), (NoReading, true));
        var level = new LinkageSettings().ContainedRecordLevel.MinDice;
        var floor = new LinkageSettings().BlockingFloor(workers: false);

        // The reading on one side only pulls Dice under the organisations' floor, though nothing disagrees.
        Assert.True(a.Dice(0, 1) < floor, $"Dice {a.Dice(0, 1):F3}: the reading should cost the pair its floor");
        Assert.True(a.Dice(0, 1) >= Floor, $"Dice {a.Dice(0, 1):F3}: under the partial floor, the example tests nothing");
        var expected = (double)Common(a, 0, 1) / Bits(a.Clk(1));
        Assert.Equal(expected, a.PartialContainment(0, 1, Floor), precision: 12);
        Assert.Equal(expected, a.PartialContainment(1, 0, Floor), precision: 12);
        Assert.True(expected >= level, $"containment {expected:F3} below the contained level {level}");
    }

    [Fact]
    public void PartialContainment_still_tells_apart_two_firms_of_one_name_whose_postcodes_differ()
    {
        var a = Clients((Full, true), (NamesakeNoReading, true));
        var containment = a.PartialContainment(0, 1, 0); // whatever the Dice
        Assert.True(containment < new LinkageSettings().ContainedRecordLevel.MinDice, $"containment {containment:F3}: a namesake with another postcode reaches the level");
    }

    [Fact]
    public void PartialContainment_is_missing_when_nothing_is_known_of_the_fields_or_neither_side_gives_a_subset_or_Dice_is_under_the_floor()
    {
        // A v1 account (no per-field encodings): which fields it gives is unknown. A pair where each side gives a field
        // the other lacks (the family name's reading on one, the given name's on the other): the containment of either would count one.
        // The same fields on both sides: Dice says all. A firm that left out its postcode too: contained in any namesake.
        var a = Clients((Full, true), (NoReading, false), (SoleProprietorDated with { FamilyNameKana = null }, true),
            (SoleProprietorDated with { GivenNameKana = null }, true), (Full, true), (NoReading with { Postcode = null }, true), (Full with { Postcode = "1710042" }, true));
        Assert.True(a.Dice(2, 3) >= Floor, $"Dice {a.Dice(2, 3):F3}: under the partial floor, the example tests nothing");
        Assert.True(double.IsNaN(a.PartialContainment(0, 1, Floor)));
        Assert.True(double.IsNaN(a.PartialContainment(2, 3, Floor)));
        Assert.True(double.IsNaN(a.PartialContainment(0, 4, Floor)));
        Assert.True(a.Dice(5, 6) < Floor, $"Dice {a.Dice(5, 6):F3}");
        Assert.True(a.PartialContainment(5, 6, 0) > 0.85, $"containment {a.PartialContainment(5, 6, 0):F3}: the example shows nothing");
        Assert.True(double.IsNaN(a.PartialContainment(5, 6, Floor)));
    }

    [Fact]
    public void The_clients_record_comparison_scores_a_reading_on_one_side_at_the_contained_level_and_a_namesake_below()
    {
        var a = Clients((Full, true), (NoReading, true), (NamesakeNoReading, true), (Full, false), (NoReading, false));
        var clk = ComparisonTable.For(workers: false, a, new LinkageSettings()).Single(c => c.Name == "clk_dice");
        var contained = clk.LevelNames.ToList().IndexOf("contained>=0.90");
        Assert.Equal(2, contained); // after the two levels the blocking keeps
        Assert.True(contained < clk.SelectedLevels);
        Assert.Equal(contained, clk.LevelOf(0, 1));
        Assert.Equal(clk.Levels - 1, clk.LevelOf(0, 2)); // "lower"
        Assert.Equal(clk.Levels - 1, clk.LevelOf(3, 4)); // v1: Dice alone, as before
        Assert.Equal(0, clk.LevelOf(0, 0)); // Dice 1: the top level, unmoved
    }
}
