using DuckDB.NET.Data;
using FsCheck;
using FsCheck.Fluent;
using MarketStats.Core.Domain;
using MarketStats.Models;

namespace MarketStats.Tests.Core;

public sealed class FiscalYearTests
{
    [Theory]
    [InlineData("2024-04-01", 2024)] // first day of FY2024
    [InlineData("2025-03-31", 2024)] // last day of FY2024
    [InlineData("2024-03-31", 2023)] // the day before belongs to the previous year
    [InlineData("2024-12-31", 2024)] // calendar year end is mid fiscal year
    public void Of_follows_april_to_march(string date, int expected) =>
        Assert.Equal(expected, FiscalYear.Of(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Start_and_end_bound_exactly_the_dates_of_that_year()
    {
        for (var fy = 2000; fy < 2040; fy++)
        {
            Assert.Equal(fy, FiscalYear.Of(FiscalYear.Start(fy)));
            Assert.Equal(fy, FiscalYear.Of(FiscalYear.End(fy)));
            Assert.Equal(fy - 1, FiscalYear.Of(FiscalYear.Start(fy).AddDays(-1)));
            Assert.Equal(fy + 1, FiscalYear.Of(FiscalYear.End(fy).AddDays(1)));
        }
    }

    [Fact]
    public void The_sql_macro_and_the_csharp_rule_agree_on_any_date()
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using (var macros = connection.CreateCommand()) { macros.CommandText = Staging.Macros; macros.ExecuteNonQuery(); }
        Prop.ForAll(Gen.Choose(0, 365 * 60).ToArbitrary(), days =>
        {
            var date = new DateOnly(2000, 1, 1).AddDays(days);
            using var command = connection.CreateCommand();
            command.CommandText = "select fiscal_year($1)";
            command.Parameters.Add(new DuckDBParameter(date));
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == FiscalYear.Of(date);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("FY2024", "2024-04-01", "2025-03-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")] // leap year
    [InlineData("2025-12", "2025-12-01", "2025-12-31")]
    public void Export_periods_cover_whole_months_or_fiscal_years(string code, string start, string end)
    {
        var period = ExportPeriod.Parse(code);
        Assert.Equal((start, end), (period.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), period.End.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("2024")]
    [InlineData("FY24")]
    [InlineData("2024-13")]
    [InlineData("fy2024")]
    public void Malformed_periods_are_rejected(string code) => Assert.False(ExportPeriod.TryParse(code, out _));
}
