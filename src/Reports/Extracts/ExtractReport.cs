using System.Diagnostics;
using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Extracts;

/// <summary>What an extract wrote and logged.</summary>
/// <param name="ReleaseId">The audit log's id of this release (also the files' name).</param>
/// <param name="ExtractFile">The table (csv, xlsx or parquet).</param>
/// <param name="Files">Every file handed over (the table and, for csv and parquet, its notes).</param>
/// <param name="Cells">Table cells: rows × measures.</param>
/// <param name="SuppressedPrimary">Cells hidden in rows with a primary reason.</param>
/// <param name="SuppressedComplementary">Cells hidden as complements.</param>
/// <param name="EarlierReleases">Earlier releases to the same recipient the audit covered.</param>
public sealed record ExtractOutput(string ReleaseId, string ExtractFile, IReadOnlyList<string> Files, int Rows, int Cells,
    int SuppressedPrimary, int SuppressedComplementary, int EarlierReleases, double DisclosureSeconds);

/// <summary>
/// A researcher's extract, start to finish once the marts are current: codes checked against the data, one aggregate
/// query, the release solved and audited with the recipient's earlier releases, the files written atomically, and only
/// then the release recorded in the audit log. A release that fails writes nothing and logs nothing.
/// </summary>
public sealed class ExtractReport(TimeProvider clock)
{
    /// <summary>Rows an Excel sheet may hold (tests lower it).</summary>
    internal int ExcelMaxRows { get; init; } = ExtractWriter.ExcelMaxRows;

    public ExtractOutput Write(Warehouse warehouse, ExtractRequest request, string outDir)
    {
        request.CheckCodes(d => ExtractQuery.DataCodes(warehouse, d));
        var cube = ExtractQuery.Run(warehouse, request);
        var policy = DisclosurePolicy.Extract;
        var release = new ExtractRelease(request, cube, policy);
        // An xlsx that cannot hold the table is refused before the (costly) suppression and before anything is written.
        ExtractWriter.CheckFits(release.Rows.Count, request.Format, ExcelMaxRows);

        var disclosure = Stopwatch.StartNew();
        var earlier = ReleaseLog.Earlier(warehouse, request.Recipient);
        release.Solve(earlier);
        disclosure.Stop();

        var table = ExtractWriter.Table(request, release);

        var created = clock.GetUtcNow();
        var releaseId = ReleaseLog.NewReleaseId("extract", created);
        Directory.CreateDirectory(outDir);
        var extension = request.Format switch { ExtractFormat.Xlsx => ".xlsx", ExtractFormat.Parquet => ".parquet", _ => ".csv" };
        var path = Path.Combine(outDir, releaseId + extension);
        var notesPath = Path.Combine(outDir, releaseId + ".notes.txt");
        var counts = Count(release, request.Measures.Count);
        var notes = Notes(request, release, releaseId, created, earlier.Releases, counts);

        var written = new List<string>();
        try
        {
            switch (request.Format)
            {
                case ExtractFormat.Xlsx:
                    ExtractWriter.WriteXlsx(path, table, notes);
                    written.Add(path);
                    break;
                case ExtractFormat.Parquet:
                    ExtractWriter.WriteParquet(warehouse, path, table);
                    written.Add(path);
                    ExtractWriter.WriteNotes(notesPath, notes);
                    written.Add(notesPath);
                    break;
                default:
                    ExtractWriter.WriteCsv(path, table);
                    written.Add(path);
                    ExtractWriter.WriteNotes(notesPath, notes);
                    written.Add(notesPath);
                    break;
            }
            var (published, suppressed) = release.ForLog();
            ReleaseLog.Record(warehouse, new ReleaseRecord("extract", request.Recipient, request.Requester, request.Purpose, request.Sha256,
                release.PolicyText, created, [.. written.Select(ReleaseFile.Of)], published, suppressed, release.Relations), releaseId);
        }
        catch
        {
            // Not logged, so not handed over: a file the log does not know must not stay behind.
            foreach (var file in written)
                try { File.Delete(file); } catch (IOException) { /* the original error matters more */ }
            throw;
        }
        return new ExtractOutput(releaseId, path, written, release.Rows.Count, counts.Cells, counts.Primary, counts.Complementary,
            earlier.Releases, disclosure.Elapsed.TotalSeconds);
    }

    private sealed record Counts(int Cells, int Primary, int Complementary, IReadOnlyDictionary<Suppression, int> RowsByReason);

    private static Counts Count(ExtractRelease release, int measures)
    {
        var byReason = release.Rows.Where(r => !r.Published).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        var primaryRows = release.Rows.Count(r => r.Status is not (Suppression.None or Suppression.Complementary));
        var complementRows = release.Rows.Count(r => r.Status == Suppression.Complementary);
        return new Counts(release.Rows.Count * measures, primaryRows * measures, complementRows * measures, byReason);
    }

    private static IReadOnlyList<(string, string)> Notes(ExtractRequest request, ExtractRelease release, string releaseId, DateTimeOffset created,
        int earlierReleases, Counts counts)
    {
        var p = DisclosurePolicy.Extract;
        string Reason(Suppression s) => s switch
        {
            Suppression.FewPersons => string.Create(CultureInfo.InvariantCulture, $"fewer than {p.MinPersons} persons (人数が{p.MinPersons}未満)"),
            Suppression.FewPlatforms => string.Create(CultureInfo.InvariantCulture, $"fewer than {p.MinPlatforms} platforms (プラットフォームが{p.MinPlatforms}未満)"),
            Suppression.DominantPlatform => string.Create(CultureInfo.InvariantCulture, $"the {p.DominanceTopPlatforms} largest platforms hold more than {p.DominanceMaxShareText} (上位{p.DominanceTopPlatforms}社で{p.DominanceMaxShareText}超)"),
            _ => "complementary: would let a suppressed cell be recomputed, in this or an earlier release to the requester (二次秘匿)",
        };
        var notes = new List<(string, string)>
        {
            ("release_id", releaseId),
            ("requester", request.Requester),
            ("purpose", request.Purpose),
            ("created_at_utc", created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            ("request", request.Describe()),
            ("request_sha256", request.Sha256),
            ("policy", release.PolicyText),
            ("legend", $"{ExtractWriter.SuppressedMark} = suppressed (秘匿: publishing it could single out a person or a platform); {ExtractWriter.MarginCode} = total over the dimension (計)"),
        };
        foreach (var m in request.Measures) notes.Add(("measure " + m.Name, m.Description));
        foreach (var d in request.Dimensions)
            if (ExtractCatalogue.Aliases.Any(a => a.Value == d.Name)) notes.Add(("dimension " + d.Name, "the worker's side (request names 'prefecture' and 'region' mean this side)"));
        notes.Add(("rows", release.Rows.Count.ToString(CultureInfo.InvariantCulture)));
        notes.Add(("cells", counts.Cells.ToString(CultureInfo.InvariantCulture)));
        foreach (var s in new[] { Suppression.FewPersons, Suppression.FewPlatforms, Suppression.DominantPlatform, Suppression.Complementary })
            notes.Add(("suppressed rows: " + s, string.Create(CultureInfo.InvariantCulture, $"{counts.RowsByReason.GetValueOrDefault(s)} — {Reason(s)}")));
        notes.Add(("earlier releases audited", string.Create(CultureInfo.InvariantCulture,
            $"{earlierReleases} earlier release(s) to the same requester were audited with this one (no suppressed figure can be recomputed from all of them together)")));
        notes.Add(("note", "All measures of a row are suppressed together. Contributor counts (persons, platforms) are not published."));
        return notes;
    }
}
