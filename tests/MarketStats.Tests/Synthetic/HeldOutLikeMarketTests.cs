using MarketStats.Cli;
using MarketStats.Synthetic;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Synthetic;

/// <summary>The test market built like the held-out sets: its shape, counted from its own files, and that the linkage benchmark runs on it.</summary>
public sealed class HeldOutLikeMarketTests
{
    [Fact]
    public void About_four_records_per_person_over_three_platforms_with_duplicates_within_a_platform()
    {
        using var temp = new TempFolder();
        var files = HeldOutLikeMarket.Write(temp["market"], 2_000);
        var header = File.ReadLines(files.RegistrationsCsv).First().Split(',');
        var rows = File.ReadLines(files.RegistrationsCsv).Skip(1).Select(l => l.Split(',')).ToList();
        int Column(string name) => Array.IndexOf(header, name);
        var truth = File.ReadLines(files.TruthCsv).Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1]), f => f[3]);

        Assert.Equal(files.Registrations, rows.Count);
        Assert.Equal(rows.Count, truth.Count); // the answer key covers every record
        var persons = truth.Values.Distinct().Count();
        Assert.Equal(files.Persons, persons);
        Assert.InRange(rows.Count / (double)persons, 3.5, 4.5);
        Assert.Equal(["P01", "P02", "P03"], rows.Select(r => r[Column("platform_id")]).Distinct().Order());
        // Several of a person's records on one platform: the case a cross-platform-only linker can never merge.
        var withSamePlatformDuplicates = truth.GroupBy(t => t.Value).Count(g => g.GroupBy(t => t.Key.Item1).Any(p => p.Count() > 1));
        Assert.True(withSamePlatformDuplicates > 0.5 * persons, $"{withSamePlatformDuplicates} of {persons}");
        // Few fields: names and birth date (v2 columns filled, no kana), e-mail on some records only.
        var email = rows.Count(r => r[Column("email_hmac")].Length > 0) / (double)rows.Count;
        Assert.InRange(email, 0.25, 0.45);
        Assert.True(rows.Count(r => r[Column("family_name_clk")].Length > 0) > 0.85 * rows.Count);
        Assert.True(rows.Count(r => r[Column("birth_date_hmac")].Length > 0) > 0.85 * rows.Count);
        Assert.All(rows, r => Assert.Equal("", r[Column("family_name_kana_clk")]));
    }

    [Fact]
    public void The_pairs_market_has_one_record_per_person_in_each_of_two_files_and_no_email()
    {
        using var temp = new TempFolder();
        var files = HeldOutLikeMarket.WritePairs(temp["market"], 1_000);
        var header = File.ReadLines(files.RegistrationsCsv).First().Split(',');
        var rows = File.ReadLines(files.RegistrationsCsv).Skip(1).Select(l => l.Split(',')).ToList();
        int Column(string name) => Array.IndexOf(header, name);
        var truth = File.ReadLines(files.TruthCsv).Skip(1).Select(l => l.Split(',')).ToDictionary(f => (f[0], f[1]), f => f[3]);

        Assert.Equal(rows.Count, truth.Count);
        Assert.Equal(files.Persons, truth.Values.Distinct().Count());
        Assert.All(truth.GroupBy(t => t.Value), person => Assert.Equal(["P01", "P02"], person.Select(t => t.Key.Item1).Order()));
        Assert.All(rows, r => Assert.Equal("", r[Column("email_hmac")]));
        // The first file holds every name and date as given; the second mistypes or leaves some out.
        var first = rows.Where(r => r[Column("platform_id")] == "P01").ToList();
        Assert.All(first, r => Assert.True(r[Column("family_name_clk")].Length > 0 && r[Column("birth_date_hmac")].Length > 0));
        Assert.Contains(rows, r => r[Column("platform_id")] == "P02" && r[Column("birth_date_hmac")].Length == 0);
    }

    /// <summary>The linker on each held-out-like market, scored by the benchmark against the generator's answer key:
    /// the floors are a little under what this branch reaches (F1 0.888 and 0.949 at these sizes with contract v3's
    /// birth-date parts; 0.842 and 0.939 since EM's birth-date
    /// session became a fallback and the chaining guard weighs the same-platform pairs' own evidence; 0.822 and 0.939
    /// with the name-field blocks; 0.81 and 0.90 before them; 0.44 and 0.82 before the name levels were set for BLIP, u
    /// was measured without the matches and the same-platform guard lowered).</summary>
    [Theory]
    [InlineData("heldout-like", 400, 100, 0.87)]
    [InlineData("heldout-pairs", 2_000, 1_000, 0.94)]
    public async Task The_linkage_benchmark_runs_on_it_and_scores_against_its_answer_key(string market, int records, int persons, double floor)
    {
        using var temp = new TempFolder();
        var (code, output, error) = await CliRunner.Run("bench", "--linkage", "--market", market, "--registrations", records.ToString(System.Globalization.CultureInfo.InvariantCulture), "--work", temp["bench"]);
        Assert.True(code == ExitCodes.Success, error);
        var results = CliRunner.Results(output);
        Assert.Equal(market, results["market"].Single());
        Assert.Equal(persons.ToString(System.Globalization.CultureInfo.InvariantCulture), results["true_persons"].Single());
        var f1 = double.Parse(results["f1"].Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(f1, floor, 1.0);
    }
}
