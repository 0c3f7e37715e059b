using System.Collections.Concurrent;
using System.Diagnostics;
using Google.OrTools.LinearSolver;

namespace MarketStats.Reports.Disclosure;

/// <summary>
/// Secondary suppression over all the tables of one release together, as an optimisation: the complementary cells
/// of least cost such that the attack audit passes (see docs/disclosure.md).
/// </summary>
/// <remarks>
/// The release is first split into independent parts (cells that may be hidden, linked by a relation or a unit; each
/// fiscal year and measure of the survey is one), solved apart on both cores. Per part: a MIP (CBC) over one 0/1
/// variable per unit of cells that may be hidden, primaries fixed to 1, minimising the policy's cost, starting from
/// "no relation has exactly one hidden cell" and "each relation through a primary can absorb its margin both ways";
/// then rounds of audit → cuts → re-solve: for each failing primary and direction, a Fischetti–Salazar capacity cut
/// from the attacker's dual and a cover cut (hide at least one more cell of its neighbourhood). The cuts hold for every
/// protecting pattern, so a solution that passes the audit and was solved to optimality is a least-cost protection.
/// When the rounds run out (iterations or time), the fallback hides every publishable cell around each failing cell,
/// widening until the audit passes; complements that are then not needed are dropped again. Guarantee: the returned
/// statuses pass <see cref="AttackAudit"/>; otherwise (a primary cell already published to the recipient, or pinned by
/// earlier values) <see cref="DisclosureAuditException"/> says which cell and why. Scale (docs/benchmarks.md): a
/// prefecture × category table (432 cells) is solved to proven optimality in about a second; one connected
/// three-dimensional hierarchical part of 2,000 cells exhausts the time limit and falls back to over-suppression.
/// </remarks>
public static class ReleaseSuppression
{
    /// <summary>Every cell's final status: its primary reason, <see cref="Suppression.Complementary"/>, or None.</summary>
    public static IReadOnlyDictionary<string, Suppression> Solve(IReadOnlyList<ReleaseCell> cells, IReadOnlyList<AdditiveRelation> relations,
        ProtectionPolicy policy, IReadOnlyList<PublishedValue>? publishedBefore = null, IReadOnlyList<Attacker>? attackers = null) =>
        SolveWithReport(cells, relations, policy, publishedBefore, attackers).Status;

    /// <summary>What <see cref="Solve"/> did: rounds, cuts, whether it proved least cost, and its time.</summary>
    public sealed record SolveReport(IReadOnlyDictionary<string, Suppression> Status, int Rounds, int Cuts, bool ProvedLeastCost,
        bool UsedFallback, int Complements, TimeSpan Elapsed, TimeSpan InMip, TimeSpan InAudit, string StoppedBy);

    /// <inheritdoc cref="Solve"/>
    /// <param name="attackers">Contributors who know their own parts (member platforms): every primary cell is protected
    /// against each of them too, not only against an outsider.</param>
    public static SolveReport SolveWithReport(IReadOnlyList<ReleaseCell> cells, IReadOnlyList<AdditiveRelation> relations,
        ProtectionPolicy policy, IReadOnlyList<PublishedValue>? publishedBefore = null, IReadOnlyList<Attacker>? attackers = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var clock = Stopwatch.StartNew();
        var ix = ReleaseIndex.Build(cells, relations, publishedBefore, attackers: attackers);
        var hidden = new bool[ix.Count];
        // Independent parts (no shared relation or unit among cells that may be hidden: e.g. each fiscal year and
        // measure of the survey) are solved apart, on both cores: the same optimum, smaller MIPs.
        var parts = ix.Components();
        var reports = new PartReport[parts.Count];
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (part, ids) = ix.Part(parts[i].Cells, parts[i].Relations);
            var partHidden = SolvePart(part, policy, out reports[i]);
            for (var k = 0; k < part.CellCount; k++) if (partHidden[k]) hidden[ids[k]] = true;
        });

        // The guarantee: the statuses returned are the ones that pass the audit, checked once more over the whole release.
        var final = AttackCore.RunAll(ix, hidden, policy, wantCuts: false, only: null);
        if (final.Findings.Count > 0) throw new DisclosureAuditException(final.Findings);
        var result = new Dictionary<string, Suppression>(StringComparer.Ordinal);
        for (var k = 0; k < ix.CellCount; k++)
            result[ix.Keys[k]] = ix.Primary[k] != Suppression.None ? ix.Primary[k] : hidden[k] ? Suppression.Complementary : Suppression.None;
        return new SolveReport(result, reports.Select(r => r.Rounds).DefaultIfEmpty(0).Max(), reports.Sum(r => r.Cuts), reports.All(r => r.Proved),
            reports.Any(r => r.Fallback), result.Values.Count(s => s == Suppression.Complementary), clock.Elapsed,
            TimeSpan.FromTicks(reports.Sum(r => r.InMip.Ticks)), TimeSpan.FromTicks(reports.Sum(r => r.InAudit.Ticks)),
            string.Join("; ", reports.Select(r => r.StoppedBy).Distinct().Order(StringComparer.Ordinal)) is { Length: > 0 } why ? why : "nothing to protect");
    }

    private sealed record PartReport(int Rounds, int Cuts, bool Proved, bool Fallback, TimeSpan InMip, TimeSpan InAudit, string StoppedBy);

    /// <summary>Protects one independent part; returns which of its cells are hidden (primaries included).</summary>
    private static bool[] SolvePart(ReleaseIndex ix, ProtectionPolicy policy, out PartReport report)
    {
        var clock = Stopwatch.StartNew();
        var units = ix.UnitMembers;
        var unitHasPrimary = units.Select(m => m.Any(k => ix.Primary[k] != Suppression.None)).ToArray();
        var hidden = new bool[ix.Count];
        for (var k = 0; k < ix.CellCount; k++) hidden[k] = ix.IsHideable(k) && unitHasPrimary[ix.Unit[k]];

        using var mip = Solver.CreateSolver("CBC") ?? Solver.CreateSolver("SCIP") ?? Solver.CreateSolver("SAT")
            ?? throw new InvalidOperationException("No OR-Tools MIP solver (CBC, SCIP, CP-SAT) is available.");
        // One 0/1 variable per unit (cells suppressed together); a cell that may be hidden uses its unit's.
        var maxValue = Math.Max(1, ix.Value.Take(ix.CellCount).DefaultIfEmpty(0).Max());
        var unitVar = new Variable?[units.Length];
        var unitCost = new double[units.Length];
        var objective = mip.Objective();
        for (var u = 0; u < units.Length; u++)
        {
            if (unitHasPrimary[u]) unitVar[u] = mip.MakeIntVar(1, 1, "");
            else if (units[u].Any(ix.IsSuppressible))
            {
                unitVar[u] = mip.MakeBoolVar("");
                unitCost[u] = units[u].Where(ix.IsSuppressible).Sum(k => Cost(policy.Cost, ix.Value[k], maxValue));
                objective.SetCoefficient(unitVar[u], unitCost[u]);
            }
        }
        var x = new Variable?[ix.Count];
        for (var k = 0; k < ix.CellCount; k++) if (ix.IsHideable(k)) x[k] = unitVar[ix.Unit[k]];
        objective.SetMinimization();
        // No relation may have exactly one hidden cell: it would be recovered exactly (for a protecting pattern such a
        // hidden complement is useless, so the constraint keeps every least-cost protection). A unit with two cells in
        // the relation never hides just one.
        foreach (var rel in ix.Relations)
        {
            var inRelation = new Dictionary<Variable, int>();
            foreach (var (k, _) in rel) if (x[k] is { } v) inRelation[v] = inRelation.GetValueOrDefault(v) + 1;
            var constrained = new HashSet<Variable>();
            foreach (var (k, _) in rel)
            {
                if (x[k] is not { } v || inRelation[v] > 1 || !constrained.Add(v)) continue;
                if (ix.Primary[k] != Suppression.None && ix.Value[k] <= 0) continue;   // a primary zero needs no partner
                var ct = mip.MakeConstraint(0, double.PositiveInfinity, "");
                ct.SetCoefficient(v, -1);
                foreach (var other in inRelation.Keys) if (other != v) ct.SetCoefficient(other, 1);
            }
        }

        // Each relation through a primary cell, on its own, must be able to absorb the margin both ways: moving p by δ
        // moves other hidden cells of the relation, each up without bound or down by at most its value. A necessary
        // condition of every protecting pattern, so it removes no solution; it saves most of the audit → cut rounds.
        for (var p = 0; p < ix.CellCount; p++)
        {
            if (!ix.IsTarget(p)) continue;
            var need = (ix.Value[p] - ix.Own[p]) * policy.Margin;
            if (need <= 0) continue;
            foreach (var r in ix.RelationsOf[p])
            {
                var rel = ix.Relations[r];
                var cp = rel.First(e => e.Key == p).Coef;
                foreach (var d in (int[])[+1, -1])
                {
                    var coefficient = new Dictionary<Variable, double>();
                    foreach (var (j, cj) in rel)
                    {
                        if (j == p || x[j] is not { } v) continue;
                        var grows = cj * cp * d < 0;   // moving p by d·δ, cell j moves up (no bound) or down (to 0)
                        var capacity = grows ? need : Math.Min(ix.Value[j], need);
                        if (capacity > 0) coefficient[v] = coefficient.GetValueOrDefault(v) + capacity / need;
                    }
                    var ct = mip.MakeConstraint(1 - 1e-6, double.PositiveInfinity, "");
                    foreach (var (v, c) in coefficient) ct.SetCoefficient(v, Math.Min(c, 1));
                }
            }
        }

        var parameters = new MPSolverParameters();
        // Small parts are solved to optimality (then no complement is redundant); bigger ones to a 1% gap with a
        // time limit per round: each round only has to find a pattern the cuts allow, and pruning tidies the result.
        var small = ix.CellCount <= 1000;
        parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, small ? 0 : 0.01);
        var memo = new ConcurrentDictionary<string, AttackCore.Result>(StringComparer.Ordinal);
        var rounds = 0;
        TimeSpan inMip = default, inAudit = default;
        var cutCount = 0;
        var proved = false;
        var passed = false;
        var stop = "iteration limit";
        var roundLimit = Math.Max(5, policy.TimeLimitSeconds / 10);
        while (rounds < policy.MaxIterations && clock.Elapsed.TotalSeconds < policy.TimeLimitSeconds)
        {
            rounds++;
            var left = policy.TimeLimitSeconds - clock.Elapsed.TotalSeconds;
            mip.SetTimeLimit((long)(1000 * Math.Max(1, small ? left : Math.Min(left, roundLimit))));
            var mipStart = clock.Elapsed;
            var status = mip.Solve(parameters);
            inMip += clock.Elapsed - mipStart;
            if (status == Solver.ResultStatus.NOT_SOLVED && !small) { roundLimit *= 2; continue; }   // no pattern yet: give it longer
            if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE)) { stop = $"MIP {status}"; break; }
            for (var k = 0; k < ix.CellCount; k++) hidden[k] = x[k] is { } v && v.SolutionValue() > 0.5;
            var auditStart = clock.Elapsed;
            var audit = AttackCore.RunAll(ix, hidden, policy, wantCuts: true, only: null, memo);
            inAudit += clock.Elapsed - auditStart;
            if (audit.Findings.Count == 0) { passed = true; proved = status == Solver.ResultStatus.OPTIMAL && small; stop = "audit passed"; break; }
            if (audit.Cuts.Count < audit.Findings.Count || audit.Cuts.Any(c => c.Cover.Length == 0)) { stop = "a cell hiding more cannot repair"; break; }
            foreach (var cut in audit.Cuts)
            {
                // Per cell, summed per unit: x_k = x_unit keeps the cut valid for every pattern of units.
                var capacity = mip.MakeConstraint(1 - 1e-6, double.PositiveInfinity, "");
                var coefficient = new Dictionary<Variable, double>();
                for (var i = 0; i < cut.Keys.Length; i++) coefficient[x[cut.Keys[i]]!] = coefficient.GetValueOrDefault(x[cut.Keys[i]]!) + cut.Coefs[i];
                foreach (var (v, c) in coefficient) capacity.SetCoefficient(v, c);
                var cover = mip.MakeConstraint(1, double.PositiveInfinity, "");
                foreach (var v in cut.Cover.Select(k => x[k]!).Distinct()) cover.SetCoefficient(v, 1);
                cutCount += 2;
            }
        }

        if (!passed && clock.Elapsed.TotalSeconds >= policy.TimeLimitSeconds) stop = "time limit";
        var fallback = !passed;
        var cost = Enumerable.Range(0, ix.Count).Select(k => k < ix.CellCount && !unitHasPrimary[ix.Unit[k]] ? unitCost[ix.Unit[k]] : 0).ToArray();
        if (fallback) Widen(ix, hidden, policy, cost, memo, clock.Elapsed + TimeSpan.FromSeconds(policy.TimeLimitSeconds / 2), clock);
        // Pruning gets half the time limit again at most: it only makes the release less blank, never safer.
        if (!proved) Prune(ix, hidden, policy, unitHasPrimary, unitCost, clock.Elapsed + TimeSpan.FromSeconds(policy.TimeLimitSeconds / 2), clock, memo);
        report = new PartReport(rounds, cutCount, proved, fallback, inMip, inAudit, stop);
        return hidden;
    }

    /// <summary>Hides <paramref name="k"/> and every other cell of its unit that may be hidden.</summary>
    private static void HideUnit(ReleaseIndex ix, bool[] hidden, int k)
    {
        foreach (var j in ix.UnitMembers[ix.Unit[k]]) if (ix.IsHideable(j)) hidden[j] = true;
    }

    private static double Cost(SuppressionCost cost, double value, double maxValue) => cost switch
    {
        // Normalised so CBC sees coefficients ≤ 1; the 1e-6 keeps tiny cells from being free.
        SuppressionCost.Value => 1e-6 + value / maxValue,
        SuppressionCost.LogValue => 1 + Math.Log(1 + value),
        _ => 1,
    };

    /// <summary>
    /// The fallback: for each failing cell, hides the published cell of its cuts' covers that adds the most capacity per
    /// cost (or, when no cut can repair it, every publishable cell around it), re-auditing until the audit passes or
    /// nothing is left to hide. Each step hides at least one more cell, so it ends.
    /// </summary>
    private static void Widen(ReleaseIndex ix, bool[] hidden, ProtectionPolicy policy, double[] cost, ConcurrentDictionary<string, AttackCore.Result> memo,
        TimeSpan until, Stopwatch clock)
    {
        var id = Enumerable.Range(0, ix.CellCount).ToDictionary(k => ix.Keys[k]);
        while (true)
        {
            var audit = AttackCore.RunAll(ix, hidden, policy, wantCuts: true, only: null, memo);
            if (audit.Findings.Count == 0) return;
            var cutsOf = audit.Cuts.ToLookup(c => c.Target);
            var grown = false;
            foreach (var p in audit.Findings.Select(f => id[f.Key]).Distinct())
            {
                var repaired = false;
                // Past its time, whole neighbourhoods at once: cruder, but it ends within a few audits.
                foreach (var cut in clock.Elapsed > until ? [] : cutsOf[p])
                {
                    var best = cut.Cover.Where(k => !hidden[k])
                        .OrderByDescending(k => (1e-9 + Capacity(cut, k)) / Math.Max(cost[k], 1e-12)).ThenBy(k => k).FirstOrDefault(-1);
                    if (best >= 0) { HideUnit(ix, hidden, best); repaired = true; }
                }
                if (!repaired)
                    foreach (var k in AttackCore.Neighbourhood(ix, hidden, p)) { HideUnit(ix, hidden, k); repaired = true; }
                grown |= repaired;
            }
            if (!grown) return;   // nothing more to hide: the final audit reports why
        }
    }

    private static double Capacity(AttackCore.Cut cut, int key)
    {
        var i = Array.IndexOf(cut.Keys, key);
        return i < 0 ? 0 : cut.Coefs[i];
    }

    /// <summary>Drops complementary units the audit does not need, dearest first (after the fallback or an unproved MIP).</summary>
    private static void Prune(ReleaseIndex ix, bool[] hidden, ProtectionPolicy policy, bool[] unitHasPrimary, double[] unitCost, TimeSpan until,
        Stopwatch clock, ConcurrentDictionary<string, AttackCore.Result> memo)
    {
        if (AttackCore.RunAll(ix, hidden, policy, wantCuts: false, only: null, memo).Findings.Count > 0) return;
        var complements = Enumerable.Range(0, ix.UnitMembers.Length)
            .Where(u => !unitHasPrimary[u] && ix.UnitMembers[u].Any(k => hidden[k]))
            .OrderByDescending(u => unitCost[u]).ThenBy(u => u).ToList();
        foreach (var u in complements)
        {
            if (clock.Elapsed > until) return;
            var members = ix.UnitMembers[u].Where(k => hidden[k]).ToList();
            foreach (var k in members) hidden[k] = false;
            // Only the groups the unit touched can lose protection by publishing it.
            var touched = new HashSet<int>(members.SelectMany(k => ix.RelationsOf[k]));
            if (AttackCore.RunAll(ix, hidden, policy, wantCuts: false, only: touched, memo).Findings.Count > 0)
                foreach (var k in members) hidden[k] = true;
        }
    }
}
