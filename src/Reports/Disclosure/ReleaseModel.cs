namespace MarketStats.Reports.Disclosure;

/// <summary>One cell of a release, identified across all its tables by one canonical key.</summary>
/// <param name="Key">The same quantity published in two tables has one key (e.g. <c>paid|FY2025|form=task|category=*</c>):
/// that is what links the tables.</param>
/// <param name="Value">The true value (yen or a count), at least 0.</param>
/// <param name="Primary"><see cref="Suppression.None"/>, or the primary reason (from <see cref="DisclosureControl.Primary"/>).
/// A cell of value 0 that is not primary is an empty cell: it is always published as a true zero.</param>
/// <param name="Unit">Cells with the same unit are published or suppressed together (e.g. the measures of one table
/// cell: hiding its paid value but not its line count would show where the blank is and let the count be differenced).
/// Null: the cell is a unit of its own.</param>
public sealed record ReleaseCell(string Key, double Value, Suppression Primary, string? Unit = null);

/// <summary><see cref="Total"/> = the sum of <see cref="Members"/> (keys). Every additivity relation of the release,
/// over all its tables, and of earlier releases to the same recipient that link to it.</summary>
public sealed record AdditiveRelation(string Total, IReadOnlyList<string> Members);

/// <summary>A contributor who may attack the release knowing its own part of each cell (a member platform reading the
/// survey): the engine protects every primary cell against it too, measuring the margin against what the others
/// contributed (see <see cref="AttackAudit.Audit"/>'s <c>attackerOwn</c>).</summary>
/// <param name="Name">Who (a platform id), for the audit's findings.</param>
/// <param name="Own">Its contribution per cell key (cells it is absent from may be left out).</param>
public sealed record Attacker(string Name, IReadOnlyDictionary<string, double> Own);

/// <summary>A value the same recipient already saw in an earlier release (from the audit log).</summary>
public sealed record PublishedValue(string Key, double Value);

/// <summary>What the complementary suppressions cost the optimiser (what is lost to the reader).</summary>
public enum SuppressionCost
{
    /// <summary>The cell's value (τ-Argus' default): hides small cells first, totals last.</summary>
    Value,
    /// <summary>1 + ln(1 + value): still prefers small cells, but hides fewer cells in all.</summary>
    LogValue,
    /// <summary>1 per cell: fewest blanks.</summary>
    Count,
}

/// <summary>How much an attacker must stay unsure of every primary-suppressed cell.</summary>
/// <param name="Margin">For every primary-suppressed cell of value v &gt; 0, the attacker's feasible interval must reach
/// strictly below v·(1 − Margin) (or down to 0) and strictly above v·(1 + Margin). E.g. 0.10.</param>
/// <param name="Cost">The optimiser's cost of a complementary suppression.</param>
/// <param name="MaxIterations">Rounds of optimise → audit → cut before falling back to suppressing whole relations.</param>
/// <param name="TimeLimitSeconds">Wall time for those rounds (the fallback and the final audit run after it).</param>
public sealed record ProtectionPolicy(double Margin, SuppressionCost Cost = SuppressionCost.Value, int MaxIterations = 200, double TimeLimitSeconds = 60)
{
    /// <summary>The survey's policy: ±10% around every primary cell.</summary>
    public static ProtectionPolicy Default { get; } = new(0.10);
}

/// <summary>A primary-suppressed cell the attack audit shows to be insufficiently protected.</summary>
/// <param name="Key">The cell.</param>
/// <param name="Value">Its true value.</param>
/// <param name="Min">The smallest value an attacker can prove from what was published (NaN when not computed).</param>
/// <param name="Max">The largest (+∞ when unbounded; NaN when not computed).</param>
/// <param name="Reason">Why it fails, in one sentence.</param>
public sealed record AuditFinding(string Key, double Value, double Min, double Max, string Reason)
{
    public override string ToString() => $"{Key} (value {Value:R}): {Reason}";
}

/// <summary>A release that fails the attack audit: it must not be written. The message names every failing cell and why.</summary>
public sealed class DisclosureAuditException(IReadOnlyList<AuditFinding> findings)
    : InvalidOperationException($"The release fails the disclosure attack audit ({findings.Count} cell(s)): "
        + string.Join("; ", findings.Take(10)) + (findings.Count > 10 ? "; …" : ""))
{
    public IReadOnlyList<AuditFinding> Findings { get; } = findings;
}
