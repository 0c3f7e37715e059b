namespace MarketStats.Ingest;

/// <summary>
/// Tells a Latin-1 (ISO-8859-1 / Windows-1252) file from CP932, since many Latin-1 byte pairs also decode as CP932
/// (<c>éa</c> = E9 61 is a kanji). Japanese CP932 text uses lead bytes 0x81–0x9F (kana, symbols, common kanji) or
/// runs of high bytes; Latin-1 text has accented letters standing alone between ASCII bytes, and never 0x80–0x9F.
/// </summary>
internal static class Latin1Sniff
{
    public sealed record Finding(long Line, char Character);

    /// <summary>The first accented letter when the whole text reads as Latin-1 and not as Japanese; null otherwise.</summary>
    public static Finding? Of(Stream text)
    {
        using (text)
        {
            var buffer = new byte[1 << 20];
            long line = 1;
            var previousHigh = false;
            Finding? first = null;
            int n;
            while ((n = text.Read(buffer)) > 0)
            {
                foreach (var b in buffer.AsSpan(0, n))
                {
                    if (b < 0x80)
                    {
                        previousHigh = false;
                        if (b == '\n') line++;
                        continue;
                    }
                    if (previousHigh || b <= 0x9F) return null;
                    previousHigh = true;
                    first ??= new Finding(line, (char)b);
                }
            }
            return first;
        }
    }
}
