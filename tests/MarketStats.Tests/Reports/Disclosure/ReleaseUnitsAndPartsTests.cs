using MarketStats.Reports.Disclosure;

namespace MarketStats.Tests.Reports.Disclosure;

/// <summary>Cells suppressed together (units), independent parts solved apart, and an attacker who knows its own share.</summary>
public sealed class ReleaseUnitsAndPartsTests
{
    private static readonly ProtectionPolicy Policy = ProtectionPolicy.Default;

    /// <summary>
    /// One 3 × 3 table with margins published in two measures (yen and line counts) whose proportions differ, so the
    /// cheapest complements of one measure are not those of the other. Cell (1,1) is primary in both.
    /// </summary>
    private static (List<ReleaseCell> Cells, List<AdditiveRelation> Relations) TwoMeasures(bool units)
    {
        Dim[] dims = [Dim.Flat("r", 3), Dim.Flat("c", 3)];
        double[,] yen = { { 50, 400, 900 }, { 300, 80, 700 }, { 600, 500, 90 } };
        double[,] lines = { { 5, 9, 2 }, { 8, 40, 3 }, { 7, 2, 30 } };
        var (paid, paidRelations) = ReleaseCubes.Build("paid", dims, at => yen[at[0] - 1, at[1] - 1],
            (at, _) => at is [1, 1] ? Suppression.FewPersons : Suppression.None);
        var (count, countRelations) = ReleaseCubes.Build("lines", dims, at => lines[at[0] - 1, at[1] - 1],
            (at, _) => at is [1, 1] ? Suppression.FewPersons : Suppression.None);
        // The unit is the table cell: the key without its measure.
        string Unit(ReleaseCell c) => c.Key[(c.Key.IndexOf('|', StringComparison.Ordinal) + 1)..];
        var cells = paid.Concat(count).Select(c => units ? c with { Unit = Unit(c) } : c).ToList();
        return (cells, [.. paidRelations, .. countRelations]);
    }

    /// <summary>T = a + b + c, T and c published, a and b primary: a + b = 90 is known to everyone.</summary>
    private static (List<ReleaseCell> Cells, List<AdditiveRelation> Relations) TwoPrimaries() =>
        ([new("T", 100, Suppression.None), new("a", 10, Suppression.FewPlatforms), new("b", 80, Suppression.DominantPlatform), new("c", 10, Suppression.None)],
         [new("T", ["a", "b", "c"])]);

    private static HashSet<string> HiddenCells(IReadOnlyDictionary<string, Suppression> status, string measure) =>
        [.. status.Where(p => p.Value != Suppression.None && p.Key.StartsWith(measure + "|", StringComparison.Ordinal)).Select(p => p.Key[(measure.Length + 1)..])];

    [Fact]
    public void CellsOfOneUnit_AreHiddenTogether_AndEveryMeasurePassesTheAudit()
    {
        // The premise: solved as separate cells, the two measures choose different complements (else the test proves nothing).
        var (loose, looseRelations) = TwoMeasures(units: false);
        var apart = ReleaseSuppression.Solve(loose, looseRelations, Policy);
        Assert.NotEqual(HiddenCells(apart, "paid"), HiddenCells(apart, "lines"));

        var (cells, relations) = TwoMeasures(units: true);
        var status = ReleaseSuppression.Solve(cells, relations, Policy);
        Assert.Equal(HiddenCells(status, "paid"), HiddenCells(status, "lines"));
        Assert.True(HiddenCells(status, "paid").Count >= 4);
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy));
    }

    /// <summary>T = a + b + c with a and b primary and c, T published: a + b = 90 is known, and nobody outside can pin a
    /// (it lies in [0, 90]). The member that put 75 into b's 80 knows b ≥ 75, so a ≤ 15: above a's 11 (+10%), still
    /// protected. With 79.5 of b, a ≤ 10.5: pinned.</summary>
    [Theory]
    [InlineData(75, true)]
    [InlineData(79.5, false)]
    public void AnAttackerKnowingItsOwnContribution_IsAuditedAsSuch(double ownOfB, bool protectedFromIt)
    {
        var (cells, relations) = TwoPrimaries();
        var status = ReleaseCubes.PrimaryOnly(cells);
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy));

        var findings = AttackAudit.Audit(cells, relations, status, Policy, attackerOwn: new Dictionary<string, double> { ["b"] = ownOfB });
        if (protectedFromIt) Assert.Empty(findings);
        else
        {
            var finding = Assert.Single(findings);
            Assert.Equal("a", finding.Key);
            Assert.Equal(10.5, finding.Max, 6);   // 90 − 79.5
        }
    }

    /// <summary>
    /// a + b = 90 is known. The attacker put 4 into a, so b ≤ 86. Against b's 80 that is inside +10% (88): b fails. But
    /// when the attacker also put 40 into b, what must stay uncertain is the others' 40 in b, by ±4: b ≤ 86 = 40 + 46
    /// clears 40 + 44, and b ≥ 40 reaches down to the others' 0, so b passes.
    /// </summary>
    [Fact]
    public void TheMargin_IsMeasuredAgainstTheOthersPart()
    {
        var (cells, relations) = TwoPrimaries();
        var status = ReleaseCubes.PrimaryOnly(cells);

        var finding = Assert.Single(AttackAudit.Audit(cells, relations, status, Policy, attackerOwn: new Dictionary<string, double> { ["a"] = 4 }));
        Assert.Equal("b", finding.Key);
        Assert.Equal(86, finding.Max, 6);
        Assert.Contains("above 88", finding.Reason);
        Assert.Empty(AttackAudit.Audit(cells, relations, status, Policy, attackerOwn: new Dictionary<string, double> { ["a"] = 4, ["b"] = 40 }));
        Assert.Throws<ArgumentException>(() => AttackAudit.Audit(cells, relations, status, Policy, attackerOwn: new Dictionary<string, double> { ["b"] = 81 }));
    }

    /// <summary>
    /// The members' attacks run side by side (issue 12): with several attackers, each one's findings are those of
    /// auditing it alone, listed in the attackers' order, so the optimiser's cuts never depend on which attack finished
    /// first. a + b = 90 is known; whoever put 79.5 into b pins a, whoever put 4 into a pins b, 75 of b pins nothing.
    /// </summary>
    [Fact]
    public void SeveralAttackers_EachFindsWhatItFindsAlone_InTheAttackersOrder()
    {
        var (cells, relations) = TwoPrimaries();
        var status = ReleaseCubes.PrimaryOnly(cells);
        var attackers = Enumerable.Range(0, 12).Select(i => new Attacker($"m{i:D2}", (i % 3) switch
        {
            0 => new Dictionary<string, double> { ["b"] = 79.5 - i * 0.01 },
            1 => new Dictionary<string, double> { ["a"] = 4 + i * 0.01 },
            _ => new Dictionary<string, double> { ["b"] = 75 },
        })).ToList();

        var together = AttackAudit.Audit(cells, relations, status, Policy, attackers: attackers);

        var alone = attackers.SelectMany(a => AttackAudit.Audit(cells, relations, status, Policy, attackerOwn: a.Own)
            .Select(f => f with { Reason = $"{a.Name}, knowing its own contributions: {f.Reason}" })).ToList();
        Assert.Equal(8, alone.Count);   // the premise: two of every three attackers find something
        Assert.Equal(alone, together);
    }

    [Fact]
    public void IndependentTables_AreSolvedApart_WithTheSameResultAsEachAlone()
    {
        Dim[] dims = [Dim.Flat("r", 3), Dim.Flat("c", 4)];
        var random = new Random(7);
        List<(List<ReleaseCell> Cells, List<AdditiveRelation> Relations)> tables = [.. Enumerable.Range(0, 3).Select(t =>
            ReleaseCubes.Build($"t{t}", dims, _ => random.Next(1, 100),
                (at, _) => at[0] > 0 && at[1] > 0 && random.NextDouble() < 0.2 ? Suppression.FewPersons : Suppression.None))];
        var together = ReleaseSuppression.SolveWithReport([.. tables.SelectMany(t => t.Cells)], [.. tables.SelectMany(t => t.Relations)], Policy);
        foreach (var (cells, relations) in tables)
        {
            var alone = ReleaseSuppression.Solve(cells, relations, Policy);
            foreach (var (key, s) in alone) Assert.Equal(s, together.Status[key]);
        }
        Assert.True(together.ProvedLeastCost);
    }
}
