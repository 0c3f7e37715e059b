using System.Diagnostics;
using MarketStats.Reports.Disclosure;
using Xunit.Abstractions;

namespace MarketStats.Tests.Reports.Disclosure;

/// <summary>A survey-sized release: 8 categories × 3 forms × 47 prefectures (in 9 regions) with every margin, over
/// fiscal years linked through an all-years total. Times are written to the test output (docs/disclosure.md).</summary>
public sealed class ReleaseSuppressionScaleTests(ITestOutputHelper output)
{
    internal static (List<ReleaseCell> Cells, List<AdditiveRelation> Relations) Survey(int years, int seed, double primaryShare)
    {
        var random = new Random(seed);
        // One year: no year dimension; several: each year and the all-years total, which links them.
        Dim[] dims = [.. years > 1 ? [Dim.Flat("fy", years)] : Array.Empty<Dim>(), Dim.Flat("category", 8), Dim.Flat("form", 3), Dim.Flat("prefecture", 47, groups: 9)];
        return ReleaseCubes.Build("paid", dims,
            _ =>
            {
                if (random.NextDouble() < 0.05) return 0;   // no activity
                var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                return Math.Round(Math.Exp(15 + 2 * normal));   // yen, median ≈ 3.3 million
            },
            (at, v) => v > 0 && random.NextDouble() < (at.All(n => n > 0) && dims[^1].IsLeaf(at[^1]) ? primaryShare : 0.005)
                ? Suppression.FewPersons : Suppression.None);
    }

    /// <summary>An extract-shaped table: prefecture × category of one year with both margins, many small cells.</summary>
    [ScaleTheory]
    [InlineData(0.10)]
    [InlineData(0.30)]
    public void ExtractSizedTable_SolvesAndPassesTheAudit(double primaryShare)
    {
        var random = new Random(2026);
        Dim[] dims = [Dim.Flat("prefecture", 47), Dim.Flat("category", 8)];
        var (cells, relations) = ReleaseCubes.Build("paid", dims, _ => random.NextDouble() < 0.1 ? 0 : Math.Round(Math.Exp(12 + 2 * random.NextDouble())),
            (at, v) => v > 0 && at.All(n => n > 0) && random.NextDouble() < primaryShare ? Suppression.FewPersons : Suppression.None);
        var report = ReleaseSuppression.SolveWithReport(cells, relations, ProtectionPolicy.Default);
        output.WriteLine($"extract-sized: {cells.Count} cells, {cells.Count(c => c.Primary != Suppression.None)} primary, {report.Complements} complementary; "
            + $"{report.Rounds} rounds, least cost proved: {report.ProvedLeastCost}, fallback: {report.UsedFallback}; solve {report.Elapsed.TotalSeconds:F1} s (MIP {report.InMip.TotalSeconds:F1} s)");
        Assert.Empty(AttackAudit.Audit(cells, relations, report.Status, ProtectionPolicy.Default));
    }

    [ScaleTheory]
    [InlineData(1, 0.10)]
    [InlineData(2, 0.10)]
    [InlineData(3, 0.10)]
    public void SurveySizedRelease_SolvesAndPassesTheAudit(int years, double primaryShare)
    {
        var (cells, relations) = Survey(years, seed: 2025, primaryShare);
        var report = ReleaseSuppression.SolveWithReport(cells, relations, ProtectionPolicy.Default);
        var clock = Stopwatch.StartNew();
        var findings = AttackAudit.Audit(cells, relations, report.Status, ProtectionPolicy.Default);
        var audit = clock.Elapsed;
        output.WriteLine($"{years} year(s): {cells.Count} cells, {relations.Count} relations, {cells.Count(c => c.Primary != Suppression.None)} primary, "
            + $"{report.Complements} complementary; {report.Rounds} rounds, {report.Cuts} cuts, least cost proved: {report.ProvedLeastCost}, "
            + $"fallback: {report.UsedFallback}, rounds stopped by: {report.StoppedBy}; solve {report.Elapsed.TotalSeconds:F1} s (MIP {report.InMip.TotalSeconds:F1} s, audits {report.InAudit.TotalSeconds:F1} s), audit alone {audit.TotalSeconds:F1} s");
        Assert.Empty(findings);
    }
}

/// <summary>Minutes of CPU: run only when asked (<c>MARKETSTATS_SDC_SCALE=1 dotnet test --filter "FullyQualifiedName~ReleaseSuppressionScale"</c>).</summary>
public sealed class ScaleTheoryAttribute : TheoryAttribute
{
    public ScaleTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("MARKETSTATS_SDC_SCALE") != "1") Skip = "survey-sized timing: set MARKETSTATS_SDC_SCALE=1";
    }
}
