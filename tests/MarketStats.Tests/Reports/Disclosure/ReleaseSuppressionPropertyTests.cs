using FsCheck;
using FsCheck.Fluent;
using MarketStats.Reports.Disclosure;
using Xunit.Abstractions;

namespace MarketStats.Tests.Reports.Disclosure;

/// <summary>Random cubes with margins and subtotals (1–3 dimensions, 2–4 leaves each, some with a level of groups).</summary>
public sealed record RandomRelease(int[] Leaves, int[] Groups, int Seed, double Margin)
{
    public override string ToString() => $"leaves [{string.Join(",", Leaves)}] groups [{string.Join(",", Groups)}] seed {Seed} margin {Margin}";

    public (List<ReleaseCell> Cells, List<AdditiveRelation> Relations) Build()
    {
        var random = new Random(Seed);
        var dims = Leaves.Select((l, i) => Dim.Flat($"d{i}", l, Groups[i])).ToArray();
        return ReleaseCubes.Build("x", dims,
            _ => random.Next(6) == 0 ? 0 : random.Next(1, 1000),
            (at, v) => v > 0 && random.NextDouble() < (at.Select((n, i) => dims[i].IsLeaf(n)).All(b => b) ? 0.2 : 0.04)
                ? Suppression.FewPersons : Suppression.None);
    }
}

public sealed class ReleaseSuppressionPropertyTests(ITestOutputHelper output)
{
    private static readonly Arbitrary<RandomRelease> Releases =
        (from dims in Gen.Choose(1, 3)
         from leaves in Gen.ArrayOf(Gen.Choose(2, 4), dims)
         from grouped in Gen.ArrayOf(Gen.Elements(false, true), dims)
         from seed in Gen.Choose(0, int.MaxValue)
         from margin in Gen.Elements(0.05, 0.10, 0.25)
         select new RandomRelease(leaves, [.. leaves.Select((l, i) => grouped[i] && l >= 3 ? 2 : 0)], seed, margin)).ToArbitrary();

    private static Config Runs(int n) => Config.QuickThrowOnFailure.WithMaxTest(n);

    private static bool AuditPasses(RandomRelease r, Func<List<ReleaseCell>, List<AdditiveRelation>, ProtectionPolicy, IReadOnlyDictionary<string, Suppression>> suppress)
    {
        var (cells, relations) = r.Build();
        var policy = new ProtectionPolicy(r.Margin);
        return AttackAudit.Audit(cells, relations, suppress(cells, relations, policy), policy).Count == 0;
    }

    private static IReadOnlyDictionary<string, Suppression> Engine(List<ReleaseCell> cells, List<AdditiveRelation> relations, ProtectionPolicy policy) =>
        ReleaseSuppression.Solve(cells, relations, policy);

    /// <summary>The engine, deliberately weakened: its first complementary cell is published after all.</summary>
    private static IReadOnlyDictionary<string, Suppression> Weakened(List<ReleaseCell> cells, List<AdditiveRelation> relations, ProtectionPolicy policy)
    {
        var status = ReleaseSuppression.Solve(cells, relations, policy);
        var first = status.Where(p => p.Value == Suppression.Complementary).Select(p => p.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        return first is null ? status : status.With(first, Suppression.None);
    }

    /// <summary>The existing per-line greedy pass (DisclosureControl.ApplySecondary) on the same cube, all lines at once.</summary>
    private static IReadOnlyDictionary<string, Suppression> Greedy(List<ReleaseCell> cells, List<AdditiveRelation> relations, ProtectionPolicy policy)
    {
        var index = cells.Select((c, i) => (c.Key, i)).ToDictionary(p => p.Key, p => p.i);
        var suppression = cells.Select(c => c.Primary).ToArray();
        GreedyPerLineSuppression.Apply(suppression, [.. cells.Select(c => c.Value)],
            [.. relations.Select(r => new AdditiveLine(index[r.Total], [.. r.Members.Select(m => index[m])]))]);
        return cells.Select((c, i) => (c.Key, suppression[i])).ToDictionary(p => p.Key, p => p.Item2);
    }

    [Fact]
    public void AfterSolve_TheAuditPasses() =>
        Check.One(Runs(30), Prop.ForAll(Releases, r => AuditPasses(r, Engine)));

    [Fact]
    public void Solve_KeepsEveryPrimaryAndOnlyAddsComplementaryCells() =>
        Check.One(Runs(20), Prop.ForAll(Releases, r =>
        {
            var (cells, relations) = r.Build();
            var status = ReleaseSuppression.Solve(cells, relations, new ProtectionPolicy(r.Margin));
            return cells.All(c => c.Primary == Suppression.None ? status[c.Key] is Suppression.None or Suppression.Complementary : status[c.Key] == c.Primary)
                && cells.Where(c => c.Value == 0 && c.Primary == Suppression.None).All(c => status[c.Key] == Suppression.None);
        }));

    /// <summary>Every complementary cell is needed: publishing any one of them makes the audit fail.</summary>
    [Fact]
    public void UnsuppressingAnyComplement_MakesTheAuditFail() =>
        Check.One(Runs(20), Prop.ForAll(Releases, r =>
        {
            var (cells, relations) = r.Build();
            var policy = new ProtectionPolicy(r.Margin);
            var status = ReleaseSuppression.Solve(cells, relations, policy);
            return status.Where(p => p.Value == Suppression.Complementary)
                .All(p => AttackAudit.Audit(cells, relations, status.With(p.Key, Suppression.None), policy).Count > 0);
        }));

    /// <summary>The property above can fail: run on the deliberately weakened engine, FsCheck finds a counter-example.</summary>
    [Fact]
    public void AfterSolve_TheAuditPasses_FailsForAWeakenedEngine()
    {
        var error = Assert.ThrowsAny<Exception>(() => Check.One(Runs(100), Prop.ForAll(Releases, r => AuditPasses(r, Weakened))));
        output.WriteLine(error.Message);
        Assert.Contains("Falsifiable", error.Message);
        Assert.Contains("Expected true, got false", error.Message);   // the audit failed, not the code (which would name its exception)
    }

    /// <summary>… and for the existing greedy per-line pass, which ignores the margin and the links between lines.</summary>
    [Fact]
    public void AfterSuppression_TheAuditPasses_FailsForTheGreedyPerLinePass()
    {
        var error = Assert.ThrowsAny<Exception>(() => Check.One(Runs(100), Prop.ForAll(Releases, r => AuditPasses(r, Greedy))));
        output.WriteLine(error.Message);
        Assert.Contains("Falsifiable", error.Message);
        Assert.Contains("Expected true, got false", error.Message);   // the audit failed, not the code (which would name its exception)
    }

    /// <summary>With an earlier release to the same recipient (random published cells): the result passes the audit that
    /// counts them, or Solve refuses, and then even hiding everything still publishable would not pass.</summary>
    [Fact]
    public void WithAnEarlierRelease_SolvePassesTheDifferencingAudit_OrNothingCould() =>
        Check.One(Runs(40), Prop.ForAll(Releases, r =>
        {
            var (cells, relations) = r.Build();
            var policy = new ProtectionPolicy(r.Margin);
            var random = new Random(r.Seed ^ 0x5eed);
            List<PublishedValue> before = [.. cells.Where(c => c.Primary == Suppression.None && random.NextDouble() < 0.2).Select(c => new PublishedValue(c.Key, c.Value))];
            try
            {
                var status = ReleaseSuppression.Solve(cells, relations, policy, before);
                return AttackAudit.Audit(cells, relations, status, policy, before).Count == 0
                    && before.Where(b => status.ContainsKey(b.Key)).All(b => status[b.Key] == Suppression.None);
            }
            catch (DisclosureAuditException)
            {
                var everything = cells.ToDictionary(c => c.Key, c => c.Primary != Suppression.None ? c.Primary : c.Value > 0 ? Suppression.Complementary : Suppression.None);
                return AttackAudit.Audit(cells, relations, everything, policy, before).Count > 0;
            }
        }));
}
