using System.Globalization;
using MarketStats.Cli;

namespace MarketStats.Tests.Support;

/// <summary>
/// The demo's market (<c>marketstats demo --transactions 8000</c>: generate, ingest, link, marts, the survey) built once
/// for the survey's reconciliation tests, with the linker's mapping read through the CLI like any analyst would.
/// </summary>
public sealed class SurveyDemo : IAsyncLifetime
{
    public TempFolder Temp { get; } = new();
    public string Db => Temp["demo/demo.duckdb"];
    public string Inbox => Temp["demo/inbox"];
    public ILookup<string, string> Results { get; private set; } = Array.Empty<string>().ToLookup(x => x);
    public int FiscalYear => int.Parse(Results["survey_fiscal_year"].Single(), CultureInfo.InvariantCulture);
    public string Workbook => Results["survey_workbook"].Single();
    /// <summary>The linker's table: (platform, account, kind) → person id.</summary>
    public IReadOnlyDictionary<(string Platform, string Account, string Kind), string> Persons { get; private set; } =
        new Dictionary<(string, string, string), string>();

    public async Task InitializeAsync()
    {
        var (code, output, error) = await CliRunner.Run("demo", "--out", Temp["out"], "--db", Db, "--transactions", "8000");
        Assert.True(code == ExitCodes.Success, error);
        Results = CliRunner.Results(output);
        var (_, csv, _) = await CliRunner.Run("sql", "select platform_id, account_id, kind, person_id from int_account_persons", "--db", Db, "--format", "csv");
        Persons = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.TrimEnd('\r').Split(','))
            .ToDictionary(f => (f[0], f[1], f[2]), f => f[3]);
    }

    /// <summary>The person behind an account, or the account itself when the linker did not place it.</summary>
    public string Person(string platform, string account, string kind) =>
        Persons.TryGetValue((platform, account, kind), out var id) ? "person:" + id : $"account:{platform}:{account}";

    public Task DisposeAsync()
    {
        Temp.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class SurveyDemoCollection : ICollectionFixture<SurveyDemo>
{
    public const string Name = "survey demo";
}
