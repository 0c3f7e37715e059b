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
/// CP932 file is transcoded, streaming, to a temporary UTF-8 file that is deleted with this object.
/// </remarks>
public sealed class DeliveredFile : IDisposable
{
    private const int BufferSize = 1 << 20;

    public string SourcePath { get; }
    public string ContentSha256 { get; }
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

    private DeliveredFile(string source, string sha, long size, FileFormat format, string encoding, string? temporaryCopy)
    {
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
            return new DeliveredFile(path, sha, size, FileFormat.Parquet, "binary", null);

        var gzip = read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        var format = gzip ? FileFormat.CsvGzip : FileFormat.Csv;
        if (!gzip && size > limits.MaxBytes)
            throw new UnreadableFileException(null, $"the file holds {DecompressionLimits.Size(size)}, more than {DecompressionLimits.Size(limits.MaxBytes)}, the most a file may hold (limit: {DecompressionLimits.MaxBytesVariable})", RuleIds.TooLarge);
        // A gzip file is decompressed and checked whole here (every member's CRC-32 and length, and the size limits)
        // before DuckDB reads it, since DuckDB's reader ends quietly at a cut.
        Utf8ScanResult scan;
        using (var text = OpenText(path, gzip, limits)) scan = Utf8Scan.Of(text);
        var (isUtf8, bom, badLine) = scan;
        if (isUtf8)
            return new DeliveredFile(path, sha, size, format, bom ? "utf-8-bom" : "utf-8", null);

        Directory.CreateDirectory(scratchDirectory);
        var copy = Path.Combine(scratchDirectory, $"{sha[..16]}-{Guid.NewGuid():N}.utf8.csv");
        try
        {
            TranscodeCp932(path, gzip, limits, copy);
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
        return new DeliveredFile(path, sha, size, format, "cp932", copy);
    }

    private static Stream OpenText(string path, bool gzip, DecompressionLimits limits)
    {
        var stream = RegularFile.OpenRead(path, BufferSize, FileOptions.SequentialScan);
        return gzip ? new CheckedGzipStream(stream.SafeFileHandle, limits, ownsFile: true) : stream;
    }

    private static void TranscodeCp932(string path, bool gzip, DecompressionLimits limits, string destination)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        // CP932 (Windows-31J), not strict Shift_JIS: they differ on characters such as ～ and ①.
        var cp932 = Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        using var input = new StreamReader(OpenText(path, gzip, limits), cp932, detectEncodingFromByteOrderMarks: false, BufferSize);
        using var output = new StreamWriter(destination, append: false, new UTF8Encoding(false), BufferSize);
        var chars = new char[BufferSize];
        int n;
        while ((n = input.Read(chars, 0, chars.Length)) > 0)
            output.Write(chars, 0, n);
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
