using Microsoft.Win32.SafeHandles;

namespace MarketStats.Ingest;

/// <summary>
/// The folder where ingest keeps its private copies of delivered files, the only bytes DuckDB reads: mode 0700 and
/// owned by this user, so no other account can swap a copy between its checks and DuckDB's read, as one could in the
/// inbox. Copies are deleted with their <see cref="DeliveredFile"/>, and ones a killed process left at start-up.
/// </summary>
public static class PrivateFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder for the database at <paramref name="databasePath"/>: <c>&lt;db&gt;.copies</c>, beside its spill folder <c>&lt;db&gt;.tmp</c>.</summary>
    public static string ForDatabase(string databasePath) => Path.GetFullPath(databasePath) + ".copies";

    /// <summary>Creates the folder (0700) or takes it back: a link in its place is removed, its mode reset.</summary>
    public static string Ensure(string folder)
    {
        if (new DirectoryInfo(folder) is { LinkTarget: not null }) File.Delete(folder); // never write through a link someone planted
        if (OperatingSystem.IsWindows())
            return Directory.CreateDirectory(folder).FullName;
        Directory.CreateDirectory(folder, OwnerOnly);
        File.SetUnixFileMode(folder, OwnerOnly);
        return folder;
    }

    /// <summary>Removes copies a killed process left. Call only while holding the database's writer lock.</summary>
    public static void RemoveStale(string folder)
    {
        if (!Directory.Exists(folder) || new DirectoryInfo(folder).LinkTarget is not null) return;
        foreach (var file in Directory.GetFiles(folder))
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* not ours to delete: the next writer tries again */ }
        }
    }

    /// <summary>A new file in <paramref name="folder"/>, created exclusively (never an existing file or link).</summary>
    internal static FileStream Create(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 1 << 20 });
}

/// <summary>A read-only stream over an open file from offset 0, by positional reads: each pass over a delivered file
/// reads the same open file (never its path again) without sharing a position with another pass.</summary>
internal sealed class HandleStream(SafeFileHandle file) : Stream
{
    private long position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = RandomAccess.Read(file, buffer, position);
        position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => RandomAccess.GetLength(file);
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Passes bytes through while hashing them and writing them to a copy: one read of the delivered bytes serves the checks, the hash and the copy DuckDB reads.</summary>
internal sealed class TeeStream(Stream inner, Stream? copy, System.Security.Cryptography.IncrementalHash? hash) : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        copy?.Write(buffer[..n]);
        hash?.AppendData(buffer[..n]);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
