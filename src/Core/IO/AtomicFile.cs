namespace MarketStats.Core.IO;

/// <summary>
/// Publishes a file whole or not at all: written under a temporary name in the target's folder, flushed to disk, then
/// renamed over the target. A crash (even <c>kill -9</c>) mid-write leaves the previous file as it was; a reader sees
/// either the old file or the new one, never part of one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which gets the temporary path to write completely.</summary>
    public static void Write(string path, Action<string> write)
    {
        var target = Path.GetFullPath(path);
        var temporary = TemporaryPathFor(target);
        try
        {
            write(temporary);
            // fsync before the rename: otherwise a power cut can persist the rename before the bytes (an empty file).
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite))
                written.Flush(flushToDisk: true);
            File.Move(temporary, target, overwrite: true); // rename(2): atomic within one file system
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { /* the original error matters more */ }
            throw;
        }
    }

    /// <summary>Writes <paramref name="path"/> through a stream.</summary>
    public static void Write(string path, Action<Stream> write) => Write(path, temporary =>
    {
        using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
        write(stream);
    });

    /// <summary>
    /// Same folder (so the rename cannot cross file systems), hidden and marked <c>.tmp</c> (ingest and pulls skip
    /// such files), unique (two writers never share one), and ending in the target's extension (ClosedXML and DuckDB
    /// choose the format by it).
    /// </summary>
    public static string TemporaryPathFor(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!,
            $".{Path.GetFileNameWithoutExtension(target)}.{Guid.NewGuid().ToString("N")[..12]}.tmp{Path.GetExtension(target)}");
}
