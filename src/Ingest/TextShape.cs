using System.Security.Cryptography;

namespace MarketStats.Ingest;

/// <summary>
/// Watches a delivered file's (decompressed) text as it streams past once, for the UTF-8 check: its size, its first
/// bytes (a UTF-16 byte-order mark or NUL bytes), whether it holds anything but blanks, its line ends, and the hash of
/// its rows (<see cref="RowsHash"/>). Read-only pass-through.
/// </summary>
internal sealed class TextShape(Stream inner) : Stream
{
    private const int HeadSize = 4096;
    private readonly byte[] head = new byte[HeadSize];
    private readonly RowsHash rows = new();
    private bool lastWasCr;

    public long Bytes { get; private set; }
    public long CrLfEnds { get; private set; }
    public long LfEnds { get; private set; }
    public bool HasContent { get; private set; }
    public ReadOnlySpan<byte> Head => head.AsSpan(0, (int)Math.Min(Bytes, HeadSize));
    /// <summary>Both CRLF and bare LF line ends: DuckDB's sniffer refuses such a file, so it is read from a copy with LF only.</summary>
    public bool MixedLineEnds => CrLfEnds > 0 && LfEnds > 0;
    public string RowsSha256 => rows.Finish();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Observe(buffer[..n]);
        return n;
    }

    private void Observe(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty) return;
        if (Bytes < HeadSize)
            chunk[..(int)Math.Min(chunk.Length, HeadSize - Bytes)].CopyTo(head.AsSpan((int)Bytes));
        Bytes += chunk.Length;
        // Blanks and byte-order marks are no content.
        if (!HasContent)
            HasContent = chunk.IndexOfAnyExcept([(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n', (byte)0xEF, (byte)0xBB, (byte)0xBF]) >= 0;
        var rest = chunk;
        var previousCr = lastWasCr;
        int at;
        while ((at = rest.IndexOf((byte)'\n')) >= 0)
        {
            var cr = at > 0 ? rest[at - 1] == '\r' : previousCr;
            if (cr) CrLfEnds++; else LfEnds++;
            previousCr = false;
            rest = rest[(at + 1)..];
        }
        lastWasCr = chunk[^1] == '\r';
        rows.Append(chunk);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Bytes; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// Writes UTF-8 text on with every CRLF made LF and a leading byte-order mark dropped: the form in which the same rows
/// sent in other bytes (CRLF or LF, with or without BOM, CP932 or UTF-8, plain or gzip) are the same.
/// </summary>
internal sealed class LfText(Action<ReadOnlySpan<byte>> sink)
{
    private bool pendingCr;
    private int bomSeen; // bytes of a leading EF BB BF seen so far; -1 once past the start
    private byte last = (byte)'\n';
    private bool any;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        while (bomSeen >= 0 && !chunk.IsEmpty)
        {
            ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
            if (chunk[0] == bom[bomSeen])
            {
                chunk = chunk[1..];
                if (++bomSeen == 3) bomSeen = -1;
            }
            else
            {
                Emit(bom[..bomSeen]); // not a BOM after all
                bomSeen = -1;
            }
        }
        if (chunk.IsEmpty) return;
        if (pendingCr)
        {
            pendingCr = false;
            if (chunk[0] != '\n') Emit("\r"u8);
        }
        int at;
        while ((at = chunk.IndexOf((byte)'\r')) >= 0)
        {
            Emit(chunk[..at]);
            if (at + 1 == chunk.Length)
            {
                pendingCr = true;
                return;
            }
            if (chunk[at + 1] != '\n') Emit("\r"u8);
            chunk = chunk[(at + 1)..];
        }
        Emit(chunk);
    }

    /// <summary>Ends the text; with <paramref name="finalLineEnd"/>, a last line without its line end gets one.</summary>
    public void Complete(bool finalLineEnd)
    {
        if (bomSeen > 0) Emit(((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])[..bomSeen]);
        bomSeen = -1;
        if (pendingCr) Emit("\r"u8);
        pendingCr = false;
        if (finalLineEnd && any && last != '\n') Emit("\n"u8);
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        sink(bytes);
        last = bytes[^1];
        any = true;
    }
}

/// <summary>
/// The hash of a file's rows rather than its bytes: SHA-256 of its text as UTF-8 without byte-order mark, line ends as
/// LF, ending in one. Ingest compares it to decide "already loaded"; the byte hash stays the file's lineage.
/// </summary>
internal sealed class RowsHash
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly LfText text;
    private string? done;

    public RowsHash() => text = new LfText(b => hash.AppendData(b));

    public void Append(ReadOnlySpan<byte> utf8) => text.Append(utf8);

    public string Finish()
    {
        if (done is null)
        {
            text.Complete(finalLineEnd: true);
            done = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        return done;
    }
}
