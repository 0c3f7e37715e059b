using MarketStats.Core.Contract;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

public sealed class ContractDocumentTests
{

    [Fact]
    public void The_published_document_carries_exactly_the_generated_reference()
    {
        var document = File.ReadAllText(Repository.File("docs/export-contract.md")).ReplaceLineEndings("\n");
        var start = document.IndexOf(ContractDocument.BeginMarker, StringComparison.Ordinal);
        var end = document.IndexOf(ContractDocument.EndMarker, StringComparison.Ordinal) + ContractDocument.EndMarker.Length;
        Assert.True(start >= 0 && end > start, "generated section markers are missing");
        var expected = ContractDocument.Markdown().ReplaceLineEndings("\n").TrimEnd();
        if (document[start..end] != expected)
        {
            File.WriteAllText(Repository.File("docs/export-contract.received.txt"), expected);
            Assert.Fail("docs/export-contract.md is out of date: run `marketstats contract --format markdown` and paste its output (docs/export-contract.received.txt).");
        }
    }

    [Fact]
    public void The_document_keeps_every_field_name_members_were_given()
    {
        var document = File.ReadAllText(Repository.File("docs/export-contract.md"));
        string[] published =
        [
            "platform_id", "transaction_id", "job_id", "form", "category", "status", "posted_on", "contracted_on", "paid_on",
            "posted_jpy", "contracted_jpy", "paid_jpy", "fee_jpy", "client_account_id", "worker_account_id", "client_prefecture",
            "worker_prefecture", "account_id", "kind", "client_type", "prefecture", "registered_on", "last_active_on", "age_band",
            "gender", "email_hmac", "phone_hmac", "corporate_number_hmac", "identity_clk",
        ];
        var defined = ExportContract.V1.Records.Values.SelectMany(r => r.Fields).Select(f => f.Name).ToHashSet();
        Assert.All(published, name => Assert.Contains(name, defined));
        Assert.All(published, name => Assert.Contains($"`{name}`", document));
    }

    [Fact]
    public void The_transactions_example_in_the_document_is_valid()
    {
        var document = File.ReadAllText(Repository.File("docs/export-contract.md")).ReplaceLineEndings("\n");
        var start = document.IndexOf("```csv\n", StringComparison.Ordinal) + 7;
        var example = document[start..document.IndexOf("```", start, StringComparison.Ordinal)];
        var path = Path.Combine(Directory.CreateTempSubdirectory("marketstats-doc-").FullName, "transactions_FY2024.csv");
        File.WriteAllText(path, example);
        var check = new MarketStats.Ingest.FileChecker(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))).Check(path, "P07");
        Assert.True(check.IsValid, string.Join("\n", check.Examples));
        Assert.Equal(3, check.Rows);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
