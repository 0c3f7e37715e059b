using MarketStats.Scheduling;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Scheduling;

public sealed class ScheduleConfigTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private ScheduleConfig Load(string json)
    {
        File.WriteAllText(temp["schedule.json"], json);
        return ScheduleConfig.Load(temp["schedule.json"]);
    }

    [Fact]
    public void Load_reads_the_documented_example() => Assert.Equal(3, ScheduleConfig.Load(Repository.File("docs/schedule.example.json")).Sources.Count);

    [Theory]
    [InlineData("http://exports.example.jp/manifest.json")] // production endpoints must be https
    [InlineData("ftp://127.0.0.1/manifest.json")]
    public void Load_refuses_a_non_https_endpoint(string url)
    {
        var e = Assert.Throws<ScheduleConfigException>(() => Load($$"""{ "sources": [ { "platform": "P01", "manifestUrl": "{{url}}" } ] }"""));
        Assert.Contains("https", e.Message);
    }

    [Theory]
    [InlineData("""{ "sources": [ { "platform": "P01", "dropFolder": "d", "cron": "every night" } ] }""", "cron")]
    [InlineData("""{ "sources": [ { "platform": "../P01", "dropFolder": "d" } ] }""", "platform id")]
    [InlineData("""{ "sources": [ { "platform": "P01" } ] }""", "exactly one of dropFolder or manifestUrl")]
    [InlineData("""{ "databse": "x.duckdb" }""", "databse")] // a misspelt key is an error, not silently ignored
    [InlineData("""{ "timeZone": "Mars/Olympus" }""", "time zone")]
    public void Load_names_the_problem(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<ScheduleConfigException>(() => Load(json)).Message);

    [Fact]
    public void Credential_is_read_from_the_named_environment_variable_and_never_from_the_file()
    {
        var config = Load("""{ "sources": [ { "platform": "P01", "manifestUrl": "https://x.example/m.json", "credential": { "environmentVariable": "MARKETSTATS_TEST_UNSET_TOKEN" } } ] }""");
        var e = Assert.Throws<ScheduleConfigException>(() => config.Source("P01").Credential!.Resolve("P01"));
        Assert.Contains("MARKETSTATS_TEST_UNSET_TOKEN", e.Message);
    }

    [Fact]
    public void NextFireTimes_are_in_Japan_time()
    {
        var config = Load("{}");
        var next = SchedulerHost.NextFireTimes(config, "0 0 2 * * ?", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)).First();
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.FromHours(9)), next);
        Assert.Equal(TimeSpan.FromHours(9), next.Offset);
    }
}
