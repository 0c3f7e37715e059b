using System.Collections.Concurrent;
using System.Globalization;
using Google.OrTools.LinearSolver;

namespace MarketStats.Reports.Disclosure;

/// <summary>
/// The attack audit of a release, as sdcTable's <c>attack()</c>: for every primary-suppressed cell, the smallest and
/// largest value an attacker can prove from everything the recipient holds (this release's published cells, values
/// published to them before, every additivity relation, every cell ≥ 0). A release with a finding must not be written.
/// </summary>
/// <remarks>
/// One LP (GLOP) per linked group of suppressed cells, minimised and maximised for each primary cell in it. Values are
/// scaled by the group's largest value; an interval edge passes only when it clears the margin by 1e-9 of that scale,
/// so rounding can only make the audit stricter. Resolution: a margin narrower than about 1e-9 of the largest value
/// linked to the cell (≈ 1,000 yen beside a 10^12 yen total) is not resolved and fails, unless the attacker's bound is 0.
/// </remarks>
public static class AttackAudit
{
    /// <summary>Audits a release's final statuses. Empty means it passes.</summary>
    /// <param name="cells">Every cell of the release, with its true value and primary status.</param>
    /// <param name="relations">Every additivity relation among them (and earlier releases' relations linking to them).</param>
    /// <param name="status">Each cell's final status (any status other than None is blank in the release).</param>
    /// <param name="policy">The protection margin.</param>
    /// <param name="publishedBefore">What the same recipient already received; such a key is a constant to the attacker
    /// even if it is blank now.</param>
    /// <param name="attackerOwn">The attacker's own contribution per cell (a member auditing what it receives): the audit then
    /// protects what the others contributed (value − own, with the margin relative to it), and the attacker knows each
    /// cell is at least its own part.</param>
    /// <param name="attackers">Contributors audited each as an attacker knowing its own parts, besides the outsider.</param>
    public static IReadOnlyList<AuditFinding> Audit(IReadOnlyList<ReleaseCell> cells, IReadOnlyList<AdditiveRelation> relations,
        IReadOnlyDictionary<string, Suppression> status, ProtectionPolicy policy, IReadOnlyList<PublishedValue>? publishedBefore = null,
        IReadOnlyDictionary<string, double>? attackerOwn = null, IReadOnlyList<Attacker>? attackers = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(policy);
        var ix = ReleaseIndex.Build(cells, relations, publishedBefore, attackerOwn, attackers);
        return AttackCore.RunAll(ix, ix.Hidden(status), policy, wantCuts: false, only: null).Findings;
    }

    /// <summary>Audits and throws <see cref="DisclosureAuditException"/> (naming each failing cell and why) on a finding.</summary>
    public static void EnsurePasses(IReadOnlyList<ReleaseCell> cells, IReadOnlyList<AdditiveRelation> relations,
        IReadOnlyDictionary<string, Suppression> status, ProtectionPolicy policy, IReadOnlyList<PublishedValue>? publishedBefore = null,
        IReadOnlyDictionary<string, double>? attackerOwn = null, IReadOnlyList<Attacker>? attackers = null)
    {
        var findings = Audit(cells, relations, status, policy, publishedBefore, attackerOwn, attackers);
        if (findings.Count > 0) throw new DisclosureAuditException(findings);
    }
}

/// <summary>The audit's engine, shared with the optimiser (which also wants the cuts that would repair each failure).</summary>
internal static class AttackCore
{
    /// <summary>Σ Coefs·x ≥ 1 over suppression indicators (Fischetti–Salazar capacity cut, normalised), and
    /// Σ x[Cover] ≥ 1: a repair must hide at least one of these published cells. An empty cover: cannot be repaired.</summary>
    internal sealed record Cut(int Target, int[] Keys, double[] Coefs, int[] Cover);

    internal sealed record Result(List<AuditFinding> Findings, List<Cut> Cuts);

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <param name="only">When set, audit only the groups that touch these relations (the rest is known to pass).</param>
    /// <param name="memo">Results per linked group (its hidden cells), reused across the optimiser's rounds: a group's
    /// attack depends only on which cells it hides, since everything around it is published at its true value.</param>
    internal static Result Run(ReleaseIndex ix, bool[] hidden, ProtectionPolicy policy, bool wantCuts, HashSet<int>? only,
        ConcurrentDictionary<string, Result>? memo = null) => RunAs(ix, hidden, policy, wantCuts, only, memo, cellChecks: true);

    /// <summary>
    /// <see cref="Run"/> for the outsider, then again as each of the release's <see cref="ReleaseIndex.Attackers"/>
    /// (its own parts known); their findings say whose attack succeeds.
    /// </summary>
    /// <remarks>The attacks are independent LPs (each its own solver), so they run on every core; their findings and
    /// cuts are gathered in the attackers' order, the same lists (and so the same cuts for the optimiser) as one by one.</remarks>
    internal static Result RunAll(ReleaseIndex ix, bool[] hidden, ProtectionPolicy policy, bool wantCuts, HashSet<int>? only,
        ConcurrentDictionary<string, Result>? memo = null)
    {
        var results = new Result[1 + ix.Attackers.Length];
        Parallel.For(0, results.Length, i => results[i] = i == 0
            ? Run(ix, hidden, policy, wantCuts, only, memo)
            : RunAs(ix.As(ix.Attackers[i - 1]), hidden, policy, wantCuts, only, memo, cellChecks: false));
        var all = results[0];
        for (var i = 1; i < results.Length; i++)
        {
            var name = ix.Attackers[i - 1].Name;
            all.Findings.AddRange(results[i].Findings.Select(f => f with { Reason = $"{name}, knowing its own contributions: {f.Reason}" }));
            all.Cuts.AddRange(results[i].Cuts);
        }
        return all;
    }

    private static Result RunAs(ReleaseIndex ix, bool[] hidden, ProtectionPolicy policy, bool wantCuts, HashSet<int>? only,
        ConcurrentDictionary<string, Result>? memo, bool cellChecks)
    {
        if (!(policy.Margin >= 0)) throw new ArgumentException("The protection margin must be at least 0.", nameof(policy));
        var findings = new List<AuditFinding>();
        var cuts = new List<Cut>();
        bool IsVar(int k) => hidden[k] && !ix.Before[k];

        for (var k = 0; cellChecks && k < ix.CellCount; k++)
        {
            if (!ix.IsTarget(k)) continue;
            if (!hidden[k]) findings.Add(new(ix.Keys[k], ix.Value[k], ix.Value[k], ix.Value[k], "a primary cell is published"));
            else if (ix.Before[k])
                findings.Add(new(ix.Keys[k], ix.Value[k], ix.Constant[k], ix.Constant[k],
                    $"the recipient already received it in an earlier release (as {F(ix.Constant[k])})"));
        }

        // Linked groups: suppressed cells that share a relation. Published cells are constants and cut the links.
        var parent = Enumerable.Range(0, ix.Count).ToArray();
        int Find(int a) { while (parent[a] != a) a = parent[a] = parent[parent[a]]; return a; }
        foreach (var rel in ix.Relations)
        {
            var first = -1;
            foreach (var (k, _) in rel)
                if (IsVar(k)) { if (first < 0) first = k; else parent[Find(k)] = Find(first); }
        }
        var groups = new Dictionary<int, List<int>>();
        for (var k = 0; k < ix.Count; k++)
            if (IsVar(k)) { var root = Find(k); if (!groups.TryGetValue(root, out var g)) groups[root] = g = []; g.Add(k); }

        foreach (var group in groups.Values)
        {
            var targets = group.Where(ix.IsTarget).ToList();
            if (targets.Count == 0) continue;
            var rels = group.SelectMany(k => ix.RelationsOf[k]).Distinct().Order().ToList();
            if (only is not null && !rels.Any(only.Contains)) continue;
            var signature = memo is null ? "" : ix.AttackerName + "|" + string.Join(",", group);
            if (memo is not null && memo.TryGetValue(signature, out var known))
            {
                findings.AddRange(known.Findings);
                cuts.AddRange(known.Cuts);
                continue;
            }
            var result = new Result([], []);
            AuditGroup(ix, hidden, policy, wantCuts, group, targets, rels, result.Findings, result.Cuts);
            findings.AddRange(result.Findings);
            cuts.AddRange(result.Cuts);
            if (memo is not null) memo[signature] = result;
        }
        return new(findings, cuts);
    }

    private static void AuditGroup(ReleaseIndex ix, bool[] hidden, ProtectionPolicy policy, bool wantCuts, List<int> group,
        List<int> targets, List<int> rels, List<AuditFinding> findings, List<Cut> cuts)
    {
        // Scale so the LP sees numbers ≤ 1: yen run to 10^13, counts to 10^4.
        var scale = 1.0;
        foreach (var r in rels) foreach (var (k, _) in ix.Relations[r]) scale = Math.Max(scale, Math.Abs(ix.Constant[k]));
        var tol = 1e-9 * scale;
        var zero = 1e-12 * scale;

        // A finite cap (10^4 × the largest value) keeps GLOP away from unbounded rays, which it may report as infeasible;
        // reaching the cap means unbounded, far beyond any margin.
        const double cap = 1e4;
        (Solver Lp, Dictionary<int, Variable> Y) Build(string solver)
        {
            var lp = Solver.CreateSolver(solver) ?? throw new InvalidOperationException($"OR-Tools {solver} is not available.");
            var y = new Dictionary<int, Variable>();
            // Every cell is at least 0, and at least what the attacker put into it.
            foreach (var k in group) y[k] = lp.MakeNumVar(ix.Own[k] / scale, cap, "");
            foreach (var r in rels)
            {
                var rhs = 0.0;
                foreach (var (k, c) in ix.Relations[r]) if (!y.ContainsKey(k)) rhs -= c * ix.Constant[k] / scale;
                var ct = lp.MakeConstraint(rhs, rhs, "");
                foreach (var (k, c) in ix.Relations[r]) if (y.TryGetValue(k, out var v)) ct.SetCoefficient(v, c);
            }
            return (lp, y);
        }
        (Solver.ResultStatus Status, double Value) Solve((Solver Lp, Dictionary<int, Variable> Y) model, int p, bool maximise)
        {
            var objective = model.Lp.Objective();
            objective.Clear();
            objective.SetCoefficient(model.Y[p], 1);
            objective.SetOptimizationDirection(maximise);
            var status = model.Lp.Solve();
            return (status, status == Solver.ResultStatus.OPTIMAL ? model.Y[p].SolutionValue() : double.NaN);
        }

        var glop = Build("GLOP");
        (Solver Lp, Dictionary<int, Variable> Y)? clp = null;
        try
        {
            foreach (var p in targets)
            {
                var v = ix.Value[p];
                var (upStatus, up) = Solve(glop, p, maximise: true);
                var (downStatus, down) = Solve(glop, p, maximise: false);
                // GLOP's incremental re-solves occasionally end ABNORMAL on degenerate bases (an attacker's own part equal to
                // a cell's value fixes it); CLP from scratch settles those.
                if (upStatus is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.INFEASIBLE)
                    || downStatus is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.INFEASIBLE))
                {
                    clp ??= Build("CLP");
                    (upStatus, up) = Solve(clp.Value, p, maximise: true);
                    (downStatus, down) = Solve(clp.Value, p, maximise: false);
                }
                var max = upStatus != Solver.ResultStatus.OPTIMAL ? double.NaN : up >= cap / 2 ? double.PositiveInfinity : up * scale;
                var min = downStatus == Solver.ResultStatus.OPTIMAL ? down * scale : double.NaN;
                if (upStatus == Solver.ResultStatus.INFEASIBLE || downStatus == Solver.ResultStatus.INFEASIBLE)
                {
                    findings.Add(new(ix.Keys[p], v, double.NaN, double.NaN,
                        "the published values contradict the relations (an earlier release's figures were revised?): the attack cannot be bounded"));
                    continue;
                }
                if (double.IsNaN(max) || double.IsNaN(min))
                {
                    findings.Add(new(ix.Keys[p], v, min, max, $"the attack LP could not be solved ({upStatus}/{downStatus}), so protection is not shown"));
                    continue;
                }
                // What is protected is the others' part: w = v − own (v itself when the attacker contributed nothing).
                var own = ix.Own[p];
                var w = v - own;
                var upOk = max - own > w * (1 + policy.Margin) + tol;
                var downOk = min - own <= zero || min - own < w * (1 - policy.Margin) - tol;
                if (upOk && downOk) continue;
                var reason = max - min <= tol
                    ? $"an attacker recovers it exactly ({F(min)}) from the published values and relations"
                    : $"an attacker can prove it lies in [{F(min)}, {F(max)}], which does not reach "
                      + string.Join(" and ", new[] { downOk ? null : $"below {F(own + w * (1 - policy.Margin))}", upOk ? null : $"above {F(own + w * (1 + policy.Margin))}" }.OfType<string>())
                      + $" (±{policy.Margin:P0}" + (own > 0 ? $" of the others' {F(w)}, the attacker's own {F(own)} known)" : ")");
                findings.Add(new(ix.Keys[p], v, min, max, reason));
                if (!wantCuts) continue;
                if (!upOk) cuts.Add(MakeCut(ix, hidden, group, rels, p, +1, w * policy.Margin + tol, scale));
                if (!downOk) cuts.Add(MakeCut(ix, hidden, group, rels, p, -1, Math.Min(w * policy.Margin + tol, w - zero), scale));
            }
        }
        finally
        {
            glop.Lp.Dispose();
            clp?.Lp.Dispose();
        }
    }

    /// <summary>
    /// The attacker's dual for one direction d of target p: min Σ_{k hidden} a_k·(Mᵀγ)_k − d·a_p subject to
    /// (Mᵀγ)_k ≥ d·[k = p] for hidden k (γ free per relation; M: +1 total, −1 member; upward slack is unbounded).
    /// Any such γ bounds the attacker's deviation for every pattern x by Σ_k cap_k(γ)·x_k, so requiring that bound to
    /// reach the needed deviation is valid for every protecting pattern (Fischetti &amp; Salazar 2001).
    /// </summary>
    private static Cut MakeCut(ReleaseIndex ix, bool[] hidden, List<int> group, List<int> rels, int p, int d, double need, double scale)
    {
        // Cells that could be hidden and sit in the group's relations: the cut's support; the cover's candidates.
        var around = rels.SelectMany(r => ix.Relations[r].Select(e => e.Key)).Distinct()
            .Where(k => !hidden[k] && ix.IsSuppressible(k)).ToList();
        using var dual = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools GLOP is not available.");
        var gamma = rels.ToDictionary(r => r, _ => dual.MakeNumVar(double.NegativeInfinity, double.PositiveInfinity, ""));
        var objective = dual.Objective();
        foreach (var k in group)
        {
            var ct = dual.MakeConstraint(k == p ? d : 0, double.PositiveInfinity, "");
            foreach (var r in ix.RelationsOf[k])
            {
                var c = ix.Relations[r].First(e => e.Key == k).Coef;
                ct.SetCoefficient(gamma[r], c);
                objective.SetCoefficient(gamma[r], objective.GetCoefficient(gamma[r]) + ix.Value[k] / scale * c);
            }
        }
        objective.SetMinimization();
        if (dual.Solve() != Solver.ResultStatus.OPTIMAL)
            return new Cut(p, [], [], [.. around]);   // no capacity cut; the cover over the neighbourhood is still valid

        var t = new Dictionary<int, double>();
        foreach (var r in rels)
        {
            var g = gamma[r].SolutionValue();
            if (Math.Abs(g) < 1e-9) continue;
            foreach (var (k, c) in ix.Relations[r]) t[k] = t.GetValueOrDefault(k) + g * c;
        }
        var keys = new List<int>();
        var coefs = new List<double>();
        var cover = new List<int>();
        foreach (var (k, tk) in t)
        {
            var isHidden = hidden[k] && !ix.Before[k];
            if (!isHidden && !ix.IsSuppressible(k)) continue;   // constants: never hidden
            var rk = (k == p ? d : 0) - tk;
            double cap = rk > 1e-9 ? need : rk < -1e-9 ? Math.Min((ix.Value[k] - ix.Own[k]) * -rk, need) : 0;
            if (cap <= 0) continue;
            keys.Add(k);
            coefs.Add(cap / need);
            if (!isHidden) cover.Add(k);
        }
        return new Cut(p, [.. keys], [.. coefs], [.. cover]);
    }

    /// <summary>Published cells that could be hidden in the relations touching p's linked group (the fallback's growth).</summary>
    internal static List<int> Neighbourhood(ReleaseIndex ix, bool[] hidden, int p)
    {
        var seen = new HashSet<int> { p };
        var queue = new Queue<int>([p]);
        var seenRel = new HashSet<int>();
        var around = new HashSet<int>();
        while (queue.Count > 0)
        {
            var k = queue.Dequeue();
            foreach (var r in ix.RelationsOf[k])
            {
                if (!seenRel.Add(r)) continue;
                foreach (var (j, _) in ix.Relations[r])
                {
                    if (hidden[j] && !ix.Before[j]) { if (seen.Add(j)) queue.Enqueue(j); }
                    else if (ix.IsSuppressible(j)) around.Add(j);
                }
            }
        }
        return [.. around];
    }
}
