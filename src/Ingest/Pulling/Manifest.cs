using System.Text.Json;

namespace MarketStats.Ingest.Pulling;

/// <summary>A source's manifest: the export files it offers, each with its size and SHA-256 (hex).</summary>
/// <remarks>Example: <c>{"files":[{"name":"transactions-FY2024.csv","size":1234,"sha256":"9f…","etag":"\"v3\""}]}</c>.
/// A file's <c>url</c> is optional and relative to the manifest; by default it is the file's name.</remarks>
public sealed class Manifest
{
    public List<ManifestFile> Files { get; set; } = [];

    public static Manifest Parse(string json, Uri from)
    {
        Manifest? manifest;
        try { manifest = JsonSerializer.Deserialize<Manifest>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true }); }
        catch (JsonException e) { throw new PullException($"The manifest at {from} is not valid JSON: {e.Message}"); }
        foreach (var file in manifest?.Files ?? [])
        {
            // The name becomes a file name in the inbox: refuse anything that could escape the platform's folder, and
            // control characters (a NUL makes every file API throw; a newline forges lines in reports), not echoed raw.
            if (file.Name is { } raw && raw.Any(char.IsControl))
                throw new PullException($"The manifest at {from} names a file '{string.Concat(raw.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))}' that holds a control character; a file name must be printable.");
            if (string.IsNullOrWhiteSpace(file.Name) || file.Name != Path.GetFileName(file.Name) || file.Name.StartsWith('.'))
                throw new PullException($"The manifest at {from} names a file '{file.Name}' that is not a plain file name.");
            if (file.Size < 0 || file.Sha256.Length != 64 || !file.Sha256.All(Uri.IsHexDigit))
                throw new PullException($"The manifest at {from} gives file {file.Name} no valid size and SHA-256.");
        }
        return manifest ?? new Manifest();
    }
}

public sealed class ManifestFile
{
    public string Name { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string? ETag { get; set; }
    public string? Url { get; set; }
}

/// <summary>A pull could not complete (after retries, or for a reason retrying cannot fix).</summary>
public sealed class PullException(string message, Exception? inner = null) : Exception(message, inner);
