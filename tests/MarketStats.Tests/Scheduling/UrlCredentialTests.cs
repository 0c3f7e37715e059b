using System.Text;
using MarketStats.Cli;
using MarketStats.Ingest.Pulling;
using MarketStats.Scheduling;
using MarketStats.Tests.Support;
using Microsoft.Data.Sqlite;

namespace MarketStats.Tests.Scheduling;

/// <summary>
/// Credentials never travel inside a URL (issue 11, item 7): a manifest URL with user-info or a token-like query
/// parameter is refused when the configuration is loaded, and any URL is redacted before it is printed or stored.
/// </summary>
public sealed class UrlCredentialTests : IDisposable
{
    private const string Secret = "s3cr3t-t0ken";
    private readonly TempFolder temp = new();
    private readonly ExportServer server = new();

    public void Dispose()
    {
        server.Dispose();
        temp.Dispose();
    }

    [Theory]
    [InlineData("https://member:" + Secret + "@exports.example.jp/manifest.json", "user")]
    [InlineData("https://" + Secret + "@exports.example.jp/manifest.json", "user")]
    [InlineData("https://exports.example.jp/manifest.json?access_token=" + Secret, "access_token")]
    [InlineData("https://exports.example.jp/manifest.json?format=json&api_key=" + Secret, "api_key")]
    [InlineData("https://exports.example.jp/manifest.json?X-Amz-Signature=" + Secret, "X-Amz-Signature")]
    [InlineData("https://exports.example.jp/manifest.json?sig=" + Secret, "sig")]
    [InlineData("https://exports.example.jp/manifest.json?Token=" + Secret, "Token")]
    public void A_manifest_url_carrying_a_credential_is_refused_without_echoing_it(string url, string named)
    {
        File.WriteAllText(temp["schedule.json"], $$"""{ "sources": [ { "platform": "P01", "manifestUrl": "{{url}}" } ] }""");

        var e = Assert.Throws<ScheduleConfigException>(() => ScheduleConfig.Load(temp["schedule.json"]));

        Assert.Contains("credential", e.Message);
        Assert.Contains(named, e.Message);
        Assert.DoesNotContain(Secret, e.Message);
    }

    [Fact]
    public void A_manifest_url_with_harmless_parameters_loads()
    {
        File.WriteAllText(temp["schedule.json"], """{ "sources": [ { "platform": "P01", "manifestUrl": "https://exports.example.jp/manifest.json?format=json&fy=2024" } ] }""");
        Assert.Equal("https://exports.example.jp/manifest.json?format=json&fy=2024", ScheduleConfig.Load(temp["schedule.json"]).Source("P01").ManifestUrl);
    }

    [Theory]
    [InlineData("https://user:pw@host.example/a?access_token=abc&format=csv", "https://***@host.example/a?access_token=***&format=csv")]
    [InlineData("failed: http://127.0.0.1:80/x.csv?X-Amz-Signature=abc&X-Amz-Credential=def answered 404", "failed: http://127.0.0.1:80/x.csv?X-Amz-Signature=***&X-Amz-Credential=*** answered 404")]
    [InlineData("https://host.example/a?fy=2024", "https://host.example/a?fy=2024")]
    public void Redact_hides_user_info_and_secret_parameters(string text, string expected) =>
        Assert.Equal(expected, SourceUrls.Redact(text));

    [Fact]
    public async Task Urls_in_a_manifest_are_redacted_in_output_quarantine_reports_and_job_history()
    {
        var content = Encoding.UTF8.GetBytes(ExportFile.Transactions(rows: 4).ToCsv());
        server.Offer("transactions.csv", content);
        server.ManifestJson = $$"""
            { "files": [
              { "name": "transactions.csv", "size": {{content.Length}}, "sha256": "{{new string('0', 64)}}", "url": "transactions.csv?access_token={{Secret}}" },
              { "name": "registrations.csv", "size": 10, "sha256": "{{new string('1', 64)}}", "url": "https://member:{{Secret}}@127.0.0.1:1/registrations.csv" },
              { "name": "missing.csv", "size": 10, "sha256": "{{new string('2', 64)}}", "url": "missing.csv?token={{Secret}}" } ] }
            """;
        File.WriteAllText(temp["schedule.json"], $$"""
            { "sources": [ { "platform": "P01", "manifestUrl": "{{server.ManifestUrl}}" } ], "inbox": "inbox", "landing": "landing",
              "quarantine": "quarantine", "jobHistory": "history.sqlite", "http": { "timeoutSeconds": 5, "maxAttempts": 1 } }
            """);

        var (code, output, error) = await CliRunner.Run("schedule", "trigger", "pull-P01", "--config", temp["schedule.json"]);

        Assert.Equal(ExitCodes.CouldNotRun, code); // missing.csv failed
        var report = File.ReadAllText(temp["quarantine/P01/transactions.csv.errors.txt"]);
        Assert.Contains("transactions.csv?access_token=***", report);
        Assert.Contains("missing.csv?token=***", error);
        using var history = new SqliteConnection($"Data Source={temp["history.sqlite"]}");
        history.Open();
        using var query = history.CreateCommand();
        query.CommandText = "select group_concat(coalesce(error, '') || ' ' || coalesce(files_touched, ''), ' ') from job_history";
        var stored = (string)query.ExecuteScalar()!;
        Assert.Contains("token=***", stored);
        foreach (var text in new[] { output, error, report, stored })
            Assert.DoesNotContain(Secret, text);
    }
}
