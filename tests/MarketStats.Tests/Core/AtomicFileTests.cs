using MarketStats.Core.IO;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.Core;

/// <summary>A published file is replaced whole or not at all.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    private static readonly byte[] Previous = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251))];

    [Fact]
    public void A_writer_that_dies_after_partial_output_leaves_the_previous_file_and_no_temporary()
    {
        var target = temp["survey-FY2024.xlsx"];
        File.WriteAllBytes(target, Previous);
        string? temporary = null;

        var thrown = Assert.Throws<IOException>(() => AtomicFile.Write(target, path =>
        {
            temporary = path;
            using (var partial = File.Create(path))
                partial.Write(new byte[4096]); // half a workbook on disk, then the writer fails
            throw new IOException("disk full");
        }));

        Assert.Equal("disk full", thrown.Message);
        Assert.Equal(Previous, File.ReadAllBytes(target));
        Assert.NotNull(temporary);
        Assert.Equal(temp.Path, Path.GetDirectoryName(temporary)); // same folder: the rename cannot cross file systems
        Assert.Equal([target], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void An_existing_file_is_replaced_by_a_rename_not_rewritten_in_place()
    {
        var target = temp["market-size-paid.png"];
        File.WriteAllBytes(target, Previous);
        byte[] next = [1, 2, 3, 4, 5];

        // A reader that opened the old file before the write keeps reading all of it: the new file is another inode,
        // whereas writing in place would truncate under the reader (what left 0-byte workbooks after kill -9).
        using var reader = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        AtomicFile.Write(target, path =>
        {
            Assert.NotEqual(target, path);
            Assert.Equal(Previous, File.ReadAllBytes(target)); // untouched while the new one is written
            File.WriteAllBytes(path, next);
        });

        using var old = new MemoryStream();
        reader.CopyTo(old);
        Assert.Equal(Previous, old.ToArray());
        Assert.Equal(next, File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_new_file_is_created_and_the_stream_overload_writes_the_same_way()
    {
        var target = temp["clusters.csv"];
        AtomicFile.Write(target, (Stream stream) => stream.Write("a,b\n"u8));
        Assert.Equal("a,b\n", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void The_temporary_name_is_hidden_unique_and_keeps_the_extension()
    {
        var first = AtomicFile.TemporaryPathFor("/data/out/survey-FY2024.xlsx");
        var second = AtomicFile.TemporaryPathFor("/data/out/survey-FY2024.xlsx");
        Assert.NotEqual(first, second);
        Assert.Equal("/data/out", Path.GetDirectoryName(first));
        Assert.StartsWith(".survey-FY2024.", Path.GetFileName(first), StringComparison.Ordinal); // ingest and pulls skip hidden files
        Assert.EndsWith(".tmp.xlsx", first, StringComparison.Ordinal);                          // ClosedXML picks the format by extension
    }
}
