using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.HostileInput;

/// <summary>Each crafted file of the corpus (see README.md beside this file) gets the rule that names its problem, or loads.</summary>
public sealed class HostileCorpusTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("valid.csv", null)]
    [InlineData("crlf.csv", null)]
    [InlineData("mixed-line-ends.csv", null)]
    [InlineData("empty.csv", RuleIds.Empty)]
    [InlineData("blank-lines.csv", RuleIds.Empty)]
    [InlineData("header-only.csv", RuleIds.Empty)]
    [InlineData("utf16le-bom.csv", RuleIds.Unreadable)]
    [InlineData("utf16le-no-bom.csv", RuleIds.Unreadable)]
    [InlineData("latin1-name.csv", RuleIds.Unreadable)]
    [InlineData("nul-byte.csv", RuleIds.Unreadable)]
    [InlineData("not-csv.csv", RuleIds.Unreadable)]
    [InlineData("phone-dotted.csv", RuleIds.PiiPhone)]
    [InlineData("phone-tel-uri.csv", RuleIds.PiiPhone)]
    [InlineData("name-romanised-dot.csv", RuleIds.PiiName)]
    [InlineData("name-romanised-underscore.csv", RuleIds.PiiName)]
    [InlineData("formula-id.csv", RuleIds.IdFormat)]
    [InlineData("ragged-row.csv", RuleIds.CsvStructure)]
    [InlineData("missing-column.csv", RuleIds.MissingColumn)]
    [InlineData("truncated.csv.gz", RuleIds.GzipIntegrity)]
    [InlineData("gzip-trailing-garbage.csv.gz", RuleIds.GzipIntegrity)]
    public void Each_file_gets_the_rule_that_names_its_problem(string name, string? rule)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp["inbox"], "P01", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Repository.File($"tests/MarketStats.Tests/HostileInput/{name}"), path);

        using var warehouse = Warehouse.OpenForWrite(temp["w.duckdb"]);
        var outcome = Assert.Single(new Ingestor(warehouse, Clock).IngestInbox(temp["inbox"], temp["quarantine"]).Files);

        if (rule is null)
        {
            Assert.Equal(FileOutcomeKind.Loaded, outcome.Kind);
            Assert.Equal(4L, warehouse.Scalar<long>("select count(*) from raw_transactions"));
            Assert.Equal(0L, warehouse.Scalar<long>("select count(*) from raw_transactions where contains(worker_prefecture, chr(13)) or contains(client_prefecture, chr(13))"));
        }
        else
        {
            Assert.Equal(FileOutcomeKind.Rejected, outcome.Kind);
            Assert.Contains(rule, outcome.Check!.Violations.Select(v => v.Rule));
            Assert.NotNull(outcome.QuarantinedTo);
            Assert.True(File.Exists(outcome.QuarantinedTo + ".errors.txt"));
            Assert.Equal(0L, warehouse.Scalar<long>("select count(*) from raw_transactions"));
        }
    }
}
