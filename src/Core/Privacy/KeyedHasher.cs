using System.Security.Cryptography;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>HMAC-SHA256 of normalised exact identifiers, each field under its own derived key (the contract's <c>*_hmac</c> columns).</summary>
public sealed class KeyedHasher(AssociationKey key)
{
    private readonly byte[] emailKey = key.DeriveKey("email_hmac");
    private readonly byte[] phoneKey = key.DeriveKey("phone_hmac");
    private readonly byte[] corporateKey = key.DeriveKey("corporate_number_hmac");
    private readonly byte[] birthDateKey = key.DeriveKey("birth_date_hmac", version: 2);
    private readonly byte[] birthYearKey = key.DeriveKey("birth_year_hmac", version: 2);

    public string? Email(string? raw) => Hash(emailKey, IdentifierNormaliser.Email(raw));

    public string? Phone(string? raw) => Hash(phoneKey, IdentifierNormaliser.Phone(raw));

    public string? CorporateNumber(string? raw) => Hash(corporateKey, IdentifierNormaliser.CorporateNumber(raw));

    /// <summary>Contract v2: the birth date as <c>yyyyMMdd</c> (<see cref="QuasiIdentifierNormaliser.BirthDate"/>).</summary>
    public string? BirthDate(string? raw) => Hash(birthDateKey, QuasiIdentifierNormaliser.BirthDate(raw));

    /// <summary>Contract v2: the year of the normalised birth date, <c>yyyy</c>.</summary>
    public string? BirthYear(string? raw) => Hash(birthYearKey, QuasiIdentifierNormaliser.BirthDate(raw)?[..4]);

    private static string? Hash(byte[] fieldKey, string? normalised) =>
        normalised is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(fieldKey, Encoding.UTF8.GetBytes(normalised)));
}
