using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MarketStats.Core.Storage;
using MarketStats.Tests.Support;

namespace MarketStats.Tests.HostileInput;

/// <summary>
/// Valid exports mutated at random (truncated, bytes flipped, a column dropped, another encoding, gzipped, CRLF) go
/// through <c>marketstats ingest</c> in-process. Whatever the bytes: exit 0 or 1, never a crash; the database opens;
/// each loaded file's rows equal its manifest count; nothing outside the inbox, the database's folder, the quarantine
/// and the output folder is written, and bystander files beside the inbox are not even read (their access times).
/// Run as its own process, with its current directory, TMPDIR and a sentinel folder beside the inbox each an empty
/// folder of the test's, it leaves all three as they were: every file and folder the run creates is under the inbox,
/// the database's folder, the quarantine or the output folder.
/// </summary>
public sealed class HostileIngestProperties
{
    private static readonly string[] Mutations = ["truncate", "flip", "drop-column", "utf-16", "latin-1", "cp932", "gzip", "gzip-truncate", "crlf", "none"];

    [Fact]
    public void Any_mutated_delivery_is_loaded_or_refused_and_nothing_else_is_touched() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(30),
            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => Run(seed, asProcess: false).Label($"seed {seed}")));

    /// <summary>Fewer cases: each starts a process.</summary>
    [Fact]
    public void Run_as_a_process_a_mutated_delivery_leaves_its_current_directory_and_tmpdir_untouched() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5),
            Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => Run(seed, asProcess: true).Label($"seed {seed}")));

    private static bool Run(int seed, bool asProcess)
    {
        var random = new Random(seed);
        using var temp = new TempFolder();
        // The process's own current directory, TMPDIR and a sentinel beside the inbox: empty, and must stay so.
        foreach (var empty in new[] { "cwd", "tmp", "sentinel" }) Directory.CreateDirectory(temp[empty]);
        // Bystanders: files that must come through the run untouched.
        Directory.CreateDirectory(temp["elsewhere"]);
        File.WriteAllText(temp["elsewhere/keep.txt"], "not for ingest");
        File.WriteAllText(temp["beside-inbox.csv"], ExportFile.Transactions(platform: "P09").ToCsv());
        var files = random.Next(1, 4);
        for (var f = 0; f < files; f++)
        {
            var platform = $"P0{f + 1}";
            var export = random.Next(2) == 0
                ? ExportFile.Transactions(rows: random.Next(1, 12), platform: platform)
                : ExportFile.Registrations(rows: random.Next(1, 12), platform: platform);
            if (random.Next(3) == 0) export.Set(0, export.Columns[random.Next(export.Columns.Count)], "Léa é ü =1+1");
            var mutation = Mutations[random.Next(Mutations.Length)];
            if (mutation == "drop-column") export.DropColumn(export.Columns[random.Next(export.Columns.Count)]);
            var path = Path.Combine(temp["inbox"], platform, $"export-{f}.csv" + (mutation.StartsWith("gzip", StringComparison.Ordinal) ? ".gz" : ""));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Mutate(export.ToCsv(), mutation, random));
        }
        var before = Snapshot(temp.Path);
        // Reads leave no content change: bystanders get an access time days in the past, which any read moves forward
        // (relatime updates an access time older than a day), when this file system records reads at all.
        string[] bystanders = ["elsewhere/keep.txt", "beside-inbox.csv"];
        var longAgo = DateTime.UtcNow.AddDays(-3);
        foreach (var b in bystanders) File.SetLastAccessTimeUtc(temp[b], longAgo);

        string[] args = ["ingest", "--inbox", temp["inbox"], "--db", temp["db/w.duckdb"], "--quarantine", temp["quarantine"]];
        var (code, _, error) = asProcess ? RunProcess(temp, args) : CliRunner.Run(args).GetAwaiter().GetResult();

        Assert.True(code is 0 or 1, $"seed {seed}: exit {code}: {error}");
        Assert.DoesNotContain("unexpected", error, StringComparison.Ordinal);
        using (var warehouse = Warehouse.OpenReadOnly(temp["db/w.duckdb"]))
        {
            var mismatched = warehouse.Scalar<long>(
                """
                select count(*) from ingest_files f
                where superseded_by is null and row_count <> (
                    select count(*) from raw_transactions t where t.file_id = f.file_id) + (
                    select count(*) from raw_registrations r where r.file_id = f.file_id)
                """);
            Assert.Equal(0L, mismatched);
        }
        var read = bystanders.Where(b => File.GetLastAccessTimeUtc(temp[b]) > longAgo.AddMinutes(1)).ToList();
        Assert.True(!ReadsAreRecorded.Value || read.Count == 0, $"seed {seed}: read outside the inbox: {string.Join(", ", read)}");
        var after = Snapshot(temp.Path);
        string[] allowed = ["inbox", "db", "quarantine", "out"];
        var changed = before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Where(k => !allowed.Contains(k.Split('/')[0]))
            .ToList();
        Assert.True(changed.Count == 0, $"seed {seed}: written outside inbox, db, quarantine, out: {string.Join(", ", changed)}");
        return true;
    }

    /// <summary>Whether this machine's temporary folder records reads in access times (not mounted noatime): a file with
    /// an old access time, read once, shows a new one.</summary>
    private static readonly Lazy<bool> ReadsAreRecorded = new(() =>
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["probe.txt"], "probe");
        var longAgo = DateTime.UtcNow.AddDays(-3);
        File.SetLastAccessTimeUtc(temp["probe.txt"], longAgo);
        _ = File.ReadAllText(temp["probe.txt"]);
        return File.GetLastAccessTimeUtc(temp["probe.txt"]) > longAgo.AddMinutes(1);
    });

    /// <summary>marketstats as a child with its current directory and TMPDIR in the test's folder (the runtime's
    /// diagnostics socket, which it would open in TMPDIR, switched off: it is .NET's, not the program's).</summary>
    private static (int Code, string Output, string Error) RunProcess(TempFolder temp, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = temp["cwd"],
        };
        info.Environment["TMPDIR"] = temp["tmp"];
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.ArgumentList.Add(CliProcess.Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var child = Process.Start(info)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException("marketstats ingest ran for over 120 s");
        }
        return (child.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static byte[] Mutate(string csv, string mutation, Random random)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var utf8 = new UTF8Encoding(false).GetBytes(csv);
        switch (mutation)
        {
            case "truncate": return utf8[..random.Next(utf8.Length)];
            case "flip":
                for (var i = random.Next(1, 6); i > 0; i--) utf8[random.Next(utf8.Length)] ^= (byte)random.Next(1, 256);
                return utf8;
            case "utf-16": return [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(csv)];
            case "latin-1": return Encoding.Latin1.GetBytes(csv);
            case "cp932": return Encoding.GetEncoding(932).GetBytes(csv);
            case "crlf": return new UTF8Encoding(false).GetBytes(csv.Replace("\n", "\r\n", StringComparison.Ordinal));
            case "gzip":
            case "gzip-truncate":
                using (var buffer = new MemoryStream())
                {
                    using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(utf8);
                    var bytes = buffer.ToArray();
                    return mutation == "gzip" ? bytes : bytes[..random.Next(bytes.Length)];
                }
            default: return utf8;
        }
    }

    /// <summary>Every file under the root (relative path with '/') and a hash of its bytes, and every folder.</summary>
    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => (f, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))))
            .Concat(Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Select(d => (d, "folder")))
            .ToDictionary(e => Path.GetRelativePath(root, e.Item1).Replace('\\', '/'), e => e.Item2);
}
