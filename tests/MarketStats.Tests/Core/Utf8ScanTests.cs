using System.Text;
using MarketStats.Core.Text;

namespace MarketStats.Tests.Core;

public sealed class Utf8ScanTests
{
    private static Utf8ScanResult Scan(byte[] bytes) => Utf8Scan.Of(new MemoryStream(bytes));

    [Fact]
    public void Japanese_utf8_with_and_without_bom_is_utf8()
    {
        var text = Encoding.UTF8.GetBytes("platform_id,prefecture\nP01,東京都\n");
        Assert.Equal(new Utf8ScanResult(true, false, 0), Scan(text));
        Assert.Equal(new Utf8ScanResult(true, true, 0), Scan([0xEF, 0xBB, 0xBF, .. text]));
    }

    [Fact]
    public void Cp932_is_not_utf8_and_the_first_bad_line_is_named()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(932).GetBytes("a,b\nP01,x\nP02,東京都\n");
        Assert.Equal(new Utf8ScanResult(false, false, 3), Scan(bytes));
    }

    [Fact]
    public void A_sequence_cut_off_at_the_end_of_a_file_of_exactly_one_buffer_is_caught()
    {
        // 1 MiB of ASCII whose last byte opens a three-byte sequence that never ends.
        var bytes = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
        bytes[^1] = 0xE6;
        Assert.False(Scan(bytes).IsUtf8);
        bytes[^1] = (byte)'\n';
        Assert.True(Scan(bytes).IsUtf8);
    }

    [Fact]
    public void A_character_split_between_two_reads_is_still_utf8()
    {
        // 東 is three bytes; put it across the 1 MiB read boundary, in a file long enough for a second read.
        var bytes = Enumerable.Repeat((byte)'a', (1 << 20) + 100).ToArray();
        Encoding.UTF8.GetBytes("東").CopyTo(bytes, (1 << 20) - 1);
        Assert.Equal(new Utf8ScanResult(true, false, 0), Scan(bytes));
    }
}
