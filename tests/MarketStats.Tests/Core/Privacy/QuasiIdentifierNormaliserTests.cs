using MarketStats.Core.Privacy;
using Xunit.Abstractions;

namespace MarketStats.Tests.Core.Privacy;

public sealed class QuasiIdentifierNormaliserTests
{
    [Theory]
    [InlineData("サトウ", "サトウ")]
    [InlineData("さとう", "サトウ")]          // hiragana folds to katakana
    [InlineData("ｻﾄｳ", "サトウ")]             // half-width kana (NFKC)
    [InlineData(" 佐藤　", "佐藤")]           // ideographic space trimmed
    [InlineData("ユーコ", "ユコ")]            // long-vowel mark dropped: ユーコ and ユウコ differ only there
    [InlineData("キョウコ", "キヨウコ")]      // small kana folded to large
    [InlineData("Ｓｍｉｔｈ-Jones", "SMITHJONES")] // full-width Latin, case and hyphen
    [InlineData("   ", null)]
    [InlineData("・", null)]
    public void Name_FoldsTheWaysPeopleTypeTheSameName(string raw, string? expected) =>
        Assert.Equal(expected, QuasiIdentifierNormaliser.Name(raw));

    [Theory]
    [InlineData("1985-03-12", "19850312")]
    [InlineData("1985/3/12", "19850312")]
    [InlineData("１９８５年３月１２日", "19850312")]
    [InlineData("19850312", "19850312")]
    [InlineData("1985-02-30", null)]           // impossible date
    [InlineData("1850-01-01", null)]           // outside 1900-2030
    [InlineData("yesterday", null)]
    public void BirthDate_AcceptsCommonShapesAndRefusesImpossibleDates(string raw, string? expected) =>
        Assert.Equal(expected, QuasiIdentifierNormaliser.BirthDate(raw));

    [Theory]
    [InlineData("〒100-0001", "1000001")]
    [InlineData("１００－０００１", "1000001")]
    [InlineData("100-001", null)]
    [InlineData("1000001a", null)]
    public void Postcode_IsSevenDigits(string raw, string? expected) =>
        Assert.Equal(expected, QuasiIdentifierNormaliser.Postcode(raw));

    [Fact]
    public void ClkEncoder_FoldedEncodingsOfTheSamePersonAgreeAndOfOthersDiffer()
    {
        var encoder = new ClkEncoder(AssociationKey.FromSeed(1));
        var a = encoder.Encode(new IdentityFields("佐藤", "陽子", "サトウ", "ヨウコ", "1980-05-01", "1500001"));
        var typedElsewhere = encoder.Encode(new IdentityFields("佐藤", "陽子", "さとう", "ようこ", "1980/5/1", "〒150-0001"));
        var typo = encoder.Encode(new IdentityFields("佐藤", "陽子", "サトウ", "ヨウコ", "1980-05-02", "1500001"));
        var other = encoder.Encode(new IdentityFields("鈴木", "健太", "スズキ", "ケンタ", "1992-11-23", "5300001"));
        Span<ulong> x = stackalloc ulong[ClkEncoder.FoldedWords], y = stackalloc ulong[ClkEncoder.FoldedWords];

        Assert.Equal(a.Base64, typedElsewhere.Base64); // normalisation makes them identical
        Assert.True(ClkEncoder.TryDecode(a.Base64, x) && ClkEncoder.TryDecode(typo.Base64, y));
        Assert.InRange(ClkEncoder.Dice(x, y), 0.85, 0.999);
        Assert.True(ClkEncoder.TryDecode(other.Base64, y));
        Assert.InRange(ClkEncoder.Dice(x, y), 0.0, 0.6);
        // Another key gives unrelated bits: the encoding is useless without the association's secret.
        var foreign = new ClkEncoder(AssociationKey.FromSeed(2)).Encode(new IdentityFields("佐藤", "陽子", "サトウ", "ヨウコ", "1980-05-01", "1500001"));
        Assert.True(ClkEncoder.TryDecode(foreign.Base64, y));
        Assert.InRange(ClkEncoder.Dice(x, y), 0.0, 0.6);
    }

    [Fact]
    public void ClkEncoder_ReportsFieldsItCouldNotNormalise()
    {
        var result = new ClkEncoder(AssociationKey.FromSeed(1)).Encode(new IdentityFields("佐藤", " ", null, null, "1985-02-30", "12"));
        Assert.Equal(["birth_date", "postcode"], result.Unusable);
        Assert.Equal(1, result.FieldsEncoded);
        Assert.Null(new ClkEncoder(AssociationKey.FromSeed(1)).Encode(new IdentityFields()).Base64);
    }
}

public sealed class ClkFoldingTests(ITestOutputHelper output)
{
    [Fact]
    public void Xor_folding_costs_little_separation_between_matches_and_non_matches()
    {
        var key = AssociationKey.FromSeed(5);
        var folded = MarketStats.Synthetic.EncodingExperiment.Measure(new ClkEncoder(key), 5_000);
        var plain = MarketStats.Synthetic.EncodingExperiment.Measure(new ClkEncoder(key, xorFold: false), 5_000);
        output.WriteLine($"folded: {folded}");
        output.WriteLine($"plain:  {plain}");
        Assert.True(folded.MatchMeanDice - folded.NonMatchMeanDice > 0.35, folded.ToString());
        Assert.True(folded.MatchesAboveAllNonMatches > 0.9, folded.ToString());
        Assert.True(plain.MatchesAboveAllNonMatches >= folded.MatchesAboveAllNonMatches - 0.05, "folding should cost little");
    }
}
