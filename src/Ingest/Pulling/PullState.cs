using System.Text.Json;
using MarketStats.Core.IO;

namespace MarketStats.Ingest.Pulling;

/// <summary>What has already landed from one source: per file its SHA-256 and the server's validators for conditional requests.</summary>
/// <remarks>Kept in LANDING/&lt;platform&gt;/.pull-state.json, written through a temporary file and a rename so a crash never leaves it half-written.</remarks>
public sealed class PullState
{
    public string? ManifestETag { get; set; }
    public string? ManifestLastModified { get; set; }
    public Dictionary<string, LandedFile> Files { get; set; } = new(StringComparer.Ordinal);

    public static string PathFor(string landingFolder) => Path.Combine(landingFolder, ".pull-state.json");

    public static PullState Load(string landingFolder)
    {
        var path = PathFor(landingFolder);
        return File.Exists(path) ? JsonSerializer.Deserialize<PullState>(File.ReadAllText(path)) ?? new PullState() : new PullState();
    }

    public void Save(string landingFolder)
    {
        Directory.CreateDirectory(landingFolder);
        var path = PathFor(landingFolder);
        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true })));
    }
}

public sealed class LandedFile
{
    public string Sha256 { get; set; } = "";
    public long Size { get; set; }
    public string? ETag { get; set; }
    public string? LastModified { get; set; }
}
