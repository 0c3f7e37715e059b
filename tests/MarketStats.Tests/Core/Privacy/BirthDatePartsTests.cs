using System.Security.Cryptography;
using System.Text;
using MarketStats.Core.Privacy;

namespace MarketStats.Tests.Core.Privacy;

/// <summary>Contract v3's keyed hashes of the birth date's parts: each is HMAC-SHA256 under its own HKDF key of the
/// part the contract names (checked against an HMAC computed here), and each agrees on exactly the mistake it is for.</summary>
public sealed class BirthDatePartsTests
{
    private static readonly AssociationKey Key = AssociationKey.FromSeed(5);

    private static string Expected(string column, string part) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key.DeriveKey(column, version: 3), Encoding.UTF8.GetBytes(part)));

    [Fact]
    public void Each_part_is_the_keyed_hash_the_contract_defines()
    {
        var hasher = new KeyedHasher(Key);
        Assert.Equal(Expected("birth_year_month_hmac", "198512"), hasher.BirthYearMonth("1985年12月3日"));
        Assert.Equal(Expected("birth_month_day_hmac", "1203"), hasher.BirthMonthDay("1985/12/3"));
        Assert.Equal(Expected("birth_date_unordered_hmac", "19850312"), hasher.BirthDateUnordered("1985-12-03"));
        Assert.Equal(Expected("birth_date_unordered_hmac", "19850312"), hasher.BirthDateUnordered("1985-03-12"));
        Assert.Equal(Expected("birth_date_unordered_hmac", "19851225"), hasher.BirthDateUnordered("1985-12-25"));
        Assert.Null(hasher.BirthMonthDay("1985-02-30")); // impossible dates are left out, as for the whole date
        Assert.NotEqual(hasher.BirthYearMonth("1985-12-03"), hasher.BirthMonthDay("1985-12-03")); // keys differ per column
    }

    [Theory]
    [InlineData("1985-03-12", "1985-03-13", true, false, false)] // a day off: year and month agree
    [InlineData("1985-03-12", "1986-03-12", false, true, false)] // a year mistyped: month and day agree
    [InlineData("1985-03-12", "1985-12-03", false, false, true)] // day and month swapped
    [InlineData("1985-03-12", "1990-07-25", false, false, false)]
    public void A_part_agrees_on_the_mistake_it_is_for(string a, string b, bool yearMonth, bool monthDay, bool unordered)
    {
        var hasher = new KeyedHasher(Key);
        Assert.Equal(yearMonth, hasher.BirthYearMonth(a) == hasher.BirthYearMonth(b));
        Assert.Equal(monthDay, hasher.BirthMonthDay(a) == hasher.BirthMonthDay(b));
        Assert.Equal(unordered, hasher.BirthDateUnordered(a) == hasher.BirthDateUnordered(b));
    }
}
