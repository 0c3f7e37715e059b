using MarketStats.Cli;

namespace MarketStats.Tests.Support;

/// <summary>
/// The demo (8,000 transactions, 30 platforms) run once through the CLI, for the survey's reconciliation tests: its
/// printed results, the database, the inbox of raw exports and the survey workbook. Shared by a collection, so the
/// demo runs once for every class that reconciles the survey with the raw exports.
/// </summary>
public sealed class SurveyDemo : IDisposable
{
    private readonly TempFolder temp = new();

    public int Code { get; }
    public string Error { get; }
    public ILookup<string, string> Results { get; }
    public string Database => temp["demo/demo.duckdb"];
    public string Inbox => temp["demo/inbox"];
    public string WorkFolder => temp.Path;

    public SurveyDemo()
    {
        var (code, output, error) = CliRunner.Run("demo", "--out", temp["out"], "--db", Database, "--transactions", "8000").GetAwaiter().GetResult();
        (Code, Error, Results) = (code, error, CliRunner.Results(output));
        Assert.True(code == ExitCodes.Success, error);
    }

    public string Workbook => Results["survey_workbook"].Single();

    public void Dispose() => temp.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SurveyDemoCollection : ICollectionFixture<SurveyDemo>
{
    public const string Name = "survey demo";
}
