using MarketStats.Core.Storage;
using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Ingest;

public sealed class IngestorTests : InboxTest
{
    private string InboxFile(string platform, string name) => Path.Combine(Inbox, platform, name);

    [Fact]
    public void Loads_each_row_with_its_lineage_and_typed_values()
    {
        var file = ExportFile.Transactions(rows: 8);
        file.Write(InboxFile("P01", "tx.csv"));
        ExportFile.Registrations(rows: 6).Write(InboxFile("P01", "reg.csv.gz"), "utf-8-bom", gzip: true);

        var summary = Ingest();

        Assert.Equal(2, summary.Count(FileOutcomeKind.Loaded));
        Assert.Equal(8, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal(6, Scalar<long>("select count(*) from raw_registrations"));
        var expectedPaid = file.Rows.Where(r => r["paid_jpy"] != "").Sum(r => long.Parse(r["paid_jpy"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expectedPaid, Scalar<long>("select sum(paid_jpy) from raw_transactions"));
        Assert.Equal("T000005", Scalar<string>("select transaction_id from raw_transactions where source_line = 7"));
        Assert.Equal("csv.gz (utf-8-bom)", Scalar<string>("select source_format from ingest_files where record_kind = 'registrations'"));
        Assert.Equal(DeliveredFile.HashOf(InboxFile("P01", "tx.csv")), Scalar<string>("select content_sha256 from ingest_files where source_name = 'tx.csv'"));
    }

    [Fact]
    public void A_bad_file_is_quarantined_whole_with_its_report_and_good_files_still_load()
    {
        ExportFile.Transactions(rows: 8).Write(InboxFile("P01", "good.csv"));
        ExportFile.Transactions(rows: 8, platform: "P02").Set(5, "paid_jpy", "999999").Write(InboxFile("P02", "bad.csv"));

        var summary = Ingest();

        var rejected = Assert.Single(summary.Files, f => f.Kind == FileOutcomeKind.Rejected);
        Assert.Equal(Path.Combine(QuarantineRoot, "P02", "bad.csv"), rejected.QuarantinedTo);
        Assert.False(File.Exists(InboxFile("P02", "bad.csv")));
        Assert.True(File.Exists(rejected.QuarantinedTo));
        var report = File.ReadAllText(rejected.QuarantinedTo + ".errors.txt");
        Assert.Contains("bad.csv:7: column 'paid_jpy' value '999999' [amount.paid_le_contracted]", report);
        Assert.Equal(0, Scalar<long>("select count(*) from raw_transactions where platform_id = 'P02'"));
        Assert.Equal(8, Scalar<long>("select count(*) from raw_transactions where platform_id = 'P01'"));
        Assert.Equal(1, Scalar<long>("select count(*) from ingest_rejections where platform_id = 'P02'"));
    }

    [Fact]
    public void The_same_content_delivered_again_changes_nothing()
    {
        ExportFile.Transactions(rows: 8).Write(InboxFile("P01", "tx.csv"));
        Ingest();
        File.Copy(InboxFile("P01", "tx.csv"), InboxFile("P01", "tx-resent.csv"));
        var before = Scalar<string>("select string_agg(file_id || transaction_id, ',' order by transaction_id) from raw_transactions");

        var second = Ingest();

        Assert.Equal(2, second.Count(FileOutcomeKind.Skipped));
        Assert.Equal(0, second.RowsLoaded);
        Assert.Equal(before, Scalar<string>("select string_agg(file_id || transaction_id, ',' order by transaction_id) from raw_transactions"));
        Assert.Equal(1, Scalar<long>("select count(*) from ingest_files"));
    }

    [Fact]
    public void A_corrected_reexport_replaces_the_period_atomically()
    {
        ExportFile.Transactions(rows: 8).Write(InboxFile("P01", "tx-r1.csv"));
        Ingest();
        var corrected = ExportFile.Transactions(rows: 6, revision: 2);
        corrected.Set(0, "paid_jpy", "40000").Set(0, "fee_jpy", "4000");
        corrected.Write(InboxFile("P01", "tx-r2.csv"));

        var summary = Ingest();

        var replaced = Assert.Single(summary.Files, f => f.Kind == FileOutcomeKind.Replaced);
        Assert.Contains("replacing file 1", replaced.Detail);
        Assert.Equal(6, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal(0, Scalar<long>("select count(*) from raw_transactions where file_id = 1"));
        Assert.Equal(40000, Scalar<long>("select paid_jpy from raw_transactions where transaction_id = 'T000000'"));
        Assert.Equal(2, Scalar<int>("select superseded_by from ingest_files where file_id = 1"));
    }

    [Fact]
    public void A_reexport_without_a_higher_revision_is_refused()
    {
        ExportFile.Transactions(rows: 8, revision: 2).Write(InboxFile("P01", "tx-r2.csv"));
        Ingest();
        ExportFile.Transactions(rows: 7, revision: 2).Write(InboxFile("P01", "tx-r2-again.csv"));

        var rejected = Assert.Single(Ingest().Files, f => f.Kind == FileOutcomeKind.Rejected);

        Assert.Equal(RuleIds.StaleRevision, rejected.Check!.Violations.Single().Rule);
        Assert.Equal(8, Scalar<long>("select count(*) from raw_transactions"));
    }

    [Fact]
    public void A_month_inside_a_loaded_fiscal_year_is_refused_as_an_overlap()
    {
        ExportFile.Transactions(rows: 4).Write(InboxFile("P01", "fy.csv"));
        Ingest();
        ExportFile.Transactions(rows: 4, period: "2024-05", idPrefix: "M").Write(InboxFile("P01", "may.csv"));

        var rejected = Assert.Single(Ingest().Files, f => f.Kind == FileOutcomeKind.Rejected);

        Assert.Equal(RuleIds.PeriodOverlap, rejected.Check!.Violations.Single().Rule);
    }

    [Fact]
    public void A_transaction_id_already_loaded_from_another_period_is_refused()
    {
        ExportFile.Transactions(rows: 4, period: "2024-05").Write(InboxFile("P01", "may.csv"));
        Ingest();
        var june = ExportFile.Transactions(rows: 4, period: "2024-06", idPrefix: "J");
        foreach (var row in june.Rows) { row["posted_on"] = "2024-06-01"; row["contracted_on"] = row["contracted_on"] == "" ? "" : "2024-06-03"; row["paid_on"] = row["paid_on"] == "" ? "" : "2024-06-10"; }
        june.Set(3, "transaction_id", "T000001");
        june.Write(InboxFile("P01", "june.csv"));

        var rejected = Assert.Single(Ingest().Files, f => f.Kind == FileOutcomeKind.Rejected);

        var error = Assert.Single(rejected.Check!.Examples);
        Assert.Equal((RuleIds.UniqueAcrossFiles, 5L, "P01|T000001"), (error.Rule, error.Line!.Value, error.Value));
    }

    [Fact]
    public void Parquet_exports_load_like_csv()
    {
        var csv = ExportFile.Transactions(rows: 8).Write(Temp["source.csv"]);
        using (var scratch = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:"))
        {
            scratch.Open();
            using var command = scratch.CreateCommand();
            Directory.CreateDirectory(Path.Combine(Inbox, "P01"));
            // Typed columns, as a member's Parquet writer would produce them.
            command.CommandText = $"copy (select * from read_csv('{csv}', header = true, types = {{'contract_version': 'INTEGER', 'posted_on': 'DATE', 'paid_jpy': 'BIGINT'}})) to '{InboxFile("P01", "tx.parquet")}' (format parquet)";
            command.ExecuteNonQuery();
        }

        var summary = Ingest();

        Assert.Equal(FileOutcomeKind.Loaded, Assert.Single(summary.Files).Kind);
        Assert.Equal(8, Scalar<long>("select count(*) from raw_transactions"));
        Assert.Equal("parquet", Scalar<string>("select source_format from ingest_files"));
    }

    [Fact]
    public void Partial_downloads_and_hidden_files_are_ignored()
    {
        ExportFile.Transactions().Write(InboxFile("P01", "tx.csv.part"));
        ExportFile.Transactions().Write(InboxFile("P01", ".tx.csv"));
        Assert.Empty(Ingest().Files);
    }
}
