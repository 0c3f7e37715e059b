using System.Globalization;
using MarketStats.Core.Privacy;
using MarketStats.Core.Storage;
using MarketStats.Linkage;
using MarketStats.Models;
using MarketStats.Pipeline;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Linkage;

/// <summary>Sole proprietors among clients (issue 13): two client accounts that are both persons' (a birth date or a given
/// name, which a firm's export cannot carry) are compared on their name fields and birth date as workers are; a firm
/// keeps the record encoding.</summary>
public sealed class SoleProprietorTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private const string Header =
        "file_id,source_line,platform_id,account_id,kind,client_type,prefecture,registered_on,last_active_on,age_band,gender," +
        "email_hmac,phone_hmac,corporate_number_hmac,identity_clk," +
        "family_name_clk,given_name_clk,family_name_kana_clk,given_name_kana_clk,birth_date_hmac,birth_year_hmac," +
        "birth_year_month_hmac,birth_month_day_hmac,birth_date_unordered_hmac";

    [Fact]
    public void A_sole_proprietors_two_accounts_link_on_names_and_birth_date_and_a_stranger_born_that_day_does_not()
    {
        // The linkage benchmark's market (its key: seed 7), and beside it, encoded with the same key as a platform would:
        // one sole proprietor on two platforms, who gave the kana on one only and moved within the prefecture in between
        // (so the record encoding, which holds the kana and the postcode, falls well below the organisations' levels);
        // another person born the same day in the same prefecture with other names; and a firm named like the first's
        // family name at the first's address.
        var files = LinkageBenchmarkMarket.Write(temp["market"], 20_000);
        var key = AssociationKey.FromSeed(7);
        var (hasher, records, fields) = (new KeyedHasher(key), new ClkEncoder(key), new FieldClkEncoder(key));
        const string Born = "1968-03-14";
        (string Platform, string Account, string Type, IdentityFields Identity)[] added =
        [
            ("P01", "sole-a", "sole_proprietor", new("鷹司", "光太郎", "タカツカサ", "コウタロウ", Born, "1500001")),
            ("P02", "sole-a2", "sole_proprietor", new("鷹司", "光太郎", null, null, Born, "1600023")),
            ("P03", "stranger", "sole_proprietor", new("勅使河原", "美智子", "テシガワラ", "ミチコ", Born, "1500001")),
            ("P04", "firm", "corporation", new("鷹司", null, "タカツカサ", null, null, "1500001")),
        ];
        var extra = temp["extra.csv"];
        File.WriteAllLines(extra, [Header, .. added.Select((r, line) =>
        {
            var v2 = fields.Encode(r.Identity, (r.Platform, r.Account, "client"));
            var birth = r.Identity.BirthDate;
            string?[] columns =
            [
                "1", (line + 2).ToString(CultureInfo.InvariantCulture), r.Platform, r.Account, "client", r.Type, "13", "2024-04-01", "", "", "",
                hasher.Email($"{r.Account}@example.jp"), "", "", records.Encode(r.Identity).Base64, .. v2,
                hasher.BirthDate(birth), hasher.BirthYear(birth), hasher.BirthYearMonth(birth), hasher.BirthMonthDay(birth), hasher.BirthDateUnordered(birth),
            ];
            return string.Join(",", columns.Select(c => c ?? ""));
        })]);
        using var w = PipelineSteps.OpenWarehouse(temp["m.duckdb"]);
        w.Execute($"copy raw_registrations from {SqlText.Literal(files.RegistrationsCsv)} (header)");
        w.Execute($"copy raw_registrations from {SqlText.Literal(extra)} (header)");
        new PipelineSteps(TimeProvider.System).Link(w, CancellationToken.None);
        var persons = LinkedPersons.PersonOfAccount(w);
        long Person(string platform, string account) => persons[(platform, account, "client")];

        Assert.Equal(Person("P01", "sole-a"), Person("P02", "sole-a2"));
        Assert.NotEqual(Person("P01", "sole-a"), Person("P03", "stranger"));
        Assert.NotEqual(Person("P02", "sole-a2"), Person("P03", "stranger"));
        Assert.NotEqual(Person("P01", "sole-a"), Person("P04", "firm"));

        // The rows that decide it: the two accounts of the sole proprietor are compared on their fields, not on the
        // record encoding; the firm against a person on the record encoding only, never on the family-name field that
        // carries its name.
        var a = PersonLinker.LoadAccounts(w);
        int Index(string platform, string account) => (int)w.Scalar<long>(
            $"select account_index from int_link_accounts where platform_id = '{platform}' and account_id = '{account}' and kind = 'client'");
        var (sole, sole2, stranger, firm) = (Index("P01", "sole-a"), Index("P02", "sole-a2"), Index("P03", "stranger"), Index("P04", "firm"));
        var rows = ComparisonTable.For(workers: false, a, new LinkageSettings()).ToDictionary(c => c.Name);
        Assert.True(a.Dice(sole, sole2) < 0.80, $"record Dice {a.Dice(sole, sole2):F3}: the test needs the record encoding below the organisations' levels");
        Assert.Equal(-1, rows["clk_dice"].LevelOf(sole, sole2));
        Assert.Equal(0, rows["birth_date_hmac"].LevelOf(sole, sole2));
        Assert.InRange(rows["given_name"].LevelOf(sole, sole2), 0, 1);
        Assert.InRange(rows["family_name"].LevelOf(sole, sole2), 0, 1);
        Assert.Equal(0, rows["birth_date_hmac"].LevelOf(sole, stranger));
        Assert.True(rows["given_name"].LevelOf(sole, stranger) >= 4, "a clearly different given name");
        Assert.True(a.IsPerson(sole) && a.IsPerson(stranger) && !a.IsPerson(firm));
        Assert.True(rows["clk_dice"].LevelOf(sole, firm) >= 0);
        Assert.Equal(-1, rows["family_name"].LevelOf(sole, firm));
    }
}
