using System.Globalization;
using MarketStats.Cli;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;
using MarketStats.Pipeline;
using MarketStats.Reports.Disclosure;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Extracts;

/// <summary>One paid line as the raw export file says, with its persons from the linker's table.</summary>
public sealed record RawPaidLine(int FiscalYear, string Platform, string Category, string? WorkerPrefecture, long PaidJpy, string Client, string Worker);

/// <summary>
/// A small synthetic market built once for the extract tests by <c>marketstats demo</c> (generate, ingest, link, marts),
/// and its paid lines read straight from the raw export CSVs in C# (no DuckDB), for independent recomputation.
/// </summary>
public sealed class ExtractMarket : IAsyncLifetime
{
    public TempFolder Temp { get; } = new();
    public string Db => Temp["demo/demo.duckdb"];
    public int FiscalYear { get; private set; }
    public IReadOnlyList<RawPaidLine> PaidLines { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var (code, output, error) = await CliRunner.Run("demo", "--out", Temp["demo-out"], "--db", Db, "--transactions", "6000");
        Assert.True(code == ExitCodes.Success, error);
        FiscalYear = int.Parse(CliRunner.Results(output)["survey_fiscal_year"].Single(), CultureInfo.InvariantCulture);
        var (_, csv, _) = await CliRunner.Run("sql", "select platform_id, account_id, kind, person_id from int_account_persons", "--db", Db, "--format", "csv");
        var persons = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.TrimEnd('\r').Split(','))
            .ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
        PaidLines = ReadRaw(Temp["demo/inbox"], persons);
    }

    public Task DisposeAsync()
    {
        Temp.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Opens the database (dispose before running the CLI on it).</summary>
    public Warehouse Open() => PipelineSteps.OpenWarehouse(Db);

    private static List<RawPaidLine> ReadRaw(string inbox, Dictionary<(string, string, string), string> persons)
    {
        var lines = new List<RawPaidLine>();
        string Person(string platform, string account, string kind) =>
            persons.TryGetValue((platform, account, kind), out var id) ? "person:" + id : $"account:{platform}:{account}";
        foreach (var field in RawExports.Transactions(inbox))
        {
            if (field("paid_on").Length == 0) continue;
            var platform = field("platform_id");
            var worker = field("worker_account_id");
            lines.Add(new RawPaidLine(
                MarketStats.Core.Domain.FiscalYear.Of(DateOnly.ParseExact(field("paid_on"), "yyyy-MM-dd", CultureInfo.InvariantCulture)),
                platform, field("category"), field("worker_prefecture") is { Length: > 0 } p ? p : null,
                long.Parse(field("paid_jpy"), CultureInfo.InvariantCulture),
                Person(platform, field("client_account_id"), "client"),
                worker.Length == 0 ? "" : Person(platform, worker, "worker")));
        }
        return lines;
    }


    public static string RegionOf(string? prefecture) => prefecture is not null && Prefecture.IsCode(prefecture) ? Prefecture.ByCode(prefecture).Region.Code : "unknown";

    /// <summary>Writes a request file and returns its path.</summary>
    public string Spec(string yaml)
    {
        var path = Temp[$"spec-{Guid.NewGuid():N}.yaml"];
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>
    /// The attack audit over everything in the log for the given recipients together (what those recipients hold if
    /// they pool their releases): published values are constants, withheld cells unknowns, every logged relation holds.
    /// </summary>
    public static IReadOnlyList<AuditFinding> AuditPooled(Warehouse warehouse, params string[] recipients)
    {
        var published = new Dictionary<string, double>(StringComparer.Ordinal);
        var suppressed = new Dictionary<string, SuppressedValue>(StringComparer.Ordinal);
        var relations = new Dictionary<string, AdditiveRelation>(StringComparer.Ordinal);
        foreach (var recipient in recipients)
        {
            var earlier = ReleaseLog.Earlier(warehouse, recipient);
            foreach (var p in earlier.Published) published[p.Key] = p.Value;
            foreach (var s in earlier.Suppressed) suppressed.TryAdd(s.Key, s);
            foreach (var r in earlier.Relations) relations.TryAdd(r.Total + "=" + string.Join('+', r.Members.Order(StringComparer.Ordinal)), r);
        }
        var cells = published.Select(p => new ReleaseCell(p.Key, p.Value, Suppression.None))
            .Concat(suppressed.Values.Where(s => !published.ContainsKey(s.Key))
                .Select(s => new ReleaseCell(s.Key, s.Value, s.Reason == Suppression.Complementary ? Suppression.None : s.Reason)))
            .ToList();
        var status = cells.ToDictionary(c => c.Key, c => published.ContainsKey(c.Key) ? Suppression.None : suppressed[c.Key].Reason, StringComparer.Ordinal);
        return AttackAudit.Audit(cells, [.. relations.Values], status, new ProtectionPolicy(DisclosurePolicy.Extract.ProtectionMargin));
    }
}

[CollectionDefinition(Name)]
public sealed class ExtractMarketCollection : ICollectionFixture<ExtractMarket>
{
    public const string Name = "extract market";
}
