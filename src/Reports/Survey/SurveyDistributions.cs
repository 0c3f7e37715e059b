using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>A distribution the survey publishes: value per job by form, annual pay per active worker by age band × gender.</summary>
public static class Distribution
{
    public const string JobValue = "job_value";
    public const string WorkerPay = "worker_pay";
}

/// <summary>One value band of a distribution cell: how many units fall in [Lower, Upper) yen (Upper null: open).</summary>
public sealed record ValueBand(int Band, long LowerJpy, long? UpperJpy, long Units, DisclosureInput Sdc)
{
    /// <summary>The release's final status (primary or complementary), once solved.</summary>
    public Suppression Suppression { get; set; }
}

/// <summary>A published quantile: the mean of a window of units around it (never one unit's value), or null when withheld.</summary>
/// <param name="WindowPersons">Distinct persons in the window the mean was taken over.</param>
/// <param name="WindowOverlaps">The window shares units with a neighbouring quantile's: the difference of the two means
/// would be a difference of single units, so neither is published.</param>
public sealed record Quantile(double Level, double? MeanJpy, long WindowPersons, bool WindowOverlaps);

/// <summary>One cell of a distribution (a form; an age band × gender, margins null = all), with its quantiles, bands and,
/// for pay, the top 10%'s share.</summary>
public sealed class DistributionCell
{
    public required string Distribution { get; init; }
    public required string? Row { get; init; }
    public required string? Column { get; init; }
    public required long Units { get; init; }
    public required long ValueJpy { get; init; }
    public required DisclosureInput Sdc { get; init; }
    public required IReadOnlyList<Quantile> Quantiles { get; init; }
    public required IReadOnlyList<ValueBand> Bands { get; init; }
    /// <summary>The top 10%'s share of the cell's pay (worker pay only) and its own disclosure inputs (the top group's).</summary>
    public (double Share, DisclosureInput Sdc)? Top { get; init; }
    /// <summary>The units' total (the band counts' relation), as the release solved it.</summary>
    public Suppression TotalSuppression { get; set; }
}

/// <summary>A cancellation or dispute rate cell: events over lines, with the denominator's disclosure inputs.</summary>
public sealed record RateCell(string Rate, string Dimension, string? Row, long Lines, long Events, DisclosureInput Sdc)
{
    public double Value => Lines > 0 ? Events / (double)Lines : 0;
}

/// <summary>Paid value by client type (null = all types) with its disclosure inputs.</summary>
public sealed record ClientTypeCell(string? ClientType, long PaidJpy, long ActiveClients, DisclosureInput Sdc)
{
    public Suppression Suppression { get; set; }
}

/// <summary>
/// The survey year's distributions and rates, read from their marts (aggregates only), and their disclosure control:
/// quantiles and top shares by the primary rule and the policy's window (<see cref="PublishedQuantile"/>); band counts and
/// paid value by client type as cells of the survey release (complementary suppression and the attack audit);
/// cancellation and dispute rates by their denominator's primary rule.
/// </summary>
public sealed class SurveyDistributions
{
    public required int FiscalYear { get; init; }
    public required IReadOnlyList<DistributionCell> Cells { get; init; }
    public required IReadOnlyList<RateCell> Rates { get; init; }
    public required IReadOnlyList<ClientTypeCell> ClientTypes { get; init; }
    public required DisclosurePolicy Policy { get; init; }

    public DistributionCell? Get(string distribution, string? row, string? column) =>
        Cells.FirstOrDefault(c => c.Distribution == distribution && c.Row == row && c.Column == column);

    public RateCell? Rate(string rate, string dimension, string? row) =>
        Rates.FirstOrDefault(r => r.Rate == rate && r.Dimension == dimension && r.Row == row);

    public const string PublicBody = "public_body";

    /// <summary>
    /// A quantile as published: the window mean rounded to the policy's significant digits, or null (withheld) when the
    /// cell fails the primary rule or its window holds fewer distinct persons than the policy's
    /// <see cref="DisclosurePolicy.QuantileWindowPersons"/>, or shares units with a neighbouring quantile's window. Never
    /// a unit's own value: the mart stores no exact quantile.
    /// </summary>
    public static double? PublishedQuantile(DistributionCell cell, Quantile quantile, DisclosurePolicy policy) =>
        DisclosureControl.Primary(cell.Sdc, policy) == Suppression.None && quantile.MeanJpy is { } mean
        && quantile.WindowPersons >= policy.QuantileWindowPersons && !quantile.WindowOverlaps
            ? RoundSignificant(mean, policy.QuantileSignificantDigits)
            : null;

    /// <summary>The top 10%'s share as published, or null: its top group must pass the primary rule (persons, platforms,
    /// dominance by platform and by person), and so must the whole cell.</summary>
    public static double? PublishedTopShare(DistributionCell cell, DisclosurePolicy policy) =>
        cell.Top is { } top && DisclosureControl.Primary(cell.Sdc, policy) == Suppression.None && DisclosureControl.Primary(top.Sdc, policy) == Suppression.None
            ? top.Share
            : null;

    /// <summary>A rate as published, or null when its denominator cell fails the primary rule (dominance includes the
    /// numerator's, in the mart).</summary>
    public static double? PublishedRate(RateCell? cell, DisclosurePolicy policy) =>
        cell is not null && DisclosureControl.Primary(cell.Sdc, policy) == Suppression.None ? cell.Value : null;

    /// <summary>Rounds to <paramref name="digits"/> significant digits (0: unrounded), half away from zero.</summary>
    public static double RoundSignificant(double value, int digits)
    {
        if (digits <= 0 || value == 0) return value;
        var scale = Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(value))) + 1 - digits);
        return Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
    }

    /// <summary>Reads the year's distributions, rates and client types; the band counts and client types join
    /// <paramref name="release"/> (call before it is solved; <see cref="ApplyRelease"/> after).</summary>
    public static SurveyDistributions Read(Warehouse warehouse, int fiscalYear, SurveyRelease release, DisclosurePolicy policy)
    {
        var quantiles = new Dictionary<(string, string?, string?), List<Quantile>>();
        using (var reader = warehouse.Query(
            "select distribution, row_code, column_code, quantile, value_jpy, window_persons, window_overlaps from mart_survey_quantiles where fiscal_year = $1 order by all", fiscalYear))
        {
            while (reader.Read())
            {
                var key = (reader.GetString(0), MartReader.StringOrNull(reader, "row_code"), MartReader.StringOrNull(reader, "column_code"));
                if (!quantiles.TryGetValue(key, out var list)) quantiles[key] = list = [];
                list.Add(new Quantile(Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture), MartReader.DoubleOrNull(reader, "value_jpy"),
                    MartReader.LongOrZero(reader, "window_persons"), reader.GetBoolean(6)));
            }
        }
        var bands = new Dictionary<(string, string?, string?), List<ValueBand>>();
        using (var reader = warehouse.Query(
            "select distribution, row_code, column_code, band, lower_jpy, upper_jpy, units, sdc_persons, sdc_platforms, sdc_top_platform_share, sdc_top_two_platforms_share from mart_survey_value_bands where fiscal_year = $1 order by all", fiscalYear))
        {
            while (reader.Read())
            {
                var key = (reader.GetString(0), MartReader.StringOrNull(reader, "row_code"), MartReader.StringOrNull(reader, "column_code"));
                if (!bands.TryGetValue(key, out var list)) bands[key] = list = [];
                var upper = MartReader.DoubleOrNull(reader, "upper_jpy");
                list.Add(new ValueBand((int)MartReader.LongOrZero(reader, "band"), MartReader.LongOrZero(reader, "lower_jpy"), upper is null ? null : (long)upper.Value,
                    MartReader.LongOrZero(reader, "units"), MartReader.Disclosure(reader)));
            }
        }
        var tops = new Dictionary<(string?, string?), (double, DisclosureInput)>();
        using (var reader = warehouse.Query("select * from mart_survey_top_shares where fiscal_year = $1", fiscalYear))
        {
            while (reader.Read())
                tops[(MartReader.StringOrNull(reader, "row_code"), MartReader.StringOrNull(reader, "column_code"))] =
                    (MartReader.DoubleOrNull(reader, "top_share") ?? 0, MartReader.Disclosure(reader));
        }
        var cells = new List<DistributionCell>();
        using (var reader = warehouse.Query("select * from mart_survey_distribution_cells where fiscal_year = $1 order by all", fiscalYear))
        {
            while (reader.Read())
            {
                var key = (MartReader.StringOrNull(reader, "distribution")!, MartReader.StringOrNull(reader, "row_code"), MartReader.StringOrNull(reader, "column_code"));
                cells.Add(new DistributionCell
                {
                    Distribution = key.Item1, Row = key.Item2, Column = key.Item3,
                    Units = MartReader.LongOrZero(reader, "units"), ValueJpy = MartReader.LongOrZero(reader, "value_jpy"),
                    Sdc = MartReader.Disclosure(reader),
                    Quantiles = quantiles.GetValueOrDefault(key) ?? [],
                    Bands = bands.GetValueOrDefault(key) ?? [],
                    Top = key.Item1 == Distribution.WorkerPay && tops.TryGetValue((key.Item2, key.Item3), out var top) ? top : null,
                });
            }
        }
        var rates = new List<RateCell>();
        using (var reader = warehouse.Query("select * from mart_survey_rates where fiscal_year = $1 order by all", fiscalYear))
        {
            while (reader.Read())
                rates.Add(new RateCell(MartReader.StringOrNull(reader, "rate")!, MartReader.StringOrNull(reader, "dimension")!, MartReader.StringOrNull(reader, "row_code"),
                    MartReader.LongOrZero(reader, "lines"), MartReader.LongOrZero(reader, "events"), MartReader.Disclosure(reader)));
        }
        var types = new List<ClientTypeCell>();
        using (var reader = warehouse.Query("select * from mart_survey_client_types where fiscal_year = $1 order by all", fiscalYear))
        {
            while (reader.Read())
                types.Add(new ClientTypeCell(MartReader.StringOrNull(reader, "client_type"), MartReader.LongOrZero(reader, "paid_jpy"),
                    MartReader.LongOrZero(reader, "active_clients"), MartReader.Disclosure(reader)));
        }
        var data = new SurveyDistributions { FiscalYear = fiscalYear, Cells = cells, Rates = rates, ClientTypes = types, Policy = policy };
        data.AddTo(release);
        return data;
    }

    // ------------------------------------------------------------------ the release

    public static string BandKey(int fiscalYear, string distribution, string? row, string? column, int? band) =>
        string.Create(CultureInfo.InvariantCulture, $"{distribution}|FY{fiscalYear}|row={row ?? "*"}|column={column ?? "*"}|band={(band is { } b ? b.ToString(CultureInfo.InvariantCulture) : "*")}");

    /// <summary>A cell's units over all bands: for pay, the active workers of "who works" (the same persons, one key).</summary>
    private string TotalKey(DistributionCell cell) =>
        cell.Distribution == Distribution.WorkerPay ? SurveyRelease.WorkersKey(FiscalYear, cell.Row, cell.Column) : BandKey(FiscalYear, cell.Distribution, cell.Row, cell.Column, null);

    public static string ClientTypeKey(int fiscalYear, string clientType) => SurveyRelease.MoneyKey(fiscalYear, "client_type", clientType, null)!;

    /// <summary>
    /// Band counts as count cells: each cell's bands add up to its units, and each band adds up over the cells (forms to
    /// all forms; age bands and genders to their margins, as in "who works"). Paid value by client type adds up to the
    /// year's total. So a withheld band cannot be recomputed from the others and a published total.
    /// </summary>
    private void AddTo(SurveyRelease release)
    {
        var cells = new List<ReleaseCell>();
        var relations = new List<AdditiveRelation>();
        foreach (var cell in Cells)
        {
            var total = TotalKey(cell);
            cells.Add(new ReleaseCell(total, cell.Units, DisclosureControl.Primary(cell.Sdc, Policy)));
            var members = cell.Bands.Select(b => BandKey(FiscalYear, cell.Distribution, cell.Row, cell.Column, b.Band)).ToList();
            cells.AddRange(cell.Bands.Select((b, i) => new ReleaseCell(members[i], b.Units, DisclosureControl.Primary(b.Sdc, Policy))));
            if (members.Count > 0) relations.Add(new AdditiveRelation(total, members));
        }
        foreach (var distribution in Cells.Select(c => c.Distribution).Distinct())
        {
            var of = Cells.Where(c => c.Distribution == distribution).ToList();
            var index = new Dictionary<(string?, string?), int>();
            var cubeCells = of.Select((c, i) => { index[(c.Row, c.Column)] = i; return new CubeCell { Row = c.Row, Column = c.Column }; }).ToList();
            foreach (var band in of.SelectMany(c => c.Bands.Select(b => b.Band)).Distinct())
            {
                foreach (var line in SurveyCube.AdditiveLines(cubeCells, index))
                {
                    var key = (int i) => BandKey(FiscalYear, distribution, of[i].Row, of[i].Column, band);
                    relations.Add(new AdditiveRelation(key(line.Total), [.. line.Members.Select(key)]));
                }
            }
            // Units over all bands add up over the cells too (for pay "who works" already says so).
            if (distribution != Distribution.WorkerPay)
                foreach (var line in SurveyCube.AdditiveLines(cubeCells, index))
                    relations.Add(new AdditiveRelation(TotalKey(of[line.Total]), [.. line.Members.Select(i => TotalKey(of[i]))]));
        }
        var typed = ClientTypes.Where(t => t.ClientType is not null).ToList();
        cells.AddRange(typed.Select(t => new ReleaseCell(ClientTypeKey(FiscalYear, t.ClientType!), t.PaidJpy, DisclosureControl.Primary(t.Sdc, Policy))));
        if (typed.Count > 0) relations.Add(new AdditiveRelation(SurveyRelease.YearTotalKey(FiscalYear), [.. typed.Select(t => ClientTypeKey(FiscalYear, t.ClientType!))]));
        release.AddTable(cells, relations);
    }

    /// <summary>Marks every band, total and client type with the solved release's status.</summary>
    public void ApplyRelease(SurveyRelease release)
    {
        foreach (var cell in Cells)
        {
            cell.TotalSuppression = release.Status[TotalKey(cell)];
            foreach (var band in cell.Bands) band.Suppression = release.Status[BandKey(FiscalYear, cell.Distribution, cell.Row, cell.Column, band.Band)];
        }
        foreach (var type in ClientTypes)
            type.Suppression = release.Status[type.ClientType is null ? SurveyRelease.YearTotalKey(FiscalYear) : ClientTypeKey(FiscalYear, type.ClientType)];
    }
}
