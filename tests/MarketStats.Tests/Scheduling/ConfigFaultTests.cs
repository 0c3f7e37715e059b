using MarketStats.Ingest.Pulling;
using MarketStats.Scheduling;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Scheduling;

/// <summary>Configurations and manifests that cannot work are refused with a sentence, before any work (issue 11, item 9).</summary>
public sealed class ConfigFaultTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private ScheduleConfig Load(string json)
    {
        File.WriteAllText(temp["schedule.json"], json);
        return ScheduleConfig.Load(temp["schedule.json"]);
    }

    [Theory]
    [InlineData("""{ "sources": null }""", "sources")]
    [InlineData("""{ "jobs": null }""", "jobs")]
    [InlineData("""{ "http": null }""", "http")]
    [InlineData("""{ "sources": [ null ] }""", "sources")]
    public void A_null_section_is_named(string json, string section) =>
        Assert.Contains($"\"{section}\"", Assert.Throws<ScheduleConfigException>(() => Load(json)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("0 0 0 30 2 ?")]      // 30 February
    [InlineData("0 0 2 1 1 ? 2020")]  // a year gone by
    public void A_cron_that_never_fires_is_refused(string cron)
    {
        var e = Assert.Throws<ScheduleConfigException>(() => Load($$"""{ "jobs": { "ingest": "{{cron}}" } }"""));
        Assert.Contains("never fires", e.Message, StringComparison.Ordinal);
        Assert.Contains(cron, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_list_refuses_a_null_section_with_exit_2_and_one_sentence()
    {
        File.WriteAllText(temp["schedule.json"], """{ "sources": null }""");

        var (code, _, error) = await CliRunner.Run("schedule", "list", "--config", temp["schedule.json"]);

        Assert.Equal(2, code);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Contains("\"sources\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tx\u0000.csv")]
    [InlineData("tx\n.csv")]
    public void A_manifest_file_name_with_a_control_character_is_a_pull_problem(string name)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { files = new[] { new { name, size = 1, sha256 = new string('a', 64) } } });

        var e = Assert.Throws<PullException>(() => Manifest.Parse(json, new Uri("https://exports.example.jp/manifest.json")));

        Assert.Contains("control character", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0000", e.Message, StringComparison.Ordinal);
    }
}
