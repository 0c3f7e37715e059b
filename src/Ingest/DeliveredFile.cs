using System.Security.Cryptography;
using System.Text;
using MarketStats.Core.Text;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest;

/// <summary>How a delivered file is stored on disk.</summary>
public enum FileFormat { Csv, CsvGzip, Parquet }

/// <summary>A delivered export file, sniffed and made readable by DuckDB: its content hash, format and text encoding.</summary>
/// <remarks>
/// Files are recognised by their bytes, not their names: gzip by its magic number, Parquet by <c>PAR1</c>, and a
/// CSV's encoding by whether it decodes as UTF-8 (with or without BOM), else as CP932. DuckDB reads UTF-8 only, so a
/// CP932 file is transcoded, streaming, to a temporary UTF-8 file that is deleted with this object (as is a UTF-8
/// file with mixed CRLF and LF line ends, copied with LF only). An empty, UTF-16, binary or Latin-1 file is refused
/// under the rule that names it.
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
    /// <summary>The path DuckDB should read: the source itself, or a transcoded temporary copy.</summary>
    public string ReadablePath { get; }
    public bool ReadableIsGzip => Format == FileFormat.CsvGzip && ReadablePath == SourcePath;

    public string FormatLabel => Format switch
    {
        FileFormat.Parquet => "parquet",
        FileFormat.CsvGzip => $"csv.gz ({TextEncoding})",
        _ => $"csv ({TextEncoding})",
    };

    private readonly string? temporaryCopy;

    private DeliveredFile(string source, string sha, long size, FileFormat format, string encoding, string? temporaryCopy, string rowsSha256)
    {
        RowsSha256 = rowsSha256;
        SourcePath = source;
        ContentSha256 = sha;
        SizeBytes = size;
        Format = format;
        TextEncoding = encoding;
        this.temporaryCopy = temporaryCopy;
        ReadablePath = temporaryCopy ?? source;
    }

    /// <summary>Only the content hash, for a cheap "have we seen this file?" check before any decoding. Regular files only (<see cref="RegularFile"/>).</summary>
    public static string HashOf(string path)
    {
        using var stream = RegularFile.OpenRead(path, BufferSize, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Sniffs, hashes and (if needed) transcodes a file. Throws <see cref="UnreadableFileException"/> when it is neither UTF-8 nor CP932.</summary>
    /// <param name="knownSha256">The content hash when the caller has just computed it, to avoid reading the file again.</param>
    /// <param name="limits">How far a compressed file may expand; the defaults (or the environment's) when null.</param>
    public static DeliveredFile Open(string path, string scratchDirectory, string? knownSha256 = null, DecompressionLimits? limits = null)
    {
        limits ??= DecompressionLimits.Default;
        var sha = knownSha256 ?? HashOf(path);
        var size = new FileInfo(path).Length;
        Span<byte> magic = stackalloc byte[4];
        int read;
        using (var probe = RegularFile.OpenRead(path)) read = probe.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (read >= 4 && magic.SequenceEqual("PAR1"u8))
            return new DeliveredFile(path, sha, size, FileFormat.Parquet, "binary", null, sha);

        var gzip = read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        var format = gzip ? FileFormat.CsvGzip : FileFormat.Csv;
        if (!gzip && size > limits.MaxBytes)
            throw new UnreadableFileException(null, $"the file holds {DecompressionLimits.Size(size)}, more than {DecompressionLimits.Size(limits.MaxBytes)}, the most a file may hold (limit: {DecompressionLimits.MaxBytesVariable})", RuleIds.TooLarge);
        // A gzip file is decompressed and checked whole here (every member's CRC-32 and length, and the size limits)
        // before DuckDB reads it, since DuckDB's reader ends quietly at a cut. The same pass hashes the rows.
        Utf8ScanResult scan;
        TextShape shape;
        using (shape = new TextShape(OpenText(path, gzip, limits))) scan = Utf8Scan.Of(shape);
        RefuseUnlessText(shape);
        var (isUtf8, bom, badLine) = scan;
        if (isUtf8 && !shape.MixedLineEnds)
            return new DeliveredFile(path, sha, size, format, bom ? "utf-8-bom" : "utf-8", null, shape.RowsSha256);

        if (!isUtf8 && Latin1Sniff.Of(OpenText(path, gzip, limits)) is { } latin1)
            throw new UnreadableFileException(latin1.Line,
                $"the file looks like Latin-1 (ISO-8859-1 / Windows-1252), not UTF-8 or CP932: '{latin1.Character}' on line {latin1.Line} would be read as a kanji; send UTF-8");

        Directory.CreateDirectory(scratchDirectory);
        var copy = Path.Combine(scratchDirectory, $"{sha[..16]}-{Guid.NewGuid():N}.utf8.csv");
        try
        {
            var rows = isUtf8
                ? CopyWithLfEnds(path, gzip, limits, copy, shape.RowsSha256)
                : TranscodeCp932(path, gzip, limits, copy);
            return new DeliveredFile(path, sha, size, format, isUtf8 ? (bom ? "utf-8-bom" : "utf-8") : "cp932", copy, rows);
        }
        catch (DecoderFallbackException)
        {
            File.Delete(copy);
            throw new UnreadableFileException(badLine,
                $"the file is neither UTF-8 (first invalid byte on line {badLine}) nor CP932/Shift_JIS");
        }
        catch
        {
            File.Delete(copy);
            throw;
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

    private static Stream OpenText(string path, bool gzip, DecompressionLimits limits)
    {
        var stream = RegularFile.OpenRead(path, BufferSize, FileOptions.SequentialScan);
        return gzip ? new CheckedGzipStream(stream.SafeFileHandle, limits, ownsFile: true) : stream;
    }

    /// <summary>A UTF-8 file with mixed line ends, copied with LF only so DuckDB's reader takes it.</summary>
    private static string CopyWithLfEnds(string path, bool gzip, DecompressionLimits limits, string destination, string rowsSha256)
    {
        using var input = OpenText(path, gzip, limits);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
        var lf = new LfText(b => output.Write(b));
        var buffer = new byte[BufferSize];
        int n;
        while ((n = input.Read(buffer)) > 0) lf.Append(buffer.AsSpan(0, n));
        lf.Complete(finalLineEnd: false);
        return rowsSha256;
    }

    /// <summary>Streams a CP932 file to UTF-8 with LF line ends; returns the hash of its rows.</summary>
    private static string TranscodeCp932(string path, bool gzip, DecompressionLimits limits, string destination)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        // CP932 (Windows-31J), not strict Shift_JIS: they differ on characters such as ～ and ①.
        var cp932 = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        using var input = new StreamReader(OpenText(path, gzip, limits), cp932, detectEncodingFromByteOrderMarks: false, BufferSize);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
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
        if (temporaryCopy is not null && File.Exists(temporaryCopy))
            File.Delete(temporaryCopy);
    }
}

/// <summary>The file cannot be read as an export: not decodable as text in an accepted encoding (<see cref="RuleIds.Unreadable"/>), a gzip that is not whole, or too large.</summary>
/// <param name="line">The line at fault, or null for the file as a whole.</param>
public sealed class UnreadableFileException(long? line, string message, string rule = RuleIds.Unreadable) : Exception(message)
{
    public long? Line { get; } = line;
    public string Rule { get; } = rule;
}
