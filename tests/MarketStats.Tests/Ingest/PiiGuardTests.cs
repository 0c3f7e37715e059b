using DuckDB.NET.Data;
using FsCheck;
using FsCheck.Fluent;
using MarketStats.Core.Contract;
using MarketStats.Ingest.Validation;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Ingest;

/// <summary>
/// The PII guard on id columns closes classes, not strings (issue 11, item 6): a phone number with any separator the
/// id format allows or a <c>tel:</c> prefix, a romanised name joined by <c>.</c>, <c>_</c>, <c>-</c> or <c>:</c>; and it
/// never fires on the pseudonymous ids platforms and the generator use.
/// </summary>
public sealed class PiiGuardTests : IDisposable
{
    private readonly DuckDBConnection connection = new("Data Source=:memory:");

    public PiiGuardTests() => connection.Open();

    public void Dispose() => connection.Dispose();

    /// <summary>The rules the validator runs on <c>account_id</c>, run on the given values: value → the rule ids it breaks.</summary>
    private Dictionary<string, HashSet<string>> Verdicts(IReadOnlyCollection<string> values)
    {
        var context = new RuleContext(new DateOnly(2026, 1, 1), null, new Dictionary<string, string?>(), null);
        var rules = ContractRules.For(RecordKind.Registrations, context)
            .Where(r => r.Column == "account_id" && (r.Id.StartsWith("pii.", StringComparison.Ordinal) || r.Id == RuleIds.IdFormat)).ToList();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "create or replace temp table ingest_raw (account_id varchar)";
            create.ExecuteNonQuery();
        }
        using (var appender = connection.CreateAppender("ingest_raw"))
            foreach (var v in values) appender.CreateRow().AppendValue(v).EndRow();
        using var query = connection.CreateCommand();
        query.CommandText = $"select account_id, {string.Join(", ", rules.Select(r => $"coalesce({r.ViolationSql}, false)"))} from ingest_raw";
        var result = new Dictionary<string, HashSet<string>>();
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            var broken = result.TryGetValue(reader.GetString(0), out var set) ? set : result[reader.GetString(0)] = [];
            for (var i = 0; i < rules.Count; i++)
                if (reader.GetBoolean(i + 1)) broken.Add(rules[i].Id);
        }
        return result;
    }

    private HashSet<string> Verdict(string value) => Verdicts([value])[value];

    [Theory]
    [InlineData("090.1234.5678", RuleIds.PiiPhone)]
    [InlineData("03.1234.5678", RuleIds.PiiPhone)]
    [InlineData("tel:09012345678", RuleIds.PiiPhone)]
    [InlineData("TEL:+81-90-1234-5678", RuleIds.PiiPhone)]
    [InlineData("090_1234_5678", RuleIds.PiiPhone)]
    [InlineData("Taro.Yamada", RuleIds.PiiName)]
    [InlineData("yamada_taro", RuleIds.PiiName)]
    [InlineData("hanako-suzuki", RuleIds.PiiName)]
    [InlineData("TaroYamada", RuleIds.PiiName)]
    [InlineData("John.Smith", RuleIds.PiiName)]
    [InlineData("Hanako Yamada", RuleIds.PiiName)]
    public void The_reported_bypasses_are_caught(string id, string rule) => Assert.Contains(rule, Verdict(id));

    [Theory]
    [InlineData("u_8f3a2c")]
    [InlineData("acct-000123")]
    [InlineData("acct:w01234567")]
    [InlineData("W-12345678")]
    [InlineData("u.012345")]
    [InlineData("c0001234")]
    [InlineData("T000001")]
    [InlineData("P01")]
    [InlineData("admin_user")]
    [InlineData("team.alpha")]
    public void Ordinary_opaque_ids_pass(string id) => Assert.Empty(Verdict(id));

    private static readonly string[] Syllables =
        ["ta", "ro", "ya", "ma", "da", "ha", "na", "ko", "su", "zu", "ki", "sa", "to", "ke", "n", "shi", "chi", "tsu", "ryo", "kyo", "ji", "fu", "i", "e", "o", "a", "u", "mi", "ri", "yu"];

    private static Gen<string> RomanisedWord =>
        from count in Gen.Choose(2, 4)
        from parts in Gen.ArrayOf(Gen.Elements(Syllables), count)
        let word = string.Concat(parts)
        where word.Length >= 3 && !word.StartsWith('n')
        select word;

    [Fact]
    public void Any_romanised_name_joined_by_a_separator_the_id_format_allows_is_a_name() =>
        Prop.ForAll((from first in RomanisedWord
                     from last in RomanisedWord
                     from separator in Gen.Elements(".", "_", "-", ":")
                     from style in Gen.Choose(0, 3)
                     select style switch
                     {
                         0 => first + separator + last,
                         1 => Capital(first) + separator + Capital(last),
                         2 => (first + separator + last).ToUpperInvariant(),
                         _ => Capital(first) + Capital(last),
                     }).ToArbitrary(),
            name => Verdict(name).Contains(RuleIds.PiiName).Label(name)).QuickCheckThrowOnFailure();

    [Fact]
    public void Any_japanese_phone_number_written_with_separators_or_tel_is_a_phone() =>
        Prop.ForAll((from prefix in Gen.Elements("090", "080", "070", "03", "06", "045", "0120")
                     from digits in Gen.ArrayOf(Gen.Choose(0, 9), (prefix is "090" or "080" or "070" ? 11 : 10) - prefix.Length) // mobiles have 11 digits, others 10
                     from separator in Gen.Elements("", "-", ".", "_", ":")
                     from scheme in Gen.Elements("", "tel:", "TEL:")
                     from international in Gen.Elements(false, true)
                     let rest = string.Concat(digits)
                     let national = prefix + separator + rest[..4] + separator + rest[4..]
                     select scheme + (international ? "+81" + separator + national[1..] : national)).ToArbitrary(),
            phone => Verdict(phone).Contains(RuleIds.PiiPhone).Label(phone)).QuickCheckThrowOnFailure();

    [Fact]
    public void Opaque_ids_with_a_digit_are_never_a_name_or_a_phone() =>
        Prop.ForAll((from prefix in Gen.Elements("u_", "acct-", "acct:", "W-", "c", "usr.", "id", "")
                     from body in Gen.ArrayOf(Gen.Elements("0123456789abcdef".ToCharArray()), 6)
                     where body.Any(char.IsAsciiDigit)
                     select prefix + new string(body)).ToArbitrary(),
            id => (!Verdict(id).Overlaps([RuleIds.PiiName, RuleIds.PiiPhone, RuleIds.PiiEmail])).Label(id)).QuickCheckThrowOnFailure();

    [Fact]
    public void No_account_id_the_synthetic_generator_writes_is_taken_for_personal_data()
    {
        using var temp = new TempFolder();
        new MarketGenerator(new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero)))
            .Generate(new GeneratorOptions(temp["market"], Seed: 7, FirstFiscalYear: 2024, LastFiscalYear: 2024, Platforms: 8, Transactions: 3_000));
        var ids = new HashSet<string>();
        foreach (var file in Directory.EnumerateFiles(temp["market"], "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".csv.gz", StringComparison.Ordinal)))
        {
            Stream stream = File.OpenRead(file);
            if (file.EndsWith(".gz", StringComparison.Ordinal)) stream = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
            using var reader = new StreamReader(stream, System.Text.Encoding.GetEncoding(932)); // ids are ASCII either way
            var header = reader.ReadLine()!.TrimStart('\uFEFF').Split(',');
            var columns = new[] { "account_id", "client_account_id", "worker_account_id" }.Select(c => Array.IndexOf(header, c)).Where(i => i >= 0).ToArray();
            while (reader.ReadLine() is { } line)
                foreach (var i in columns)
                    if (line.Split(',')[i] is { Length: > 0 } id) ids.Add(id);
        }
        Assert.True(ids.Count > 300, $"only {ids.Count} ids generated");

        var flagged = Verdicts(ids).Where(v => v.Value.Count > 0).Select(v => $"{v.Key}: {string.Join(",", v.Value)}").ToList();

        Assert.Empty(flagged);
    }

    private static string Capital(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
