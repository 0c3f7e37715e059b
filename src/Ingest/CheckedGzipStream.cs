using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;
using MarketStats.Ingest.Validation;
using Microsoft.Win32.SafeHandles;

namespace MarketStats.Ingest;

/// <summary>
/// Decompresses a gzip file member by member (several members one after another are legal gzip) and refuses it,
/// by throwing <see cref="UnreadableFileException"/>, when it is not whole: a member cut off before its final deflate
/// block (a writer killed after a sync flush), a trailer missing or not matching the data (CRC-32 and length, ISIZE),
/// or bytes after the last member. It also stops as soon as the text grows beyond <see cref="DecompressionLimits"/>.
/// </summary>
/// <remarks>
/// .NET's GZipStream and DuckDB's reader both end quietly at a cut, and neither checks a trailer that is absent. Each
/// member's body is inflated here as raw deflate from a feeder that remembers the last chunk it handed over: when the
/// inflater stops, its unread input is a tail of that chunk, and the trailer must be the first 8 bytes there that match
/// the CRC-32 and length of what came out (a chance match inside compressed data is about 2^-64).
/// </remarks>
public sealed class CheckedGzipStream : Stream
{
    private readonly SafeFileHandle file;
    private readonly bool ownsFile;
    private readonly long length;
    private readonly long allowed;
    private readonly DecompressionLimits limits;
    private readonly Crc32 crc = new();
    private Feeder? feeder;
    private DeflateStream? member;
    private int memberNumber;
    private long memberBytes;
    private long totalBytes;
    private long nextMember;
    private bool done;

    /// <param name="file">An open, regular file.</param>
    /// <param name="ownsFile">Whether disposing this stream closes <paramref name="file"/>.</param>
    public CheckedGzipStream(SafeFileHandle file, DecompressionLimits limits, bool ownsFile)
    {
        this.file = file;
        this.ownsFile = ownsFile;
        this.limits = limits;
        length = RandomAccess.GetLength(file);
        allowed = limits.AllowedFor(length);
    }

    /// <summary>The decompressed bytes read so far.</summary>
    public long DecompressedBytes => totalBytes;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (!done && buffer.Length > 0)
        {
            if (member is null)
            {
                if (nextMember == length && memberNumber > 0) { done = true; break; }
                StartMember();
            }
            int n;
            try
            {
                n = member!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw Refuse($"gzip member {memberNumber} holds invalid compressed data ({e.Message.TrimEnd('.')}); the file is corrupt");
            }
            if (n > 0)
            {
                crc.Append(buffer[..n]);
                memberBytes += n;
                totalBytes += n;
                if (totalBytes > allowed) throw TooLarge();
                return n;
            }
            EndMember();
        }
        return 0;
    }

    private UnreadableFileException TooLarge()
    {
        var why = allowed == limits.MaxBytes
            ? $"it decompresses to more than {DecompressionLimits.Size(limits.MaxBytes)}, the most a file may hold"
            : $"it decompresses to more than {limits.MaxRatio} times its compressed size of {DecompressionLimits.Size(length)} (over {DecompressionLimits.Size(allowed)}); a gzip bomb is refused";
        return new UnreadableFileException(null, $"{why} (limits: {DecompressionLimits.MaxBytesVariable}, {DecompressionLimits.MaxRatioVariable})", RuleIds.TooLarge);
    }

    private UnreadableFileException Refuse(string what) => new(null, $"{what}; the whole file was refused", RuleIds.GzipIntegrity);

    /// <summary>Reads a member header (RFC 1952) at <see cref="nextMember"/> and starts inflating its body.</summary>
    private void StartMember()
    {
        memberNumber++;
        var at = nextMember;
        Span<byte> fixedPart = stackalloc byte[10];
        if (RandomAccess.Read(file, fixedPart, at) < 10 || fixedPart[0] != 0x1f || fixedPart[1] != 0x8b)
            throw Refuse(memberNumber == 1
                ? "it does not start with a gzip header"
                : $"{(length - at).ToString(CultureInfo.InvariantCulture)} byte(s) after the end of gzip member {memberNumber - 1} are not gzip member {memberNumber}");
        if (fixedPart[2] != 8) throw Refuse($"gzip member {memberNumber} uses compression method {fixedPart[2]}, not deflate");
        var flags = fixedPart[3];
        var position = at + 10;
        if ((flags & 0x04) != 0) // FEXTRA: a length, then that many bytes
        {
            Span<byte> xlen = stackalloc byte[2];
            if (RandomAccess.Read(file, xlen, position) < 2) throw Refuse($"the header of gzip member {memberNumber} is cut off");
            position += 2 + BinaryPrimitives.ReadUInt16LittleEndian(xlen);
        }
        if ((flags & 0x08) != 0) position = AfterZero(position); // FNAME
        if ((flags & 0x10) != 0) position = AfterZero(position); // FCOMMENT
        if ((flags & 0x02) != 0) position += 2;                  // FHCRC
        if (position >= length) throw Refuse($"the header of gzip member {memberNumber} is cut off");
        crc.Reset();
        memberBytes = 0;
        feeder = new Feeder(file, position, length);
        member = new DeflateStream(feeder, CompressionMode.Decompress, leaveOpen: true);
    }

    private long AfterZero(long position)
    {
        Span<byte> one = stackalloc byte[1];
        while (true)
        {
            if (RandomAccess.Read(file, one, position) < 1) throw Refuse($"the header of gzip member {memberNumber} is cut off");
            position++;
            if (one[0] == 0) return position;
            if (position - nextMember > 1 << 16) throw Refuse($"the header of gzip member {memberNumber} has a name or comment longer than 64 KiB");
        }
    }

    /// <summary>The inflater stopped: find this member's trailer where its compressed data ended, and check it.</summary>
    private void EndMember()
    {
        var (feed, inflate) = (feeder!, member!);
        member = null;
        feeder = null;
        inflate.Dispose();
        if (feed.ReachedEnd)
            throw Refuse($"the file ends inside gzip member {memberNumber}, before its final deflate block and its CRC-32 and length trailer: it was cut off " +
                         $"(after {memberBytes.ToString("N0", CultureInfo.InvariantCulture)} decompressed bytes)");
        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], unchecked((uint)memberBytes));
        // The unread input is a tail of the last chunk; the trailer starts there (or right after it).
        var window = new byte[(int)(feed.Position - feed.LastChunkStart) + 8];
        var read = RandomAccess.Read(file, window, feed.LastChunkStart);
        var found = window.AsSpan(0, read).IndexOf(expected);
        if (found < 0)
            throw Refuse($"gzip member {memberNumber} does not end with the CRC-32 and length of its data " +
                         $"({crc.GetCurrentHashAsUInt32():x8}, {unchecked((uint)memberBytes).ToString(CultureInfo.InvariantCulture)} bytes): " +
                         "its trailer is missing, cut off or wrong");
        nextMember = feed.LastChunkStart + found + 8;
    }

    private sealed class Feeder(SafeFileHandle file, long start, long length) : Stream
    {
        private const int ChunkSize = 1 << 16;
        public override long Position { get; set; } = start;
        public long LastChunkStart { get; private set; } = start;
        public bool ReachedEnd { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Position >= length ? 0 : RandomAccess.Read(file, buffer[..Math.Min(buffer.Length, ChunkSize)], Position);
            if (n == 0) { ReachedEnd = true; return 0; }
            LastChunkStart = Position;
            Position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            member?.Dispose();
            if (ownsFile) file.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => totalBytes; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
