using System.Security.Cryptography;
using System.Text;

namespace MarketStats.Core.Privacy;

/// <summary>The association-issued secret that every member uses to key its hashes and encodings.</summary>
/// <remarks>
/// Each use gets its own key derived with HKDF-SHA256 (RFC 5869), so that a leak of one derived key (say, the
/// Bloom-filter key a researcher needs) does not expose the others, and so that the same e-mail hashed for two
/// fields never yields the same value.
/// </remarks>
public sealed class AssociationKey
{
    private const string Header = "marketstats-association-key v1";
    private readonly byte[] secret;

    private AssociationKey(byte[] secret) => this.secret = secret;

    public static AssociationKey Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>A key derived from a seed: only for synthetic data and tests, never for real members.</summary>
    public static AssociationKey FromSeed(int seed) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"marketstats synthetic key, seed {seed}")));

    /// <param name="version">The contract version that introduced the purpose: v1's keys keep their <c>/v1</c> info, v2's fields get <c>/v2</c>.</param>
    public byte[] DeriveKey(string purpose, int version = 1) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: null, info: Encoding.UTF8.GetBytes($"marketstats/{purpose}/v{version}"));

    /// <summary>A short public fingerprint so staff can tell which key produced a file without revealing it.</summary>
    public string Fingerprint => Convert.ToHexStringLower(DeriveKey("fingerprint"))[..16];

    public void Save(string path)
    {
        if (File.Exists(path))
            throw new IOException($"{path} already exists; refusing to overwrite a key (remove it first if you mean to).");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, $"{Header}\n{Convert.ToBase64String(secret)}\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public static AssociationKey Load(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0] != Header)
            throw new InvalidDataException($"{path} is not a MarketStats association key (expected first line '{Header}').");
        var secret = Convert.FromBase64String(lines[1].Trim());
        if (secret.Length < 32)
            throw new InvalidDataException($"{path}: the key is {secret.Length} bytes; at least 32 are required.");
        return new AssociationKey(secret);
    }
}
