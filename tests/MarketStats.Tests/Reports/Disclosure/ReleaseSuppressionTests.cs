using MarketStats.Reports.Disclosure;

namespace MarketStats.Tests.Reports.Disclosure;

public sealed class ReleaseSuppressionTests
{
    private static readonly ProtectionPolicy Policy = ProtectionPolicy.Default;

    private static List<string> Complements(IReadOnlyDictionary<string, Suppression> status) =>
        [.. status.Where(p => p.Value == Suppression.Complementary).Select(p => p.Key).Order(StringComparer.Ordinal)];

    /// <summary>rows {1,2} × columns {1,2} with all margins; (1,1) = 5 is primary; interior 20, 30, 40.</summary>
    private static (List<ReleaseCell> Cells, List<AdditiveRelation> Relations) TwoByTwo()
    {
        Dim[] dims = [Dim.Flat("r", 2), Dim.Flat("c", 2)];
        double[,] interior = { { 5, 20 }, { 30, 40 } };
        return ReleaseCubes.Build("t", dims, at => interior[at[0] - 1, at[1] - 1],
            (at, _) => at is [1, 1] ? Suppression.FewPersons : Suppression.None);
    }

    [Fact]
    public void TwoByTwoWithMargins_OnePrimary_NeedsExactlyThreeComplements_TheCheapestRectangle()
    {
        var (cells, relations) = TwoByTwo();
        // Alone, the primary is recovered from its row: 25 − 20.
        var alone = AttackAudit.Audit(cells, relations, ReleaseCubes.PrimaryOnly(cells), Policy);
        Assert.Equal("t|r=0|c=0", Assert.Single(alone).Key);
        Assert.Contains("exactly", alone[0].Reason);

        var status = ReleaseSuppression.Solve(cells, relations, Policy);
        // Any protection needs a rectangle of 4 hidden cells; the interior one costs 20 + 30 + 40 = 90, the cheapest.
        Assert.Equal(["t|r=0|c=1", "t|r=1|c=0", "t|r=1|c=1"], Complements(status));
        Assert.Equal(Suppression.FewPersons, status["t|r=0|c=0"]);
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy));
        // Hand check: the attacker's interval is [5 − min(5, 40), 5 + min(20, 30)] = [0, 25].
        var weakened = AttackAudit.Audit(cells, relations, status.With("t|r=1|c=1", Suppression.None), Policy);
        Assert.Equal("t|r=0|c=0", Assert.Single(weakened).Key);
    }

    /// <summary>
    /// Two tables of one release share their total T = 100: by category T = c1 + c2 with c2 empty (0) and c1 primary;
    /// by form T = f1 + f2 + f3 = 50 + 30 + 20. The per-line greedy, run per table, hides T in the first table (no other
    /// non-zero cell) but the second table publishes T, so c1 = T − 0 is recovered.
    /// </summary>
    [Fact]
    public void TablesSharingATotal_GreedyPerLineLeaks_TheEngineDoesNot()
    {
        List<ReleaseCell> cells =
        [
            new("T", 100, Suppression.None), new("c1", 100, Suppression.DominantPlatform), new("c2", 0, Suppression.None),
            new("f1", 50, Suppression.None), new("f2", 30, Suppression.None), new("f3", 20, Suppression.None),
        ];
        List<AdditiveRelation> relations = [new("T", ["c1", "c2"]), new("T", ["f1", "f2", "f3"])];

        // The existing pass, per table with its own indexes, as the workbooks run it.
        var byCategory = new[] { Suppression.None, Suppression.DominantPlatform, Suppression.None };
        GreedyPerLineSuppression.Apply(byCategory, [100, 100, 0], [new AdditiveLine(0, [1, 2])]);
        var byForm = new Suppression[4];
        GreedyPerLineSuppression.Apply(byForm, [100, 50, 30, 20], [new AdditiveLine(0, [1, 2, 3])]);
        Assert.Equal(Suppression.Complementary, byCategory[0]);
        Assert.Equal(Suppression.None, byForm[0]);
        // A key is published when any table publishes it: T is.
        var greedy = new Dictionary<string, Suppression>
        {
            ["T"] = byCategory[0] != Suppression.None && byForm[0] != Suppression.None ? Suppression.Complementary : Suppression.None,
            ["c1"] = byCategory[1], ["c2"] = byCategory[2], ["f1"] = byForm[1], ["f2"] = byForm[2], ["f3"] = byForm[3],
        };
        var leak = Assert.Single(AttackAudit.Audit(cells, relations, greedy, Policy));
        Assert.Equal("c1", leak.Key);
        Assert.Equal(100, leak.Min, 6);
        Assert.Equal(100, leak.Max, 6);

        var status = ReleaseSuppression.Solve(cells, relations, Policy);
        // T hidden; then c1 = f_k + the rest, so f_k must exceed 10% of 100: f3 = 20 is the cheapest such cell.
        Assert.Equal(["T", "f3"], Complements(status));
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy));
    }

    /// <summary>
    /// Two overlapping extracts to one researcher: release 1 gave p2 = 30 (e.g. p2 by form); release 2 has R = p1 + p2 + p3
    /// with p1 = 8 primary. Release 2 alone would hide p2 (the cheapest complement), which the researcher already has.
    /// </summary>
    [Fact]
    public void OverlappingExtracts_DifferencingWithAnEarlierRelease_IsCaughtAndAvoided()
    {
        List<ReleaseCell> cells = [new("R", 100, Suppression.None), new("p1", 8, Suppression.FewPersons), new("p2", 30, Suppression.None), new("p3", 62, Suppression.None)];
        List<AdditiveRelation> relations = [new("R", ["p1", "p2", "p3"])];
        List<PublishedValue> release1 = [new("p2", 30), new("p2a", 10), new("p2b", 20)];

        var alone = ReleaseSuppression.Solve(cells, relations, Policy);
        Assert.Equal(["p2"], Complements(alone));
        Assert.Empty(AttackAudit.Audit(cells, relations, alone, Policy));
        // With what the researcher already holds, p1 = 100 − 30 − 62.
        var differenced = Assert.Single(AttackAudit.Audit(cells, relations, alone, Policy, release1));
        Assert.Equal("p1", differenced.Key);
        Assert.Equal(8, differenced.Max, 6);

        var status = ReleaseSuppression.Solve(cells, relations, Policy, release1);
        Assert.Equal(["p3"], Complements(status));
        Assert.Equal(Suppression.None, status["p2"]);
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy, release1));
    }

    [Fact]
    public void APrimaryCellAlreadyGivenToTheRecipient_CannotBeProtected_AndTheErrorNamesIt()
    {
        List<ReleaseCell> cells = [new("R", 100, Suppression.None), new("p1", 8, Suppression.FewPersons), new("p2", 92, Suppression.None)];
        var error = Assert.Throws<DisclosureAuditException>(() =>
            ReleaseSuppression.Solve(cells, [new("R", ["p1", "p2"])], Policy, [new PublishedValue("p1", 8)]));
        Assert.Contains("p1", error.Message);
        Assert.Contains("earlier release", error.Message);
    }

    [Fact]
    public void EnsurePasses_RefusesARelease_NamingTheCellItsIntervalAndWhy()
    {
        var (cells, relations) = TwoByTwo();
        var error = Assert.Throws<DisclosureAuditException>(() => AttackAudit.EnsurePasses(cells, relations, ReleaseCubes.PrimaryOnly(cells), Policy));
        Assert.Contains("t|r=0|c=0", error.Message);
        Assert.Contains("recovers it exactly (5)", error.Message);
    }

    [Fact]
    public void TheMarginIsEnforced_AComplementTooSmallToCoverTheMarginFails()
    {
        // R = p + q: q = 1 hidden beside p = 100 lets the attacker prove p ∈ [0, 101]: not above 110.
        List<ReleaseCell> cells = [new("R", 101, Suppression.None), new("p", 100, Suppression.FewPersons), new("q", 1, Suppression.None)];
        var status = new Dictionary<string, Suppression> { ["R"] = Suppression.None, ["p"] = Suppression.FewPersons, ["q"] = Suppression.Complementary };
        var finding = Assert.Single(AttackAudit.Audit(cells, [new("R", ["p", "q"])], status, Policy));
        Assert.Equal(0, finding.Min, 6);
        Assert.Equal(101, finding.Max, 6);
        Assert.Contains("above 110", finding.Reason);
        // The engine hides the total instead: p is then unbounded above and reaches 0 below.
        var solved = ReleaseSuppression.Solve(cells, [new("R", ["p", "q"])], Policy);
        Assert.Empty(AttackAudit.Audit(cells, [new("R", ["p", "q"])], solved, Policy));
    }

    [Fact]
    public void LargeYenValues_AreAuditedWithRelativeTolerances()
    {
        // A 10^13 yen total beside a 10^6 yen primary cell.
        List<ReleaseCell> cells = [new("R", 1e13, Suppression.None), new("p", 1e6, Suppression.FewPersons), new("q", 5e4, Suppression.None), new("s", 1e13 - 1.05e6, Suppression.None)];
        List<AdditiveRelation> relations = [new("R", ["p", "q", "s"])];
        var weak = new Dictionary<string, Suppression> { ["R"] = Suppression.None, ["p"] = Suppression.FewPersons, ["q"] = Suppression.Complementary, ["s"] = Suppression.None };
        // q = 50,000 hidden: p ∈ [0, 1.05e6], 5% up where 10% is needed, a 5e-9 sliver of the total.
        Assert.Contains("above 1.1E+06", Assert.Single(AttackAudit.Audit(cells, relations, weak, Policy)).Reason);
        var status = ReleaseSuppression.Solve(cells, relations, Policy);
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy));
    }
}
