using System.Globalization;
using System.Text;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Extracts;

/// <summary>One event's aggregates in one cell of the cube, with the disclosure inputs of its measures.</summary>
public sealed record EventFigures(long AmountJpy, long FeeJpy, long Lines, long Jobs, long Clients, long Workers, long Platforms,
    double? AmountTop1, double? AmountTop2, double? LinesTop1, double? LinesTop2, double? JobsTop1, double? JobsTop2,
    double? ClientsTop1, double? ClientsTop2, double? WorkersTop1, double? WorkersTop2)
{
    public static readonly EventFigures Empty = new(0, 0, 0, 0, 0, 0, 0, null, null, null, null, null, null, null, null, null, null);
}

/// <summary>One cell of the requested cube: a code per requested dimension (null: the margin over it) and each event's figures.</summary>
public sealed class ExtractCubeCell
{
    public required string?[] Codes { get; init; }
    public Dictionary<ExtractEvent, EventFigures> Events { get; } = [];

    public EventFigures Of(ExtractEvent e) => Events.GetValueOrDefault(e, EventFigures.Empty);

    /// <summary>The value of <paramref name="measure"/> in this cell.</summary>
    public long Value(ExtractMeasure measure)
    {
        var f = Of(measure.Event);
        return measure.Kind switch
        {
            MeasureKind.Money => measure.Name == "fee_jpy" ? f.FeeJpy : f.AmountJpy,
            MeasureKind.Lines => f.Lines,
            MeasureKind.Jobs => f.Jobs,
            MeasureKind.Workers => f.Workers,
            MeasureKind.Clients => f.Clients,
            _ => throw new ArgumentOutOfRangeException(nameof(measure)),
        };
    }

    /// <summary>The disclosure rule's inputs for <paramref name="measure"/>: persons are the smaller of distinct clients and
    /// workers for money and lines (clients alone for posted value: a posting has no worker yet), workers or clients for
    /// person counts; dominance is over each platform's share of the measure itself.</summary>
    public DisclosureInput Sdc(ExtractMeasure measure)
    {
        var f = Of(measure.Event);
        var persons = measure.Kind switch
        {
            MeasureKind.Workers => f.Workers,
            MeasureKind.Clients => f.Clients,
            _ when measure.Event == ExtractEvent.Posted => f.Clients,
            _ => Math.Min(f.Clients, f.Workers),
        };
        var (top1, top2) = measure.Kind switch
        {
            MeasureKind.Money => (f.AmountTop1, f.AmountTop2),
            MeasureKind.Lines => (f.LinesTop1, f.LinesTop2),
            MeasureKind.Jobs => (f.JobsTop1, f.JobsTop2),
            MeasureKind.Workers => (f.WorkersTop1, f.WorkersTop2),
            _ => (f.ClientsTop1, f.ClientsTop2),
        };
        // A cell with lines but zero yen: no share to dominate, but its persons and platforms still count.
        return new DisclosureInput(persons, f.Platforms, top1 ?? (f.Platforms > 0 ? 1 : null), top2 ?? (f.Platforms > 0 ? 1 : null));
    }
}

/// <summary>
/// The extract's one aggregate query over mart_extract_lines: the requested events, filtered, grouped by every subset of
/// the requested dimensions (GROUPING SETS, so every margin exists), with distinct persons, jobs and platforms and the
/// largest platforms' shares per cell. Only these aggregates come into .NET.
/// </summary>
public static class ExtractQuery
{
    public const string Mart = "mart_extract_lines";

    /// <summary>The codes a data-driven dimension has in the mart (fiscal years, months), sorted.</summary>
    public static IReadOnlyList<string> DataCodes(Warehouse warehouse, ExtractDimension dimension)
    {
        var list = new List<string>();
        using var reader = warehouse.Query($"select distinct cast({dimension.Column} as varchar) as code from {Mart} order by code");
        while (reader.Read()) list.Add(reader.GetString(0));
        return list;
    }

    public static string Sql(ExtractRequest request)
    {
        var events = request.Measures.Select(m => m.Event).Distinct().Select(e => SqlText.Literal(e.ToString().ToLowerInvariant()));
        var dims = request.Dimensions.Select(d => d.Column).ToList();
        var where = new StringBuilder($"event in ({string.Join(", ", events)})");
        foreach (var (name, codes) in request.Filters)
        {
            var column = ExtractCatalogue.Dimension(name)!.Column;
            where.Append(CultureInfo.InvariantCulture, $"\n      and cast({column} as varchar) in ({string.Join(", ", codes.Select(SqlText.Literal))})");
        }
        var dimSelect = string.Concat(dims.Select(d => $", cast({d} as varchar) as {d}"));
        var dimList = string.Concat(dims.Select(d => ", " + d));
        var sets = Subsets(dims).ToList();
        string GroupingSets(string prefix) => string.Join(", ", sets.Select(s => "(" + string.Join(", ", new[] { prefix }.Concat(s)) + ")"));
        var grouping = dims.Count == 0 ? "0" : $"grouping({string.Join(", ", dims)})";
        var join = string.Concat(dims.Select(d => $" and c.{d} is not distinct from p.{d}"));
        static string Top(string x, string name) =>
            $"max({x}) as {name}_max, list_sum(max({x}, 2)) as {name}_max2";
        static string Shares(string name, string total) =>
            $"p.{name}_max / nullif({total}, 0) as {name}_top1, least(1.0, p.{name}_max2 / nullif({total}, 0)) as {name}_top2";
        return $"""
            with base as (
                select event, platform_id, job_id, client_person_key, worker_person_key, amount_jpy, fee_jpy{dimSelect}
                from {Mart}
                where {where}
            ),
            cells as (
                select event{dimList}, {grouping} as gid,
                       cast(sum(amount_jpy) as bigint) as amount_jpy, cast(sum(fee_jpy) as bigint) as fee_jpy, count(*) as lines,
                       -- a job is unique within its platform
                       count(distinct hash(platform_id, job_id)) as jobs,
                       count(distinct client_person_key) as clients, count(distinct worker_person_key) as workers
                from base
                group by grouping sets ({GroupingSets("event")})
            ),
            by_platform as (
                select event, platform_id{dimList}, {grouping} as gid,
                       sum(amount_jpy) as amount, count(*) as line_count, count(distinct job_id) as job_count,
                       count(distinct client_person_key) as client_count, count(distinct worker_person_key) as worker_count
                from base
                group by grouping sets ({GroupingSets("event, platform_id")})
            ),
            platforms as (
                select event, gid{dimList}, count(*) as platforms, sum(amount) as amount_sum,
                       {Top("amount", "amount")}, {Top("line_count", "lines")}, {Top("job_count", "jobs")},
                       {Top("client_count", "client_count")}, {Top("worker_count", "worker_count")}
                from by_platform
                group by event, gid{dimList}
            )
            select c.*, p.platforms,
                   {Shares("amount", "p.amount_sum")}, {Shares("lines", "c.lines")}, {Shares("jobs", "c.jobs")},
                   -- a person on two platforms counts on each: shares over the cell's distinct persons, capped at 1
                   {Shares("client_count", "c.clients")}, {Shares("worker_count", "c.workers")}
            from cells as c
            join platforms as p on p.event = c.event and p.gid = c.gid{join}
            """;
    }

    /// <summary>Runs the query: the cube's cells, margins included, each event's figures.</summary>
    public static IReadOnlyList<ExtractCubeCell> Run(Warehouse warehouse, ExtractRequest request)
    {
        var dims = request.Dimensions;
        var cells = new Dictionary<string, ExtractCubeCell>(StringComparer.Ordinal);
        using var reader = warehouse.Query(Sql(request));
        while (reader.Read())
        {
            var codes = dims.Select(d => MartReader.StringOrNull(reader, d.Column)).ToArray();
            var gid = MartReader.LongOrZero(reader, "gid");
            // grouping(): bit (n-1-i) set when dimension i is a margin in this row
            for (var i = 0; i < codes.Length; i++)
                if ((gid & (1L << (codes.Length - 1 - i))) != 0) codes[i] = null;
            var id = string.Join('\u001f', codes.Select(c => c ?? "\u0000"));
            if (!cells.TryGetValue(id, out var cell)) cells[id] = cell = new ExtractCubeCell { Codes = codes };
            var e = Enum.Parse<ExtractEvent>(MartReader.StringOrNull(reader, "event")!, ignoreCase: true);
            cell.Events[e] = new EventFigures(
                MartReader.LongOrZero(reader, "amount_jpy"), MartReader.LongOrZero(reader, "fee_jpy"), MartReader.LongOrZero(reader, "lines"),
                MartReader.LongOrZero(reader, "jobs"), MartReader.LongOrZero(reader, "clients"), MartReader.LongOrZero(reader, "workers"),
                MartReader.LongOrZero(reader, "platforms"),
                MartReader.DoubleOrNull(reader, "amount_top1"), MartReader.DoubleOrNull(reader, "amount_top2"),
                MartReader.DoubleOrNull(reader, "lines_top1"), MartReader.DoubleOrNull(reader, "lines_top2"),
                MartReader.DoubleOrNull(reader, "jobs_top1"), MartReader.DoubleOrNull(reader, "jobs_top2"),
                MartReader.DoubleOrNull(reader, "client_count_top1"), MartReader.DoubleOrNull(reader, "client_count_top2"),
                MartReader.DoubleOrNull(reader, "worker_count_top1"), MartReader.DoubleOrNull(reader, "worker_count_top2"));
        }
        return [.. cells.Values];
    }

    private static IEnumerable<IReadOnlyList<string>> Subsets(IReadOnlyList<string> dims)
    {
        for (var mask = (1 << dims.Count) - 1; mask >= 0; mask--)
            yield return [.. dims.Where((_, i) => (mask & (1 << i)) != 0)];
    }
}
