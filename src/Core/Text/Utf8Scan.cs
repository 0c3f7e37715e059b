using System.Text;

namespace MarketStats.Core.Text;

/// <summary>What a streaming UTF-8 check of a file found: valid or not, whether it starts with a BOM, and where it broke.</summary>
/// <param name="BadLine">The line holding the first invalid byte (1-based); 0 when the text is valid UTF-8.</param>
public readonly record struct Utf8ScanResult(bool IsUtf8, bool Bom, long BadLine);

/// <summary>
/// Exports and raw member files are UTF-8 (with or without BOM) when they decode as UTF-8, else CP932. This checks
/// the first in one streaming pass, so a file of millions of rows is never held in memory. Used by ingest
/// (<c>DeliveredFile</c>) and the platform-side anonymiser.
/// </summary>
public static class Utf8Scan
{
    private const int BufferSize = 1 << 20;
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Utf8ScanResult Of(Stream stream)
    {
        var decoder = StrictUtf8.GetDecoder();
        var buffer = new byte[BufferSize];
        // GetChars, not GetCharCount: only GetChars carries a sequence split between two reads into the next one.
        var chars = new char[BufferSize + 4];
        long lines = 1;
        var first = true;
        var bom = false;
        int n;
        while ((n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            var chunk = buffer.AsSpan(0, n);
            if (first)
            {
                bom = chunk.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
                first = false;
            }
            try
            {
                decoder.GetChars(chunk, chars, flush: n < buffer.Length);
            }
            catch (DecoderFallbackException e)
            {
                var upTo = Math.Clamp(e.Index < 0 ? 0 : e.Index, 0, n);
                return new Utf8ScanResult(false, bom, lines + chunk[..upTo].Count((byte)'\n'));
            }
            lines += chunk.Count((byte)'\n');
        }
        // A file whose size is a multiple of the buffer never had a short read: flush here, so a multi-byte sequence
        // cut off at the very end is still caught.
        try
        {
            decoder.GetChars([], chars, flush: true);
        }
        catch (DecoderFallbackException)
        {
            return new Utf8ScanResult(false, bom, lines);
        }
        return new Utf8ScanResult(true, bom, 0);
    }
}
