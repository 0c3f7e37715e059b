using System.Security.Cryptography;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>HMAC-SHA256 of normalised exact identifiers, each field under its own derived key (the contract's <c>*_hmac</c> columns).</summary>
public sealed class KeyedHasher(AssociationKey key)
{
    private readonly byte[] emailKey = key.DeriveKey("email_hmac");
    private readonly byte[] phoneKey = key.DeriveKey("phone_hmac");
    private readonly byte[] corporateKey = key.DeriveKey("corporate_number_hmac");

    public string? Email(string? raw) => Hash(emailKey, IdentifierNormaliser.Email(raw));

    public string? Phone(string? raw) => Hash(phoneKey, IdentifierNormaliser.Phone(raw));

    public string? CorporateNumber(string? raw) => Hash(corporateKey, IdentifierNormaliser.CorporateNumber(raw));

    private static string? Hash(byte[] fieldKey, string? normalised) =>
        normalised is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(fieldKey, Encoding.UTF8.GetBytes(normalised)));
}
