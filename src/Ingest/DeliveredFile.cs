using System.Security.Cryptography;
using System.Text;
using MarketStats.Core.Text;
using MarketStats.Ingest.Validation;
using Microsoft.Win32.SafeHandles;

namespace MarketStats.Ingest;

/// <summary>How a delivered file is stored on disk.</summary>
public enum FileFormat { Csv, CsvGzip, Parquet }

/// <summary>A delivered export file, sniffed and made readable by DuckDB: its content hash, format and text encoding.</summary>
/// <remarks>
/// Files are recognised by their bytes, not their names: gzip by its magic number, Parquet by <c>PAR1</c>, and a
/// CSV's encoding by whether it decodes as UTF-8 (with or without BOM), else as CP932. An empty, UTF-16, binary or
/// Latin-1 file is refused under the rule that names it.
/// <para>
/// DuckDB never reads the delivered path: a writer with access to the inbox could swap it for a link or other bytes
/// between the checks and the read. The file is read from the one handle that was opened (no links followed) and
/// hashed, and the same pass that checks its text writes it to a private copy (<see cref="PrivateFolder"/>) that DuckDB
/// reads: a gzip as its checked, decompressed text; a CP932 file (or UTF-8 with mixed CRLF and LF) transcoded from that
/// copy to UTF-8 with LF ends; Parquet as its bytes. The pass hashes the bytes again, so a file rewritten in place
/// between the hash and the copy is refused. The copy is deleted with this object.
/// </para>
/// </remarks>
public sealed class DeliveredFile : IDisposable
{
    private const int BufferSize = 1 << 20;

    public string SourcePath { get; }
    /// <summary>SHA-256 of the file's bytes: its lineage.</summary>
    public string ContentSha256 { get; }
    /// <summary>SHA-256 of its rows (<see cref="RowsHash"/>; the bytes for Parquet): the same rows in other bytes are the same delivery.</summary>
    public string RowsSha256 { get; }
    public long SizeBytes { get; }
    public FileFormat Format { get; }
    /// <summary>"utf-8", "utf-8-bom", "cp932" for CSV; "binary" for Parquet.</summary>
    public string TextEncoding { get; }
    /// <summary>The path DuckDB should read: the private copy of the checked bytes (UTF-8 text for CSV, never gzip), never the delivered path.</summary>
    public string ReadablePath { get; }

    public string FormatLabel => Format switch
    {
        FileFormat.Parquet => "parquet",
        FileFormat.CsvGzip => $"csv.gz ({TextEncoding})",
        _ => $"csv ({TextEncoding})",
    };

    private DeliveredFile(string source, string sha, long size, FileFormat format, string encoding, string copy, string rowsSha256)
    {
        RowsSha256 = rowsSha256;
        SourcePath = source;
        ContentSha256 = sha;
        SizeBytes = size;
        Format = format;
        TextEncoding = encoding;
        ReadablePath = copy;
    }

    /// <summary>Only the content hash, for a cheap "have we seen this file?" check before any decoding. Regular files only (<see cref="RegularFile"/>).</summary>
    public static string HashOf(string path)
    {
        using var stream = RegularFile.OpenRead(path, BufferSize, FileOptions.SequentialScan);
        return HashOf(stream.SafeFileHandle);
    }

    /// <summary>The content hash of an open file, read from its start.</summary>
    public static string HashOf(SafeFileHandle file) => Convert.ToHexStringLower(SHA256.HashData(new HandleStream(file)));

    /// <summary>Opens a regular file by path (no links followed), then as <see cref="Open(SafeFileHandle, string, string, string, DecompressionLimits?)"/>.</summary>
    public static DeliveredFile Open(string path, string copyFolder, string? knownSha256 = null, DecompressionLimits? limits = null)
    {
        using var stream = RegularFile.OpenRead(path, BufferSize, FileOptions.SequentialScan);
        return Open(stream.SafeFileHandle, path, copyFolder, knownSha256 ?? HashOf(stream.SafeFileHandle), limits);
    }

    /// <summary>Sniffs, checks and copies an open file for DuckDB. Throws <see cref="UnreadableFileException"/> when it is neither UTF-8 nor CP932, not whole, too large, or changed since it was hashed.</summary>
    /// <param name="file">The delivered file, open: every read goes through it, never through <paramref name="path"/>.</param>
    /// <param name="path">Where it was delivered: for messages and lineage only.</param>
    /// <param name="copyFolder">A folder only this process writes (<see cref="PrivateFolder.Ensure"/>), for the copy DuckDB reads.</param>
    /// <param name="sha256">The content hash just computed from <paramref name="file"/>: the copy must match it.</param>
    /// <param name="limits">How far a compressed file may expand; the defaults (or the environment's) when null.</param>
    public static DeliveredFile Open(SafeFileHandle file, string path, string copyFolder, string sha256, DecompressionLimits? limits = null)
    {
        limits ??= DecompressionLimits.Default;
        var size = RandomAccess.GetLength(file);
        Span<byte> magic = stackalloc byte[4];
        var read = RandomAccess.Read(file, magic, 0);
        var parquet = read >= 4 && magic.SequenceEqual("PAR1"u8);
        var gzip = !parquet && read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        if (!gzip && size > limits.MaxBytes)
            throw new UnreadableFileException(null, $"the file holds {DecompressionLimits.Size(size)}, more than {DecompressionLimits.Size(limits.MaxBytes)}, the most a file may hold (limit: {DecompressionLimits.MaxBytesVariable})", RuleIds.TooLarge);

        PrivateFolder.Ensure(copyFolder);
        var stem = Path.Combine(copyFolder, $"{sha256[..16]}-{Guid.NewGuid():N}");
        var copies = new List<string>();
        string NewCopy(string suffix)
        {
            copies.Add(stem + suffix);
            return stem + suffix;
        }
        try
        {
            if (parquet)
            {
                var copy = NewCopy(".parquet");
                using (var output = PrivateFolder.Create(copy)) CopyHashed(new HandleStream(file), output, sha256);
                return new DeliveredFile(path, sha256, size, FileFormat.Parquet, "binary", copy, sha256);
            }
            // A gzip is first copied as it is (its compressed size) and hashed, then checked and decompressed from the copy.
            var text = file;
            SafeFileHandle? compressed = null;
            if (gzip)
            {
                var gz = NewCopy(".csv.gz");
                using (var output = PrivateFolder.Create(gz)) CopyHashed(new HandleStream(file), output, sha256);
                text = compressed = File.OpenHandle(gz, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            }
            DeliveredFile delivered;
            using (compressed)
                delivered = FromText(text, gzip, path, sha256, size, limits, NewCopy);
            // Only the copy DuckDB reads stays: not the gzip as delivered, nor text before its line ends were mended.
            Delete(copies.Where(c => c != delivered.ReadablePath));
            return delivered;
        }
        catch (DecoderFallbackException)
        {
            Delete(copies);
            throw new UnreadableFileException(null, "the file is neither UTF-8 nor CP932/Shift_JIS");
        }
        catch
        {
            Delete(copies);
            throw;
        }
    }

    /// <summary>One pass over the (decompressed) text: sniffed, checked, hashed and written to the copy DuckDB reads.</summary>
    private static DeliveredFile FromText(SafeFileHandle file, bool gzip, string path, string sha256, long size, DecompressionLimits limits, Func<string, string> newCopy)
    {
        var format = gzip ? FileFormat.CsvGzip : FileFormat.Csv;
        var copy = newCopy(".csv");
        using var rawHash = gzip ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256); // a gzip was hashed as it was copied
        Utf8ScanResult scan;
        TextShape shape;
        using (var output = PrivateFolder.Create(copy))
        {
            Stream raw = new HandleStream(file);
            if (gzip) raw = new CheckedGzipStream(file, limits, ownsFile: false);
            using (shape = new TextShape(new TeeStream(raw, output, rawHash)))
            {
                scan = Utf8Scan.Of(shape);
                // The scan stops at the first invalid byte; the rest is still checked and copied (a gzip's trailer, the CP932 text).
                var rest = new byte[BufferSize];
                while (shape.Read(rest) > 0) { }
            }
        }
        if (rawHash is not null && Convert.ToHexStringLower(rawHash.GetHashAndReset()) != sha256) throw Changed();
        RefuseUnlessText(shape);
        var (isUtf8, bom, badLine) = scan;
        if (isUtf8 && !shape.MixedLineEnds)
            return Done(copy, bom ? "utf-8-bom" : "utf-8", shape.RowsSha256);

        if (!isUtf8 && Latin1Sniff.Of(OpenCopy(copy)) is { } latin1)
            throw new UnreadableFileException(latin1.Line,
                $"the file looks like Latin-1 (ISO-8859-1 / Windows-1252), not UTF-8 or CP932: '{latin1.Character}' on line {latin1.Line} would be read as a kanji; send UTF-8");

        var mended = newCopy(".utf8.csv");
        try
        {
            var rows = isUtf8 ? CopyWithLfEnds(copy, mended, shape.RowsSha256) : TranscodeCp932(copy, mended);
            return Done(mended, isUtf8 ? (bom ? "utf-8-bom" : "utf-8") : "cp932", rows);
        }
        catch (DecoderFallbackException)
        {
            throw new UnreadableFileException(badLine,
                $"the file is neither UTF-8 (first invalid byte on line {badLine}) nor CP932/Shift_JIS");
        }

        DeliveredFile Done(string readable, string encoding, string rowsSha256) =>
            new(path, sha256, size, format, encoding, readable, rowsSha256);
    }

    private static UnreadableFileException Changed() => new(null,
        "the file changed while it was read (its bytes no longer match the hash taken a moment before); it was refused whole, send it again once it is complete", RuleIds.Changed);

    /// <summary>Copies bytes while hashing them; refuses the file unless they are the ones hashed before.</summary>
    private static void CopyHashed(Stream input, Stream output, string sha256)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            hash.AppendData(buffer.AsSpan(0, n));
            output.Write(buffer.AsSpan(0, n));
        }
        if (Convert.ToHexStringLower(hash.GetHashAndReset()) != sha256) throw Changed();
    }

    private static FileStream OpenCopy(string copy) => new(copy, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);

    private static void Delete(IEnumerable<string> copies)
    {
        foreach (var copy in copies)
        {
            try { File.Delete(copy); }
            catch (IOException) { /* removed at the next start-up */ }
        }
    }

    /// <summary>An empty file, UTF-16 or binary text is named for what it is, not left to fail later as a record kind or a name.</summary>
    private static void RefuseUnlessText(TextShape shape)
    {
        if (!shape.HasContent)
            throw new UnreadableFileException(null, shape.Bytes == 0
                ? "the file is empty; send a header and at least one row"
                : "the file holds only blank lines; send a header and at least one row", RuleIds.Empty);
        var head = shape.Head;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            throw new UnreadableFileException(null, "the file is UTF-16 (it starts with a UTF-16 byte-order mark); send UTF-8 or CP932");
        var nul = head.IndexOf((byte)0);
        if (nul >= 0)
        {
            // UTF-16 without a mark: ASCII text with a NUL beside every character.
            var alternate = head.Length >= 4 && (head[1] == 0 && head[3] == 0 || head[0] == 0 && head[2] == 0);
            throw new UnreadableFileException(head[..nul].Count((byte)'\n') + 1L, alternate
                ? "the file is UTF-16 (a NUL byte beside each character); send UTF-8 or CP932"
                : "the file holds NUL bytes, so it is binary, not CSV text; send UTF-8 or CP932 text");
        }
    }

    /// <summary>A UTF-8 copy with mixed line ends, copied again with LF only so DuckDB's reader takes it.</summary>
    private static string CopyWithLfEnds(string source, string destination, string rowsSha256)
    {
        using var input = OpenCopy(source);
        using var output = PrivateFolder.Create(destination);
        var lf = new LfText(b => output.Write(b));
        var buffer = new byte[BufferSize];
        int n;
        while ((n = input.Read(buffer)) > 0) lf.Append(buffer.AsSpan(0, n));
        lf.Complete(finalLineEnd: false);
        return rowsSha256;
    }

    /// <summary>Streams a CP932 copy to UTF-8 with LF line ends; returns the hash of its rows.</summary>
    private static string TranscodeCp932(string source, string destination)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        // CP932 (Windows-31J), not strict Shift_JIS: they differ on characters such as ～ and ①.
        var cp932 = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        using var input = new StreamReader(OpenCopy(source), cp932, detectEncodingFromByteOrderMarks: false, BufferSize);
        using var output = PrivateFolder.Create(destination);
        var rows = new RowsHash();
        var lf = new LfText(b => output.Write(b));
        var utf8 = new UTF8Encoding(false);
        var chars = new char[BufferSize];
        var bytes = new byte[utf8.GetMaxByteCount(BufferSize)];
        int n;
        while ((n = input.Read(chars, 0, chars.Length)) > 0)
        {
            var length = utf8.GetBytes(chars, 0, n, bytes, 0);
            lf.Append(bytes.AsSpan(0, length));
            rows.Append(bytes.AsSpan(0, length));
        }
        lf.Complete(finalLineEnd: false);
        return rows.Finish();
    }

    public void Dispose()
    {
        try { File.Delete(ReadablePath); }
        catch (IOException) { /* removed at the next start-up */ }
    }
}

/// <summary>The file cannot be read as an export: not decodable as text in an accepted encoding (<see cref="RuleIds.Unreadable"/>), a gzip that is not whole, or too large.</summary>
/// <param name="line">The line at fault, or null for the file as a whole.</param>
public sealed class UnreadableFileException(long? line, string message, string rule = RuleIds.Unreadable) : Exception(message)
{
    public long? Line { get; } = line;
    public string Rule { get; } = rule;
}
