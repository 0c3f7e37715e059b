using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace MarketStats.Synthetic;

/// <summary>Builds one CSV line in a reusable buffer and writes it in one call: the hot path of the generator.</summary>
/// <remarks>Fields are ids, codes, dates and integers, so none ever needs quoting.</remarks>
internal sealed class CsvRow(TextWriter writer)
{
    private char[] buffer = new char[1024];
    private int length;
    private bool first = true;

    public void Text(string? value)
    {
        Separator();
        if (value is null) return;
        Ensure(value.Length);
        value.CopyTo(buffer.AsSpan(length));
        length += value.Length;
    }

    public void Empty() => Separator();

    /// <summary>A prefix and a zero-padded number (an id such as <c>T000012345</c>) without allocating a string.</summary>
    public void Id(string prefix, long number, int minDigits)
    {
        Separator();
        Ensure(prefix.Length + 20);
        prefix.CopyTo(buffer.AsSpan(length));
        length += prefix.Length;
        var format = minDigits switch { <= 1 => default, 6 => "D6", 7 => "D7", 8 => "D8", 9 => "D9", _ => "D" + minDigits };
        number.TryFormat(buffer.AsSpan(length), out var written, format, CultureInfo.InvariantCulture);
        length += written;
    }

    public void Number(long value)
    {
        Separator();
        Ensure(20);
        value.TryFormat(buffer.AsSpan(length), out var written, default, CultureInfo.InvariantCulture);
        length += written;
    }

    /// <summary>Missing when negative (the generator's marker for "stage not reached").</summary>
    public void NumberOrEmpty(long value)
    {
        if (value < 0) Empty();
        else Number(value);
    }

    /// <summary>ISO yyyy-MM-dd from a <see cref="DateOnly.DayNumber"/>.</summary>
    public void Date(int dayNumber)
    {
        Separator();
        Ensure(10);
        var d = DateOnly.FromDayNumber(dayNumber);
        var s = buffer.AsSpan(length, 10);
        Digits(s[..4], d.Year);
        s[4] = '-';
        Digits(s.Slice(5, 2), d.Month);
        s[7] = '-';
        Digits(s.Slice(8, 2), d.Day);
        length += 10;
    }

    public void End()
    {
        writer.Write(buffer, 0, length);
        writer.Write(writer.NewLine);
        length = 0;
        first = true;
    }

    private static void Digits(Span<char> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--, value /= 10)
            target[i] = (char)('0' + value % 10);
    }

    private void Separator()
    {
        if (!first)
        {
            Ensure(1);
            buffer[length++] = ',';
        }
        first = false;
    }

    private void Ensure(int extra)
    {
        if (length + extra > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + extra));
    }
}

/// <summary>Opens an export file the way a platform writes it: its encoding, BOM, line ending and compression.</summary>
internal static class ExportFile
{
    private const int BufferSize = 1 << 16;

    static ExportFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static StreamWriter Create(string path, PlatformProfile platform)
    {
        Stream stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        if (platform.Gzip) stream = new GZipStream(stream, CompressionLevel.Fastest);
        var encoding = platform.Encoding switch
        {
            ExportEncoding.Utf8WithBom => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            ExportEncoding.Cp932 => Encoding.GetEncoding(932),
            _ => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        // CP932 exports come from Windows tools, which end lines with CRLF.
        return new StreamWriter(stream, encoding, BufferSize) { NewLine = platform.Encoding == ExportEncoding.Cp932 ? "\r\n" : "\n" };
    }
}
