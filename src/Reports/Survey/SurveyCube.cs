using System.Data.Common;
using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>One cell of a survey mart for one fiscal year: a row key and a column key, either null for "all" (a margin).</summary>
public sealed class CubeCell
{
    public required string? Row { get; init; }
    public required string? Column { get; init; }
    public long PaidJpy { get; init; }
    public long FeeJpy { get; init; }
    public long LinesPaid { get; init; }
    public long JobsPaid { get; init; }
    public long ActiveClients { get; init; }
    public long ActiveWorkers { get; init; }
    public DisclosureInput Sdc { get; init; }
    public Suppression Suppression { get; set; }
    public bool Published => Suppression == Suppression.None;
}

/// <summary>
/// A two-way survey table for one fiscal year (category × form, client region × worker region, age band × gender, …),
/// margins included, with disclosure control applied on reading.
/// </summary>
public sealed class SurveyCube
{
    private readonly Dictionary<(string?, string?), CubeCell> cells;

    public int FiscalYear { get; }
    public IReadOnlyList<CubeCell> Cells { get; }

    private SurveyCube(int fiscalYear, List<CubeCell> cells)
    {
        FiscalYear = fiscalYear;
        Cells = cells;
        this.cells = cells.ToDictionary(c => (c.Row, c.Column));
        // Primary suppression here; the complements are chosen over the whole release (SurveyRelease).
        foreach (var cell in cells) cell.Suppression = DisclosureControl.Primary(cell.Sdc);
    }

    public bool IsEmpty => Cells.Count == 0;

    public CubeCell? Get(string? row, string? column) => cells.GetValueOrDefault((row, column));

    public IEnumerable<string> RowKeys => Cells.Where(c => c.Row is not null).Select(c => c.Row!).Distinct();

    public IEnumerable<string> ColumnKeys => Cells.Where(c => c.Column is not null).Select(c => c.Column!).Distinct();

    /// <summary>Reads one fiscal year of a mart whose two dimensions are <paramref name="rowColumn"/> and <paramref name="columnColumn"/>.</summary>
    public static SurveyCube Read(Warehouse warehouse, string mart, string rowColumn, string columnColumn, int fiscalYear)
    {
        var list = new List<CubeCell>();
        using (var reader = warehouse.Query($"select * from {mart} where fiscal_year = $1", fiscalYear))
        {
            while (reader.Read())
            {
                list.Add(new CubeCell
                {
                    Row = MartReader.StringOrNull(reader, rowColumn),
                    Column = MartReader.StringOrNull(reader, columnColumn),
                    PaidJpy = MartReader.LongOrZero(reader, "paid_jpy"),
                    FeeJpy = MartReader.LongOrZero(reader, "fee_jpy"),
                    LinesPaid = MartReader.LongOrZero(reader, "lines_paid"),
                    JobsPaid = MartReader.LongOrZero(reader, "jobs_paid"),
                    ActiveClients = MartReader.LongOrZero(reader, "active_clients"),
                    ActiveWorkers = MartReader.LongOrZero(reader, "active_workers"),
                    Sdc = MartReader.Disclosure(reader),
                });
            }
        }
        return new SurveyCube(fiscalYear, list);
    }

    /// <summary>Builds a cube from cells in memory (tests, and tables assembled in .NET).</summary>
    public static SurveyCube From(int fiscalYear, IEnumerable<CubeCell> cells) => new(fiscalYear, [.. cells]);

    /// <summary>Each row adds up to its row margin, each column to its column margin, and the margins to the grand total.</summary>
    public static IReadOnlyList<AdditiveLine> AdditiveLines(IReadOnlyList<CubeCell> cells, IReadOnlyDictionary<(string?, string?), int> index)
    {
        var lines = new List<AdditiveLine>();
        void Add((string?, string?) total, IEnumerable<CubeCell> members)
        {
            if (!index.TryGetValue(total, out var t)) return;
            var m = members.Select(c => index[(c.Row, c.Column)]).ToList();
            if (m.Count > 0) lines.Add(new AdditiveLine(t, m));
        }
        foreach (var row in cells.Where(c => c.Row is not null).Select(c => c.Row).Distinct())
            Add((row, null), cells.Where(c => c.Row == row && c.Column is not null));
        foreach (var column in cells.Where(c => c.Column is not null).Select(c => c.Column).Distinct())
            Add((null, column), cells.Where(c => c.Column == column && c.Row is not null));
        Add((null, null), cells.Where(c => c.Row is not null && c.Column is null));
        Add((null, null), cells.Where(c => c.Row is null && c.Column is not null));
        return lines;
    }
}
