using FsCheck;
using FsCheck.Fluent;
using MarketStats.Models;
using MarketStats.Reports.Survey;

namespace MarketStats.Tests.Reports.Survey;

/// <summary>
/// The survey counts distinct persons and jobs through cell bitmasks (<c>int_survey_cells</c>), not count(distinct) per
/// margin. On any market those counts must equal plain distinct counts over the lines of each cell, margins included.
/// </summary>
public sealed class SurveyCellCountTests
{
    private static readonly DateOnly AfterTheYear = new(2026, 5, 1);

    [Fact]
    public void EveryCellOfTheCrossTabs_EqualsDistinctCountsOverItsLines() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(8), Prop.ForAll(Gen.Choose(1, 1_000_000).ToArbitrary(), seed =>
        {
            // Few lines over many cells: persons, jobs and platforms spread over cells, margins differ from sums.
            var lines = SurveyFixture.Lines(count: 60 + seed % 90, seed: seed);
            using var db = new TempWarehouse();
            SurveyFixture.Load(db, lines);
            Marts.Build(db.Warehouse, Marts.Reports);
            var data = SurveyData.Read(db.Warehouse, SurveyFixture.FiscalYear, AfterTheYear);

            AssertCube(data.Categories, lines, l => [(l.Category, l.Form)]);
            AssertCube(data.Prefectures, lines, l => [(l.ClientPrefecture, "client"), (l.WorkerPrefecture, "worker")]);
            AssertCube(data.Flows, lines, l => [(SurveyFixture.RegionCode(l.ClientPrefecture), SurveyFixture.RegionCode(l.WorkerPrefecture))]);
            return true;
        }));

    /// <param name="finestCells">The finest cells a line falls in (one per table; two in the prefecture table, one per side).</param>
    private static void AssertCube(SurveyCube cube, IReadOnlyList<SurveyLine> lines, Func<SurveyLine, (string Row, string Column)[]> finestCells)
    {
        // A cell holds the lines with a finest cell under it; null is a margin ("all").
        bool InCell(SurveyLine line, CubeCell cell) =>
            finestCells(line).Any(f => (cell.Row is null || f.Row == cell.Row) && (cell.Column is null || f.Column == cell.Column));

        Assert.All(lines, l => Assert.All(finestCells(l), f => Assert.NotNull(cube.Get(f.Row, f.Column))));
        foreach (var cell in cube.Cells)
        {
            var members = lines.Where(l => InCell(l, cell)).ToList();
            var where = $"cell ({cell.Row ?? "all"}, {cell.Column ?? "all"})";
            Assert.Equal((where, (long)members.Count), (where, cell.LinesPaid));
            Assert.Equal((where, members.Sum(l => l.PaidJpy)), (where, cell.PaidJpy));
            Assert.Equal((where, (long)members.Select(l => l.Client).Distinct().Count()), (where, cell.ActiveClients));
            Assert.Equal((where, (long)members.Select(l => l.Worker).Distinct().Count()), (where, cell.ActiveWorkers));
            Assert.Equal((where, (long)members.Select(l => (l.Platform, l.JobId)).Distinct().Count()), (where, cell.JobsPaid));
            Assert.Equal((where, (long)members.Select(l => l.Platform).Distinct().Count()), (where, cell.Sdc.Platforms));
        }
    }
}
