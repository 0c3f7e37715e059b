using System.Text;
using MarketStats.Scheduling;
using MarketStats.Ingest.Pulling;
using MarketStats.Tests.Support;
using static MarketStats.Tests.Support.ExportServer;

namespace MarketStats.Tests.Scheduling;

/// <summary>Pulls from a real HTTP server on 127.0.0.1: every case ends with files landed whole or quarantined, never half-written.</summary>
public sealed class SourcePullerTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly ExportServer server = new();
    private readonly HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private static readonly byte[] Transactions = Encoding.UTF8.GetBytes(ExportFile.Transactions(rows: 40).ToCsv());
    private static readonly byte[] Registrations = Encoding.UTF8.GetBytes(ExportFile.Registrations(rows: 12).ToCsv());

    public void Dispose()
    {
        http.Dispose();
        server.Dispose();
        temp.Dispose();
    }

    private ScheduleConfig Config(double timeoutSeconds = 5, int maxAttempts = 3, string credential = "null")
    {
        var path = temp["schedule.json"];
        File.WriteAllText(path, $$"""
            {
              "sources": [ { "platform": "P01", "manifestUrl": "{{server.ManifestUrl}}", "credential": {{credential}} } ],
              "http": { "timeoutSeconds": {{timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "maxAttempts": {{maxAttempts}}, "initialBackoffSeconds": 0.05 }
            }
            """);
        return ScheduleConfig.Load(path);
    }

    private async Task<PullSummary> Pull(ScheduleConfig config) =>
        await new SourcePuller(config.PullFolders, config.Http, http, TimeProvider.System).PullAsync(config.PullSource("P01"), CancellationToken.None);

    private string[] Inbox() => Directory.Exists(temp["inbox/P01"]) ? Directory.GetFiles(temp["inbox/P01"]).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];

    /// <summary>Nothing unverified anywhere the ingest or a person could pick it up.</summary>
    private void AssertNothingHalfWritten()
    {
        Assert.Empty(Directory.Exists(temp["inbox"]) ? Directory.GetFiles(temp["inbox"], ".*", SearchOption.AllDirectories) : []);
        Assert.Empty(Directory.Exists(temp["landing"]) ? Directory.GetFiles(temp["landing"], "*.part", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Pull_lands_verified_files_then_a_second_pull_is_answered_304_and_downloads_nothing()
    {
        server.Offer("registrations.csv", Registrations).Offer("transactions.csv", Transactions);
        var config = Config();

        var first = await Pull(config);
        Assert.Equal(["registrations.csv", "transactions.csv"], first.Landed);
        Assert.Equal(["registrations.csv", "transactions.csv"], Inbox());
        Assert.Equal(Transactions, File.ReadAllBytes(temp["inbox/P01/transactions.csv"]));

        var second = await Pull(config);
        Assert.Empty(second.Landed);
        Assert.Equal(2, second.Skipped.Count);
        Assert.Equal(1, server.CountRequests("transactions.csv")); // the manifest's ETag matched: no file was asked for again
        Assert.Contains(server.Requests, r => r.StartsWith("GET /manifest.json If-None-Match=\"", StringComparison.Ordinal));
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_after_the_manifest_changed_fetches_only_the_new_file()
    {
        server.Offer("transactions.csv", Transactions);
        var config = Config();
        await Pull(config);

        server.Offer("registrations.csv", Registrations);
        var second = await Pull(config);
        Assert.Equal(["registrations.csv"], second.Landed);
        Assert.Equal(["transactions.csv"], second.Skipped);
        Assert.Equal(1, server.CountRequests("transactions.csv")); // already landed with this SHA-256
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_retries_a_500_and_lands_the_file()
    {
        server.Offer("transactions.csv", Transactions).Misbehave("transactions.csv", Misbehaviour.ServerError);
        var summary = await Pull(Config());
        Assert.Equal(["transactions.csv"], summary.Landed);
        Assert.Equal(2, server.CountRequests("transactions.csv"));
        Assert.Equal(Transactions, File.ReadAllBytes(temp["inbox/P01/transactions.csv"]));
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_retries_a_truncated_download_and_lands_the_whole_file()
    {
        server.Offer("transactions.csv", Transactions).Misbehave("transactions.csv", Misbehaviour.TruncatedBody);
        var summary = await Pull(Config());
        Assert.Equal(["transactions.csv"], summary.Landed);
        Assert.Equal(Transactions, File.ReadAllBytes(temp["inbox/P01/transactions.csv"]));
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_gives_up_on_downloads_truncated_every_time_and_leaves_nothing_behind()
    {
        server.Offer("transactions.csv", Transactions).Misbehave("transactions.csv", Misbehaviour.TruncatedBody, times: 3)
              .Offer("registrations.csv", Registrations);
        var summary = await Pull(Config(maxAttempts: 3));
        Assert.Single(summary.Failed);
        Assert.StartsWith("transactions.csv: Could not fetch", summary.Failed[0]);
        Assert.Equal(["registrations.csv"], Inbox()); // the other file is unaffected
        AssertNothingHalfWritten();

        // The manifest's ETag was not remembered, so the next pull asks again and gets the file.
        var retry = await Pull(Config());
        Assert.Equal(["transactions.csv"], retry.Landed);
        Assert.Equal(["registrations.csv", "transactions.csv"], Inbox());
    }

    [Fact]
    public async Task Pull_quarantines_a_file_whose_hash_does_not_match_the_manifest()
    {
        server.Offer("transactions.csv", Transactions, manifestSha256: new string('0', 64));
        var summary = await Pull(Config());
        Assert.Empty(summary.Landed);
        Assert.Single(summary.Quarantined);
        Assert.Empty(Inbox());
        Assert.Equal(Transactions, File.ReadAllBytes(temp["quarantine/P01/transactions.csv"]));
        Assert.Contains("SHA-256", File.ReadAllText(temp["quarantine/P01/transactions.csv.errors.txt"]));
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_gives_up_on_a_server_slower_than_the_timeout_and_lands_nothing()
    {
        server.Offer("transactions.csv", Transactions).Misbehave("transactions.csv", Misbehaviour.SlowAnswer, times: 2);
        var summary = await Pull(Config(timeoutSeconds: 0.5, maxAttempts: 2));
        Assert.Single(summary.Failed);
        Assert.Contains("no complete answer within 0.5 s", summary.Failed[0]);
        Assert.Empty(Inbox());
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_retries_a_slow_answer_and_lands_the_file_when_the_server_recovers()
    {
        server.Offer("transactions.csv", Transactions).Misbehave("transactions.csv", Misbehaviour.SlowAnswer);
        var summary = await Pull(Config(timeoutSeconds: 0.5, maxAttempts: 2));
        Assert.Equal(["transactions.csv"], summary.Landed);
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_from_a_drop_folder_copies_new_files_once()
    {
        var drop = Directory.CreateDirectory(temp["drop"]).FullName;
        File.WriteAllBytes(Path.Combine(drop, "transactions.csv"), Transactions);
        File.WriteAllBytes(Path.Combine(drop, "still-writing.csv.part"), Transactions); // ignored, like ingest ignores it
        File.WriteAllText(temp["schedule.json"], """{ "sources": [ { "platform": "P01", "dropFolder": "drop" } ] }""");
        var config = ScheduleConfig.Load(temp["schedule.json"]);

        Assert.Equal(["transactions.csv"], (await Pull(config)).Landed);
        Assert.Equal(["transactions.csv"], (await Pull(config)).Skipped);
        Assert.Equal(["transactions.csv"], Inbox());
        AssertNothingHalfWritten();
    }

    [Fact]
    public async Task Pull_sends_the_token_named_by_the_credential_reference_as_a_bearer_token()
    {
        server.Offer("transactions.csv", Transactions);
        File.WriteAllText(temp["p01.token"], "s3cret-from-file\n");
        var summary = await Pull(Config(credential: $$"""{ "file": "{{temp["p01.token"]}}" }"""));
        Assert.Equal(["transactions.csv"], summary.Landed);
        Assert.All(server.Requests, r => Assert.EndsWith("Authorization=Bearer s3cret-from-file", r));
        Assert.DoesNotContain("s3cret", File.ReadAllText(temp["schedule.json"]));
    }

    [Fact]
    public async Task Pull_does_not_retry_a_missing_file_and_reports_it()
    {
        server.Offer("transactions.csv", Transactions);
        Config();
        File.WriteAllText(temp["schedule.json"], File.ReadAllText(temp["schedule.json"]).Replace("manifest.json", "no-such-manifest.json", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<PullException>(() => Pull(ScheduleConfig.Load(temp["schedule.json"])));
        Assert.Contains("404", e.Message);
        Assert.Equal(1, server.CountRequests("no-such-manifest.json")); // a 404 is not transient: asked once
        Assert.Empty(Inbox());
    }
}
