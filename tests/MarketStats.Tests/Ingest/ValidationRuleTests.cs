using MarketStats.Ingest;
using MarketStats.Ingest.Validation;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Ingest;

/// <summary>Every validation rule, each with a file that breaks it and only the place it breaks.</summary>
public sealed class ValidationRuleTests : IDisposable
{
    private static readonly FakeTimeProvider Today = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private FileCheck Check(ExportFile file, string? platform = null, string encoding = "utf-8", bool gzip = false) =>
        new FileChecker(Today).Check(file.Write(temp[$"export{(gzip ? ".csv.gz" : ".csv")}"], encoding, gzip), platform);

    public sealed record BrokenFile(string Rule, string? Column, long? Line, Func<ExportFile> Make, string Why)
    {
        public override string ToString() => $"{Rule} {Column}: {Why}";
    }

    public static TheoryData<BrokenFile> BrokenFiles => new()
    {
        new(RuleIds.Required, "transaction_id", 3, () => ExportFile.Transactions().Set(1, "transaction_id", ""), "a key is missing"),
        new(RuleIds.IdFormat, "job_id", 2, () => ExportFile.Transactions().Set(0, "job_id", "J 1"), "ids have no spaces"),
        new(RuleIds.CodeList, "form", 2, () => ExportFile.Transactions().Set(0, "form", "projekt"), "form outside its code list"),
        new(RuleIds.CodeList, "category", 4, () => ExportFile.Transactions().Set(2, "category", "webdesign"), "category outside its code list"),
        new(RuleIds.CodeList, "status", 2, () => ExportFile.Transactions().Set(0, "status", "done"), "status outside its code list"),
        new(RuleIds.CodeList, "client_prefecture", 2, () => ExportFile.Transactions().Set(0, "client_prefecture", "48"), "there are 47 prefectures"),
        new(RuleIds.CodeList, "worker_prefecture", 2, () => ExportFile.Transactions().Set(0, "worker_prefecture", "7"), "prefecture codes have two digits"),
        new(RuleIds.DateFormat, "posted_on", 2, () => ExportFile.Transactions().Set(0, "posted_on", "2024/05/01"), "dates are ISO"),
        new(RuleIds.DateFormat, "paid_on", 2, () => ExportFile.Transactions().Set(0, "paid_on", "2024-02-30"), "an impossible date"),
        new(RuleIds.DateRange, "contracted_on", 2, () => ExportFile.Transactions().Set(0, "contracted_on", "2027-01-01"), "a date in the future"),
        new(RuleIds.DateInPeriod, "posted_on", 3, () => ExportFile.Transactions().Set(1, "posted_on", "2025-04-01"), "FY2025 in an FY2024 file"),
        new(RuleIds.DateOrder, "paid_on", 2, () => ExportFile.Transactions().Set(0, "paid_on", "2024-05-02"), "paid before contracted"),
        new(RuleIds.DateOrder, "contracted_on", 3, () => ExportFile.Transactions().Set(1, "contracted_on", "2024-04-30"), "contracted before posted"),
        new(RuleIds.AmountFormat, "posted_jpy", 2, () => ExportFile.Transactions().Set(0, "posted_jpy", "50000.5"), "money is whole yen"),
        new(RuleIds.AmountNegative, "fee_jpy", 2, () => ExportFile.Transactions().Set(0, "fee_jpy", "-1"), "no negative amounts"),
        new(RuleIds.AmountLimit, "posted_jpy", 2, () => ExportFile.Transactions().Set(0, "posted_jpy", "2000000000"), "beyond the per-line limit"),
        new(RuleIds.PaidWithinContracted, "paid_jpy", 2, () => ExportFile.Transactions().Set(0, "paid_jpy", "49000"), "paid more than contracted"),
        new(RuleIds.FeeWithinValue, "fee_jpy", 2, () => ExportFile.Transactions().Set(0, "fee_jpy", "48001"), "fee above the paid value"),
        new(RuleIds.StatusRequires, "paid_on", 2, () => ExportFile.Transactions().Set(0, "paid_on", ""), "paid without a payment date"),
        new(RuleIds.StatusForbids, "worker_account_id", 4, () => ExportFile.Transactions().Set(2, "worker_account_id", "W1"), "posted-only with a worker"),
        new(RuleIds.StatusForbids, "paid_jpy", 5, () => ExportFile.Transactions().Set(3, "paid_jpy", "100"), "cancelled but paid"),
        new(RuleIds.FileConstant, "export_period", 3, () => ExportFile.Transactions().Set(1, "export_period", "FY2025"), "two periods in one file"),
        new(RuleIds.ContractVersion, "contract_version", 2, () => ExportFile.Transactions(rows: 1).Set(0, "contract_version", "4"), "unknown contract version"),
        new(RuleIds.IntFormat, "export_revision", 2, () => ExportFile.Transactions(rows: 1).Set(0, "export_revision", "x"), "revision is a number"),
        new(RuleIds.PeriodFormat, "export_period", 2, () => ExportFile.Transactions(rows: 1).Set(0, "export_period", "2024"), "period is FY2024 or 2024-04"),
        new(RuleIds.UniqueKey, "platform_id+transaction_id", 2, () => ExportFile.Transactions().Set(1, "transaction_id", "T000000"), "a duplicated transaction id"),
        new(RuleIds.MissingColumn, "job_id", 1, () => ExportFile.Transactions().DropColumn("job_id"), "a required column is missing"),
        new(RuleIds.UnknownColumn, "memo", 1, () => ExportFile.Transactions().AddColumn("memo", "x"), "a column outside the contract"),
        new(RuleIds.PiiColumn, "worker_email", 1, () => ExportFile.Transactions().AddColumn("worker_email", "x"), "a raw e-mail column"),
        new(RuleIds.PiiColumn, "氏名", 1, () => ExportFile.Transactions().AddColumn("氏名", "x"), "a raw name column, in Japanese"),
        new(RuleIds.PiiEmail, "client_account_id", 2, () => ExportFile.Transactions().Set(0, "client_account_id", "taro.yamada@example.co.jp"), "an e-mail as account id"),
        new(RuleIds.PiiPhone, "worker_account_id", 2, () => ExportFile.Transactions().Set(0, "worker_account_id", "090-1234-5678"), "a mobile number as account id"),
        new(RuleIds.PiiPhone, "client_account_id", 3, () => ExportFile.Transactions().Set(1, "client_account_id", "0312345678"), "a Tokyo landline as account id"),
        new(RuleIds.PiiName, "worker_account_id", 2, () => ExportFile.Transactions().Set(0, "worker_account_id", "山田花子"), "a Japanese name as account id"),
        new(RuleIds.PiiName, "client_account_id", 2, () => ExportFile.Transactions().Set(0, "client_account_id", "Hanako Yamada"), "a romanised name as account id"),
        new(RuleIds.KindAttributes, "client_type", 3, () => ExportFile.Registrations().Set(1, "client_type", ""), "a client without a type"),
        new(RuleIds.KindAttributes, "client_type", 2, () => ExportFile.Registrations().Set(0, "client_type", "corporation"), "a worker with a client type"),
        new(RuleIds.KindAttributes, "age_band", 3, () => ExportFile.Registrations().Set(1, "age_band", "40s"), "a client with an age band"),
        new(RuleIds.CodeList, "kind", 2, () => ExportFile.Registrations().Set(0, "kind", "both"), "kind outside its code list"),
        new(RuleIds.CodeList, "gender", 2, () => ExportFile.Registrations().Set(0, "gender", "f"), "gender outside its code list"),
        new(RuleIds.HmacFormat, "email_hmac", 2, () => ExportFile.Registrations().Set(0, "email_hmac", "ABCDEF"), "not a keyed hash"),
        new(RuleIds.ClkFormat, "identity_clk", 2, () => ExportFile.Registrations().Set(0, "identity_clk", "not base64!"), "not an encoding"),
        new(RuleIds.ClkFormat, "identity_clk", 2, () => ExportFile.Registrations().Set(0, "identity_clk", Convert.ToBase64String(new byte[128])), "an encoding of 1,024 bits (unfolded)"),
        new(RuleIds.ClkFormat, "identity_clk", 3, () => ExportFile.Registrations().Set(1, "identity_clk", "QUJD"), "valid base64 of three bytes"),
        // Contract v2: its columns only in a file that declares it, and each encoding of exactly its shape.
        new(RuleIds.ColumnVersion, "family_name_clk", 1, () => ExportFile.RegistrationsV2().Set(0, "contract_version", "1").Set(1, "contract_version", "1").Set(2, "contract_version", "1").Set(3, "contract_version", "1"), "a v1 file carrying a v2 column"),
        new(RuleIds.ColumnVersion, "birth_date_hmac", 1, () => ExportFile.Registrations().AddColumn("birth_date_hmac", ""), "a v1 file with an empty v2 column still declares the wrong version"),
        new(RuleIds.ClkFormat, "family_name_clk", 3, () => ExportFile.RegistrationsV2().Set(1, "family_name_clk", Convert.ToBase64String(new byte[17])), "a per-field encoding of the wrong length"),
        new(RuleIds.ClkFormat, "given_name_clk", 2, () => ExportFile.RegistrationsV2().Set(0, "given_name_clk", "@@@@@@@@@@@@@@@@@@@@@@=="), "a per-field encoding that is not base64"),
        new(RuleIds.ClkFormat, "given_name_kana_clk", 4, () => ExportFile.RegistrationsV2().Set(2, "given_name_kana_clk", "AAAAAAAAAAAAAAAAAAAAAB=="), "base64 with stray bits after the last byte"),
        new(RuleIds.ClkFormat, "family_name_kana_clk", 5, () => ExportFile.RegistrationsV2().Set(3, "family_name_kana_clk", Convert.ToBase64String(new byte[64])), "the record-level encoding's length in a per-field column"),
        new(RuleIds.HmacFormat, "birth_date_hmac", 2, () => ExportFile.RegistrationsV2().Set(0, "birth_date_hmac", "19850312"), "a raw birth date instead of its hash"),
        new(RuleIds.HmacFormat, "birth_year_hmac", 3, () => ExportFile.RegistrationsV2().Set(1, "birth_year_hmac", new string('G', 64)), "not hex"),
        // Contract v3: its columns only in a file that declares it; a raw part of a date instead of its hash is refused.
        new(RuleIds.ColumnVersion, "birth_month_day_hmac", 1, () => ExportFile.RegistrationsV3().Set(0, "contract_version", "2").Set(1, "contract_version", "2").Set(2, "contract_version", "2").Set(3, "contract_version", "2"), "a v2 file carrying a v3 column"),
        new(RuleIds.HmacFormat, "birth_month_day_hmac", 3, () => ExportFile.RegistrationsV3().Set(1, "birth_month_day_hmac", "0312"), "a raw month and day instead of their hash"),
        new(RuleIds.HmacFormat, "birth_date_unordered_hmac", 5, () => ExportFile.RegistrationsV3().Set(3, "birth_date_unordered_hmac", "<script>alert(1)</script>" + new string('0', 39)), "markup of a hash's length"),
        new(RuleIds.DateOrder, "last_active_on", 2, () => ExportFile.Registrations().Set(0, "last_active_on", "2024-04-01"), "active before registration"),
        new(RuleIds.UniqueKey, "platform_id+account_id+kind", 2, () => ExportFile.Registrations().Set(2, "account_id", "A000000"), "a duplicated account"),
        new(RuleIds.DateInPeriod, "registered_on", 2, () => ExportFile.Registrations().Set(0, "registered_on", "2024-03-31"), "registered before the period"),
    };

    [Fact]
    public void Baseline_files_are_valid()
    {
        Assert.Empty(Check(ExportFile.Transactions()).Violations);
        Assert.Empty(Check(ExportFile.Registrations()).Violations);
        Assert.Empty(Check(ExportFile.RegistrationsV2()).Violations);
        Assert.Equal(2, Check(ExportFile.RegistrationsV2()).Envelope!.ContractVersion);
        Assert.Empty(Check(ExportFile.RegistrationsV3()).Violations);
        Assert.Equal(3, Check(ExportFile.RegistrationsV3()).Envelope!.ContractVersion);
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Each_rule_names_file_line_column_and_value(BrokenFile broken)
    {
        var file = broken.Make();
        var check = Check(file);

        Assert.False(check.IsValid);
        // The first example of the rule is the first offending line (a duplicate key also lists its twin).
        var error = check.Examples.First(e => e.Rule == broken.Rule && e.Column == broken.Column);
        Assert.Equal("export.csv", error.File);
        Assert.Equal(broken.Line, error.Line);
        if (broken.Line is > 1 and var line && file.Columns.Contains(broken.Column!))
            Assert.Equal(NullIfEmpty(file.Rows[(int)line - 2][broken.Column!]), error.Value);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    [Fact]
    public void Platform_must_match_the_inbox_folder()
    {
        var check = Check(ExportFile.Transactions(), platform: "P02");
        var errors = check.Examples.Where(e => e.Rule == RuleIds.PlatformFolder).ToList();
        Assert.Equal(4, errors.Count);
        var error = errors[0];
        Assert.Equal(("platform_id", 2L, "P01"), (error.Column, error.Line!.Value, error.Value));
    }

    [Fact]
    public void Counts_every_offending_row_but_lists_a_bounded_number()
    {
        var file = ExportFile.Transactions(rows: 100);
        for (var i = 0; i < 100; i += 4) file.Set(i, "form", "bogus");
        var violation = Assert.Single(Check(file).Violations);
        Assert.Equal(25, violation.Count);
        Assert.Equal(FileValidator.ExamplesPerRule, violation.Examples.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(k => 2L + 4 * k), violation.Examples.Select(e => e.Line!.Value));
    }

    [Fact]
    public void A_header_without_rows_is_refused_because_it_declares_no_period()
    {
        var file = ExportFile.Transactions(rows: 0);
        Assert.Equal(RuleIds.Empty, Assert.Single(Check(file).Violations).Rule);
    }

    [Fact]
    public void A_file_of_neither_record_kind_is_refused()
    {
        File.WriteAllText(temp["odd.csv"], "a,b,c\n1,2,3\n");
        var check = new FileChecker(Today).Check(temp["odd.csv"]);
        Assert.Equal(RuleIds.UnknownKind, Assert.Single(check.Violations).Rule);
    }

    [Fact]
    public void A_row_with_too_many_fields_is_a_structural_error_on_its_line()
    {
        var csv = ExportFile.Transactions().ToCsv().Split('\n');
        csv[2] += ",extra";
        File.WriteAllText(temp["ragged.csv"], string.Join('\n', csv));
        var check = new FileChecker(Today).Check(temp["ragged.csv"]);
        var error = Assert.Single(check.Examples, e => e.Rule == RuleIds.CsvStructure);
        Assert.Equal(3, error.Line);
        Assert.EndsWith(",extra", error.Value);
    }

    [Fact]
    public void Bytes_that_are_neither_utf8_nor_cp932_are_refused_with_the_line()
    {
        var bytes = new List<byte>(System.Text.Encoding.ASCII.GetBytes(ExportFile.Transactions().ToCsv()));
        bytes.InsertRange(bytes.IndexOf((byte)'\n') + 1 + 5, [0x81, 0x7F]); // on line 2: a CP932 lead byte with an impossible trail byte, and not UTF-8 either
        File.WriteAllBytes(temp["garbage.csv"], [.. bytes]);
        var check = new FileChecker(Today).Check(temp["garbage.csv"]);
        var error = Assert.Single(check.Examples);
        Assert.Equal((RuleIds.Unreadable, 2L), (error.Rule, error.Line!.Value));
    }

    [Theory]
    [InlineData("utf-8", false)]
    [InlineData("utf-8-bom", false)]
    [InlineData("cp932", false)]
    [InlineData("utf-8", true)]
    [InlineData("cp932", true)]
    public void Accepted_encodings_and_compression_validate_alike(string encoding, bool gzip)
    {
        var check = Check(ExportFile.Transactions(), encoding: encoding, gzip: gzip);
        Assert.True(check.IsValid, string.Join("\n", check.Examples));
        Assert.Equal(4, check.Rows);
    }

    [Theory]
    [InlineData("山田～花子")] // ～ (U+FF5E) is where CP932 and strict Shift_JIS differ
    [InlineData("①髙橋")]     // NEC and IBM extensions exist only in CP932
    public void Cp932_text_is_decoded_as_cp932(string name)
    {
        var file = ExportFile.Transactions().Set(0, "worker_account_id", name);
        foreach (var gzip in new[] { false, true })
        {
            var error = Assert.Single(Check(file, encoding: "cp932", gzip: gzip).Examples, e => e.Rule == RuleIds.PiiName);
            Assert.Equal(name, error.Value);
        }
    }
}
