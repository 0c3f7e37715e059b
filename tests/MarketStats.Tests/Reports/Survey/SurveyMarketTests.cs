using MarketStats.Models;
using MarketStats.Reports;
using MarketStats.Reports.Disclosure;
using MarketStats.Reports.Survey;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Reports.Survey;

/// <summary>Like-for-like growth and its disclosure trap; the grossing-up estimator and its strata.</summary>
public sealed class SurveyMarketTests
{
    private static readonly DateOnly AfterTheYear = new(2026, 5, 1);
    private static readonly SurveyMarketLabels M = ReportLabels.Japanese.Survey.Market;

    /// <summary>The fixture's market in FY2024 and FY2025 (ids kept apart per year), plus <paramref name="joiners"/> paid in FY2025 only.</summary>
    private static List<SurveyLine> TwoYears(params string[] joiners)
    {
        var lines = SurveyFixture.Lines(2024, seed: 7).Select(l => l with { TransactionId = "a" + l.TransactionId, JobId = "a" + l.JobId })
            .Concat(SurveyFixture.Lines(2025, seed: 8).Select(l => l with { TransactionId = "b" + l.TransactionId, JobId = "b" + l.JobId }))
            .ToList();
        var start = MarketStats.Core.Domain.FiscalYear.Start(2025);
        foreach (var (platform, p) in joiners.Select((j, p) => (j, p)))
            for (var i = 0; i < 6; i++)
                lines.Add(new SurveyLine(platform, $"j{i}", $"jj{i}", "project", "writing", start.AddDays(50 + i), 40_000 + 1_000 * p, 4_000, 500 + 10 * p + i, 600 + 10 * p + i, "13", "27"));
        return lines;
    }

    private static SurveyData Read(TempWarehouse db, IReadOnlyList<SurveyLine> lines)
    {
        SurveyFixture.Load(db, lines);
        Marts.Build(db.Warehouse, Marts.Reports);
        return SurveyData.Read(db.Warehouse, 2025, AfterTheYear);
    }

    [Fact]
    public void LikeForLike_OneJoiningPlatform_IsWithheldWithItsReason_BecauseTheHeadlineWouldGiveTheJoinerAway()
    {
        using var db = new TempWarehouse();
        var lines = TwoYears("P9");
        var data = Read(db, lines);

        var year = data.Market!.LikeForLike.Single(y => y.FiscalYear == 2025);
        Assert.True(year.HeadlinePublished);
        Assert.Equal(1, year.JoinedPlatforms);
        Assert.False(year.Published);
        Assert.Contains(new WithheldGroup(PlatformGroup.Joined, 2025, Suppression.FewPlatforms), year.Withheld);
        // Why: with no leaver, the headline totals and the like-for-like rate give the joiner's own value exactly.
        var joiner = lines.Where(l => l.Platform == "P9").Sum(l => l.PaidJpy);
        Assert.Equal(joiner, year.PaidJpy - (long)Math.Round(year.PreviousPaidJpy * (1 + year.Growth()!.Value)));

        var path = Path.Combine(db.OutDir, "survey.xlsx");
        Directory.CreateDirectory(db.OutDir);
        SurveyWorkbook.Write(data, ReportLabels.Japanese, path, charts: null);
        using var workbook = Workbooks.Open(path);
        var row = workbook.Worksheet(M.LikeForLikeSheet).Table(SurveyWorkbook.LikeForLikeTable).DataRange.Rows().Single(r => r.Cell(1).GetValue<int>() == 2025);
        var x = ReportLabels.Japanese.Survey.SuppressedMark;
        var paid2025 = lines.Where(l => l.PaidOn >= new DateOnly(2025, 4, 1)).Sum(l => l.PaidJpy);
        var paid2024 = lines.Where(l => l.PaidOn < new DateOnly(2025, 4, 1)).Sum(l => l.PaidJpy);
        Assert.Equal((paid2025 - paid2024) / (double)paid2024, row.Cell(2).GetDouble(), 12);   // the headline stays
        foreach (var column in new[] { 3, 5, 9, 10, 11, 12 }) Assert.Equal(x, row.Cell(column).GetString());
        Assert.Equal(1, row.Cell(7).GetValue<int>());
        Assert.Contains(M.Groups["Joined"], row.Cell(13).GetString());
        Assert.Contains(ReportLabels.Japanese.Survey.Reasons[Suppression.FewPlatforms], row.Cell(13).GetString());
        // The sources sheet lists it with its reason.
        var sources = workbook.Worksheet(ReportLabels.Japanese.Survey.SourcesSheet).Table("Suppressed").DataRange.Rows();
        Assert.Contains(sources, r => r.Cell(1).GetString() == M.LikeForLikeSheet && r.Cell(4).GetString() == ReportLabels.Japanese.Survey.Reasons[Suppression.FewPlatforms]);
    }

    [Fact]
    public void LikeForLike_ThreeComparableJoiners_IsPublished_AndEqualsGrowthOverTheContinuingPlatforms()
    {
        // In memory (the marts' side is the one-joiner test above and the demo's reconciliation): A, B, C continue.
        PlatformYear[] rows = [new(2024, "A", 300, 3), new(2024, "B", 200, 2), new(2024, "C", 100, 1),
            new(2025, "A", 330, 4), new(2025, "B", 210, 2), new(2025, "C", 90, 1), new(2025, "J1", 40, 1), new(2025, "J2", 41, 1), new(2025, "J3", 42, 1)];

        var year = LikeForLikeYear.Compute(rows, 2025, _ => true, DisclosurePolicy.Survey).Single();

        Assert.True(year.Published);
        Assert.Equal((3, 3, 0), (year.ContinuingPlatforms, year.JoinedPlatforms, year.LeftPlatforms));
        Assert.Equal((330 + 210 + 90) / 600.0 - 1, year.Growth()!.Value, 12);
        Assert.Equal(7 / 6.0 - 1, year.LinesGrowth()!.Value, 12);
        Assert.Equal((630 + 123) / 600.0 - 1, year.HeadlineGrowth!.Value, 12);
        Assert.Equal(123, year.JoinedPaidJpy);
    }

    [Fact]
    public void LikeForLike_TwoYearsSideBySide_CheckTheSetsTheirDifferenceReveals()
    {
        // FY2024: A, B, C join (with D, E, F there since FY2023); FY2025: A, B, C and D leave. Each year's joiners
        // and leavers are three or more platforms, yet FY2024's leavers less its joiners is D alone.
        string[] all = ["A", "B", "C", "D", "E", "F"];
        var rows = new List<PlatformYear>();
        foreach (var p in new[] { "D", "E", "F" }) rows.Add(new(2023, p, 100, 1));
        foreach (var p in all) rows.Add(new(2024, p, 100, 1));
        foreach (var p in new[] { "E", "F", "G", "H", "I" }) rows.Add(new(2025, p, 100, 1));

        var years = LikeForLikeYear.Compute(rows, 2025, _ => true, DisclosurePolicy.Survey);

        Assert.Contains(new WithheldGroup(PlatformGroup.Left, 2024, Suppression.FewPlatforms), years.Single(y => y.FiscalYear == 2025).Withheld);
        Assert.Empty(years.Single(y => y.FiscalYear == 2024).Withheld);
        // Shown alone (the FY2024 survey), FY2024 has no next year and nothing to withhold.
        Assert.True(LikeForLikeYear.Compute(rows, 2024, _ => true, DisclosurePolicy.Survey).Single(y => y.FiscalYear == 2024).Published);
    }

    [Fact]
    public void LikeForLike_DominatedJoiners_AreWithheld()
    {
        PlatformYear[] rows = [new(2024, "A", 100, 1), new(2024, "B", 100, 1), new(2025, "A", 100, 1), new(2025, "B", 100, 1),
            new(2025, "J1", 1_000, 1), new(2025, "J2", 1_000, 1), new(2025, "J3", 50, 1)];
        var year = LikeForLikeYear.Compute(rows, 2025, _ => true, DisclosurePolicy.Survey).Single();
        Assert.Equal([new WithheldGroup(PlatformGroup.Joined, 2025, Suppression.DominantPlatform)], year.Withheld);
        Assert.False(LikeForLikeYear.Compute(rows, 2025, y => y != 2024, DisclosurePolicy.Survey).Single().HeadlinePublished);
    }

    private static NonMemberList List(string nonMembers) => NonMemberList.Parse(
        new StringReader("size_class,name_ja,name_en,min_paid_jpy,max_paid_jpy\nS,小,Small,0,100\nM,中,Medium,100,1000\nL,大,Large,1000,10000\n"),
        new StringReader("code,name,size_class,source,source_year\n" + nonMembers));

    [Fact]
    public void Estimate_ClassWithOneMember_IsMergedSoNoMeanIsOneMembersValue_AndTheArithmeticHolds()
    {
        var list = List("N1,a,S,x,2025\nN2,b,S,x,2025\nN3,c,M,x,2025\nN4,d,L,x,2025\n");
        (string, long)[] members = [("P1", 10), ("P2", 20), ("P3", 30), ("P4", 200), ("P5", 300), ("P6", 400), ("P7", 1_200)];

        var estimate = MarketEstimate.Compute(2025, members, list, DisclosurePolicy.Survey)!;

        // L holds one member (P7): merged with M, the next smaller (L is the largest).
        Assert.Equal(2, estimate.Strata.Count);
        Assert.Equal(["M", "L"], estimate.Strata[1].Classes.Select(c => c.Code));
        Assert.Equal(4, estimate.Strata[1].Members);
        var meanSmall = (10 + 20 + 30) / 3.0;
        var meanLarge = (200 + 300 + 400 + 1_200) / 4.0;   // 525: below L's bound, so L's non-member counts at 1,000
        Assert.Equal(2 * meanSmall + meanLarge + 1_000, estimate.EstimateJpy - estimate.MembersPaidJpy, 9);
        Assert.Equal(2_160, estimate.MembersPaidJpy);
        Assert.Equal(2_160 + 2 * 0 + 100 + 1_000, estimate.LowJpy);
        Assert.Equal(2_160 + 2 * 100 + 1_000 + 10_000, estimate.HighJpy);
        Assert.InRange(estimate.EstimateJpy, estimate.LowJpy, estimate.HighJpy);
        Assert.Equal(2_160 / estimate.EstimateJpy, estimate.Coverage, 12);
        // With the L member twice as large, the merged stratum's top two hold over 85%: merged again, and then with
        // every class together P7 still dominates: no estimate rather than a mean that is nearly one member's.
        Assert.Null(MarketEstimate.Compute(2025, [.. members.SkipLast(1), ("P7", 5_000)], list, DisclosurePolicy.Survey));
    }

    [Fact]
    public void Estimate_DominatedOrTooFewMembersOverall_IsNotMade()
    {
        var list = List("N1,a,S,x,2025\n");
        Assert.Null(MarketEstimate.Compute(2025, [("P1", 10), ("P2", 20)], list, DisclosurePolicy.Survey));
        Assert.Null(MarketEstimate.Compute(2025, [("P1", 500), ("P2", 500), ("P3", 10)], list, DisclosurePolicy.Survey));
    }

    [Fact]
    public void NonMemberList_UnknownClassOrGapBetweenBounds_IsRefused()
    {
        Assert.Throws<InvalidDataException>(() => List("N1,a,XL,x,2025\n"));
        Assert.Throws<InvalidDataException>(() => NonMemberList.Parse(
            new StringReader("size_class,name_ja,name_en,min_paid_jpy,max_paid_jpy\nS,小,Small,0,100\nM,中,Medium,200,1000\n"),
            new StringReader("code,name,size_class,source,source_year\n")));
        // The shipped lists parse, and every listed platform has a class.
        Assert.NotEmpty(NonMemberList.Embedded.Platforms);
    }
}
