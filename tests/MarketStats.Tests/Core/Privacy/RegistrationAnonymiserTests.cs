using System.Text;
using MarketStats.Cli;
using MarketStats.Core.Privacy;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Core.Privacy;

/// <summary><c>marketstats anonymise</c> on raw account files of a layout the project did not design.</summary>
public sealed class RegistrationAnonymiserTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private static readonly string[] Mapping =
    [
        "--map", "account_id=会員ID", "--map", "email=メール", "--map", "phone=電話", "--map", "family_name=姓",
        "--map", "given_name=名", "--map", "family_name_kana=セイ", "--map", "given_name_kana=メイ",
        "--map", "birth_date=生年月日", "--map", "postcode=郵便番号", "--map", "prefecture=都道府県", "--map", "registered_on=登録日",
        "--map", "gender=性別",
    ];

    private const string RawWorkers = """
        会員ID,メール,電話,姓,名,セイ,メイ,生年月日,郵便番号,都道府県,登録日,性別
        m0001,Yoko.Sato@Example.JP,090-1234-5678,佐藤,陽子,サトウ,ヨウコ,1980-05-01,150-0001,東京都,2024/04/10,female
        m0002,"kenta,suzuki@example.com",06 1234 5678,鈴木,健太,すずき,けんた,1992/11/23,〒530-0001,27,2024-05-01,male
        m0003,not-an-email,12345,高橋,,タカハシ,,1985-02-30,abc,大阪,2024-06-01,unknown
        m0004,,,,,,,,,,2024-07-01,
        m0005,taro@example.jp,+81 3 1111 2222,"Smith","John",,,1975-01-31,1000001,Tokyo,2024-08-01,male
        """;

    private string Key()
    {
        var path = temp["association.key"];
        AssociationKey.Generate().Save(path);
        return path;
    }

    private async Task<(int Code, string Output, string Error, string Export)> Anonymise(string raw, string platform = "P01", string encoding = "utf-8", params string[] extra)
    {
        var input = temp[$"raw-{platform}.csv"];
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        File.WriteAllBytes(input, (encoding == "cp932" ? Encoding.GetEncoding(932) : new UTF8Encoding(false)).GetBytes(raw.Replace("\n", "\r\n", StringComparison.Ordinal)));
        var export = temp[$"inbox/{platform}/registrations_FY2024.csv"];
        var keyPath = File.Exists(temp["association.key"]) ? temp["association.key"] : Key();
        var (code, output, error) = await CliRunner.Run(["anonymise", "--input", input, "--platform", platform, "--kind", "worker",
            "--key", keyPath, .. Mapping, .. extra, "--out", export]);
        return (code, output, error, export);
    }

    [Fact]
    public async Task Output_holds_no_raw_value_in_any_case_or_normalisation()
    {
        var (code, output, error, export) = await Anonymise(RawWorkers);
        Assert.True(code == ExitCodes.Success, error + output);
        var rows = RawCsv.Parse(File.ReadAllText(export)).ToList();
        var header = rows[0];
        var hmacColumns = header.Select((c, i) => (c, i)).Where(x => x.c.EndsWith("_hmac", StringComparison.Ordinal)).Select(x => x.i).ToHashSet();
        var clk = Array.IndexOf(header, "identity_clk");
        string[] fieldClks = ["family_name_clk", "given_name_clk", "family_name_kana_clk", "given_name_kana_clk"];
        Assert.Equal("3", rows[1][Array.IndexOf(header, "contract_version")]); // anonymise writes contract v3
        string[] dateHashes = ["birth_date_hmac", "birth_year_hmac", "birth_year_month_hmac", "birth_month_day_hmac", "birth_date_unordered_hmac"];
        Assert.All(dateHashes, c => Assert.Contains(c, header));
        // Hash cells are 64 hex digits and CLK cells 88 (record) or 24 (one field) base64 characters: nothing raw can
        // hide in them except by chance, and by chance hex holds digit runs, so they are checked for shape and left
        // out of the text search.
        foreach (var row in rows.Skip(1))
        {
            foreach (var i in hmacColumns) Assert.Matches("^([0-9a-f]{64})?$", row[i]);
            Assert.Matches("^([A-Za-z0-9+/]{86}==)?$", row[clk]);
            foreach (var field in fieldClks) Assert.Matches("^([A-Za-z0-9+/]{21}[AQgw]==)?$", row[Array.IndexOf(header, field)]);
        }
        // m0001 gave every name field and a birth date: each v2 and v3 column holds its encoding or hash.
        var m0001 = rows.Single(r => r.Contains("m0001"));
        Assert.All([.. fieldClks, .. dateHashes], c => Assert.NotEqual("", m0001[Array.IndexOf(header, c)]));
        var searchable = string.Join("\n", rows.Skip(1).Select(r => string.Join(",", r.Where((_, i) => !hmacColumns.Contains(i)))));

        var passThrough = new HashSet<string> { "会員ID", "登録日", "都道府県", "性別" }; // ids, dates and codes the contract carries
        var raw = RawCsv.Parse(RawWorkers.Replace("        ", "", StringComparison.Ordinal)).ToList();
        var checkedValues = 0;
        for (var c = 0; c < raw[0].Length; c++)
        {
            if (passThrough.Contains(raw[0][c])) continue;
            foreach (var value in raw.Skip(1).Select(r => r[c]).Where(v => v.Length > 0))
                foreach (var form in Forms(value))
                {
                    checkedValues++;
                    Assert.DoesNotContain(form, searchable, StringComparison.OrdinalIgnoreCase);
                }
        }
        Assert.True(checkedValues > 50);
    }

    /// <summary>A value as typed, and every normalised shape it could take on the way to a hash or an encoding.</summary>
    private static IEnumerable<string> Forms(string value)
    {
        var digits = new string([.. value.Normalize(NormalizationForm.FormKC).Where(char.IsAsciiDigit)]);
        string?[] forms =
        [
            value, value.Normalize(NormalizationForm.FormKC), value.ToLowerInvariant(), value.ToUpperInvariant(),
            QuasiIdentifierNormaliser.Name(value), QuasiIdentifierNormaliser.BirthDate(value), QuasiIdentifierNormaliser.Postcode(value),
            IdentifierNormaliser.Email(value), IdentifierNormaliser.Phone(value), digits.Length >= 5 ? digits : null,
        ];
        // Short ASCII fragments (2-4 letters) occur in base64 by chance; anything with a non-ASCII character cannot.
        return forms.OfType<string>().Distinct().Where(f => f.Length >= 5 || f.Any(ch => ch > 127));
    }

    [Fact]
    public async Task Bad_values_are_left_out_and_counted_never_a_crash()
    {
        var (code, output, error, export) = await Anonymise(RawWorkers, extra: ["--map", "age_band=年齢"]);
        Assert.True(code == ExitCodes.Success, error);
        var results = CliRunner.Results(output);
        Assert.Equal("5", results["rows_read"].Single());
        Assert.Equal("4", results["rows_written"].Single()); // m0004 has no prefecture: the contract requires one
        Assert.Contains("row skipped: prefecture missing or unknown", output, StringComparison.Ordinal);
        Assert.Contains("birth_date: could not be normalised", output, StringComparison.Ordinal);
        Assert.Contains("postcode: could not be normalised", output, StringComparison.Ordinal);
        Assert.Contains("email: could not be normalised", output, StringComparison.Ordinal);
        Assert.Contains("phone: could not be normalised", output, StringComparison.Ordinal);
        Assert.Contains("age_band: column '年齢' is not in the file", output, StringComparison.Ordinal);

        var rows = RawCsv.Parse(File.ReadAllText(export)).ToList();
        var m0003 = rows.Single(r => r.Contains("m0003"));
        Assert.Equal("27", m0003[Array.IndexOf(rows[0], "prefecture")]); // 大阪 → 27
        Assert.Equal("", m0003[Array.IndexOf(rows[0], "email_hmac")]);
        Assert.NotEqual("", m0003[Array.IndexOf(rows[0], "identity_clk")]); // the family name and its reading still encode

        var (validateCode, validateOutput, _) = await CliRunner.Run("validate", export, "--platform", "P01");
        Assert.True(validateCode == ExitCodes.Success, validateOutput);
    }

    [Fact]
    public async Task Accounts_from_two_fiscal_years_need_a_period_and_rows_outside_it_are_skipped_and_counted()
    {
        // m0005 registered in FY2025; the others in FY2024.
        var twoYears = RawWorkers.Replace("2024-08-01", "2025-04-02", StringComparison.Ordinal);
        var (code, _, error, export) = await Anonymise(twoYears);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("2 fiscal years", error, StringComparison.Ordinal);
        // Refused before anything reached the inbox: no export and no spooled or half-written file beside it.
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(export)!));

        (code, var output, error, export) = await Anonymise(twoYears, extra: ["--const", "export_period=FY2024"]);
        Assert.True(code == ExitCodes.Success, error);
        var results = CliRunner.Results(output);
        Assert.Equal("3", results["rows_written"].Single()); // m0004 lacks a prefecture, m0005 is outside FY2024
        Assert.Contains("row skipped: registered_on outside FY2024", output, StringComparison.Ordinal);
        var rows = RawCsv.Parse(File.ReadAllText(export)).ToList();
        Assert.DoesNotContain(rows, r => r.Contains("m0005"));
        Assert.All(rows.Skip(1), r => Assert.Equal("FY2024", r[Array.IndexOf(rows[0], "export_period")]));
        Assert.Equal([Path.GetFileName(export)], Directory.GetFiles(Path.GetDirectoryName(export)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Cp932_input_gives_the_same_export_as_utf8()
    {
        var (_, _, _, utf8) = await Anonymise(RawWorkers);
        var utf8Text = File.ReadAllText(utf8);
        var (code, output, _, cp932) = await Anonymise(RawWorkers, encoding: "cp932");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("cp932", CliRunner.Results(output)["encoding"].Single());
        Assert.Equal(utf8Text, File.ReadAllText(cp932));
    }

    [Fact]
    public async Task Two_platforms_raw_files_are_anonymised_ingested_and_linked_without_code_changes()
    {
        // The same two people on a second platform: other e-mails, hiragana readings, slashes in dates, Latin names re-cased.
        const string second = """
            id,mail,family,given,family_kana,given_kana,dob,zip,pref,joined
            x-17,yoko.work@example.org,佐藤,陽子,さとう,ようこ,1980/5/1,1500001,13,2024-09-01
            x-18,other@example.org,SMITH,john,,,19750131,100-0001,13,2024-09-02
            x-19,someone@example.org,田中,誠,タナカ,マコト,1970-01-01,9000001,47,2024-09-03
            """;
        var (code1, _, e1, _) = await Anonymise(RawWorkers);
        Assert.True(code1 == 0, e1);
        var input = temp["raw-P02.csv"];
        File.WriteAllText(input, second.Replace("            ", "", StringComparison.Ordinal));
        var (code2, o2, e2) = await CliRunner.Run("anonymise", "--input", input, "--platform", "P02", "--kind", "worker", "--key", temp["association.key"],
            "--map", "account_id=id", "--map", "email=mail", "--map", "family_name=family", "--map", "given_name=given",
            "--map", "family_name_kana=family_kana", "--map", "given_name_kana=given_kana", "--map", "birth_date=dob",
            "--map", "postcode=zip", "--map", "prefecture=pref", "--map", "registered_on=joined",
            "--out", temp["inbox/P02/registrations_FY2024.csv"]);
        Assert.True(code2 == 0, e2 + o2);

        var db = temp["m.duckdb"];
        var (ingestCode, ingestOut, _) = await CliRunner.Run("ingest", "--inbox", temp["inbox"], "--db", db, "--quarantine", temp["q"]);
        Assert.True(ingestCode == 0, ingestOut);
        var (linkCode, linkOut, linkErr) = await CliRunner.Run("link", "--db", db, "--export-clusters", temp["clusters.csv"]);
        Assert.True(linkCode == 0, linkErr);
        var person = File.ReadLines(temp["clusters.csv"]).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0] + "/" + f[1], f => f[3]);
        Assert.Equal(person["P01/m0001"], person["P02/x-17"]);
        Assert.Equal(person["P01/m0005"], person["P02/x-18"]);
        Assert.Equal(7, person.Count);
        Assert.Equal(5, person.Values.Distinct().Count());
        Assert.Equal("5", CliRunner.Results(linkOut)["unique_workers"].Single());
    }
}
