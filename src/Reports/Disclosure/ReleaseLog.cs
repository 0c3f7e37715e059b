using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MarketStats.Core.Storage;

namespace MarketStats.Reports.Disclosure;

/// <summary>A file handed over in a release, with its SHA-256 (hex, lower case) and size.</summary>
public sealed record ReleaseFile(string Path, string Sha256, long Bytes)
{
    /// <summary>Hashes a written file.</summary>
    public static ReleaseFile Of(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new ReleaseFile(System.IO.Path.GetFullPath(path), Convert.ToHexStringLower(hash), new FileInfo(path).Length);
    }
}

/// <summary>A cell withheld in a release: its key, true value and why (a primary reason or <see cref="Suppression.Complementary"/>).</summary>
public sealed record SuppressedValue(string Key, double Value, Suppression Reason);

/// <summary>
/// One release as the audit log keeps it: who received it, what they asked, the files, every published value, every
/// suppressed cell (with its true value) and every additivity relation of the release.
/// </summary>
/// <param name="Kind"><c>extract</c>, <c>benchmark</c> or <c>survey</c>.</param>
/// <param name="Recipient">Who may combine this release with their earlier ones, normalised by the caller (an extract:
/// the requester trimmed and case-folded; a benchmark: the member platform).</param>
public sealed record ReleaseRecord(string Kind, string Recipient, string Requester, string? Purpose, string? RequestSha256, string? Policy,
    DateTimeOffset CreatedAt, IReadOnlyList<ReleaseFile> Files, IReadOnlyList<PublishedValue> Published,
    IReadOnlyList<SuppressedValue> Suppressed, IReadOnlyList<AdditiveRelation> Relations)
{
    public static readonly IReadOnlyList<string> Kinds = ["extract", "benchmark", "survey"];
}

/// <summary>
/// What one recipient was given before: pass <see cref="Published"/> as the solver's <c>publishedBefore</c>, add
/// <see cref="Relations"/> to the release's relations, and add <see cref="CellsOutside"/> (the earlier withheld cells
/// the new release does not contain) to its cells, so that the attack audit covers every earlier release together with
/// the new one (cross-release differencing).
/// </summary>
/// <param name="Published">Every key ever published to the recipient, with the latest value published.</param>
/// <param name="Suppressed">Every key withheld from the recipient and never published to them, with its true value and
/// reason (the latest release's).</param>
/// <param name="Relations">Every additivity relation of those releases, once each.</param>
public sealed record EarlierReleases(IReadOnlyList<PublishedValue> Published, IReadOnlyList<SuppressedValue> Suppressed,
    IReadOnlyList<AdditiveRelation> Relations, int Releases)
{
    public static readonly EarlierReleases None = new([], [], [], 0);

    /// <summary>
    /// The earlier withheld cells that are not cells of the new release, as release cells: the attacker's unknowns in the
    /// earlier relations. A cell withheld for a primary reason keeps it (the audit must still protect it); one withheld
    /// as a complement is not confidential and enters as an ordinary cell (the solver may leave it "published", which only
    /// assumes the attacker knows more than they do).
    /// </summary>
    public IReadOnlyList<ReleaseCell> CellsOutside(IEnumerable<string> releaseKeys)
    {
        var keys = releaseKeys.ToHashSet(StringComparer.Ordinal);
        return [.. Suppressed.Where(s => !keys.Contains(s.Key))
            .Select(s => new ReleaseCell(s.Key, s.Value, s.Reason == Suppression.Complementary ? Suppression.None : s.Reason))];
    }
}

/// <summary>
/// The release audit log in the warehouse (schema: <c>Reports/Sql/release_log.sql</c>): one row per release to a
/// recipient and child rows for its files, published values, suppressed cells and relations. Every kind of release
/// that goes to one recipient (researchers' extracts, member benchmarks) records itself here after its files were
/// written and its attack audit passed, and reads the recipient's earlier releases before solving the next one.
/// </summary>
/// <example>
/// <code>
/// var earlier = ReleaseLog.Earlier(warehouse, recipient);
/// var cells = [.. myCells, .. earlier.CellsOutside(myCells.Select(c => c.Key))];
/// var status = ReleaseSuppression.Solve(cells, [.. myRelations, .. earlier.Relations], policy, earlier.Published);
/// // … write the files atomically …
/// ReleaseLog.Record(warehouse, new ReleaseRecord("benchmark", recipient, …));
/// </code>
/// </example>
public static class ReleaseLog
{
    /// <summary>Creates the log's tables when missing (idempotent).</summary>
    public static void EnsureSchema(Warehouse warehouse) => warehouse.Execute(SqlScripts.Read(typeof(ReleaseLog).Assembly, "release_log.sql"));

    /// <summary>A new release id: kind, UTC time and a random suffix (<c>extract-20261126T010203Z-1a2b3c4d</c>).</summary>
    public static string NewReleaseId(string kind, DateTimeOffset createdAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}-{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");

    /// <summary>Records one release in one transaction (all its rows, or none). Returns its release id
    /// (<paramref name="releaseId"/> when the caller chose it first, e.g. to name its files; else a new one).</summary>
    public static string Record(Warehouse warehouse, ReleaseRecord release, string? releaseId = null)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (!ReleaseRecord.Kinds.Contains(release.Kind)) throw new ArgumentException($"Unknown release kind '{release.Kind}'.", nameof(release));
        if (string.IsNullOrWhiteSpace(release.Recipient)) throw new ArgumentException("A release needs a recipient.", nameof(release));
        EnsureSchema(warehouse);
        var id = releaseId ?? NewReleaseId(release.Kind, release.CreatedAt);
        warehouse.Execute("begin transaction");
        try
        {
            warehouse.Execute("insert into release_log values ($1, $2, $3, $4, $5, $6, $7, $8)",
                id, release.Kind, release.Recipient, release.Requester, release.Purpose, release.RequestSha256, release.Policy, release.CreatedAt.UtcDateTime);
            Insert(warehouse, "release_log_files", release.Files.Select(f => $"({L(id)}, {L(f.Path)}, {L(f.Sha256)}, {N(f.Bytes)})"));
            Insert(warehouse, "release_log_published", release.Published.Select(p => $"({L(id)}, {L(p.Key)}, {N(p.Value)})"));
            Insert(warehouse, "release_log_suppressed", release.Suppressed.Select(s => $"({L(id)}, {L(s.Key)}, {N(s.Value)}, {L(s.Reason.ToString())})"));
            Insert(warehouse, "release_log_relations", release.Relations.Select((r, i) =>
                $"({L(id)}, {N(i)}, {L(r.Total)}, [{string.Join(", ", r.Members.Select(L))}]::varchar[])"));
            warehouse.Execute("commit");
        }
        catch
        {
            warehouse.Execute("rollback");
            throw;
        }
        return id;
    }

    /// <summary>Everything <paramref name="recipient"/> received before (nothing when the log does not exist yet).</summary>
    public static EarlierReleases Earlier(Warehouse warehouse, string recipient)
    {
        if (!warehouse.HasTable("release_log")) return EarlierReleases.None;
        var releases = (int)warehouse.Scalar<long>("select count(*) from release_log where recipient = $1", recipient);
        if (releases == 0) return EarlierReleases.None;

        var published = new List<PublishedValue>();
        using (var reader = warehouse.Query(
                   """
                   select p.key, arg_max(p.value, r.created_at) as value
                   from release_log_published as p join release_log as r using (release_id)
                   where r.recipient = $1
                   group by p.key order by p.key
                   """, recipient))
            while (reader.Read()) published.Add(new PublishedValue(reader.GetString(0), reader.GetDouble(1)));

        var suppressed = new List<SuppressedValue>();
        using (var reader = warehouse.Query(
                   """
                   select s.key, arg_max(s.value, r.created_at) as value, arg_max(s.reason, r.created_at) as reason
                   from release_log_suppressed as s join release_log as r using (release_id)
                   where r.recipient = $1
                     and s.key not in (select p.key from release_log_published as p join release_log as q using (release_id) where q.recipient = $1)
                   group by s.key order by s.key
                   """, recipient))
            while (reader.Read()) suppressed.Add(new SuppressedValue(reader.GetString(0), reader.GetDouble(1), Enum.Parse<Suppression>(reader.GetString(2))));

        var relations = new List<AdditiveRelation>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = warehouse.Query(
                   """
                   select release_id, relation_no, total, member
                   from (
                       select r.created_at, rel.release_id, rel.relation_no, rel.total, unnest(rel.members) as member
                       from release_log_relations as rel join release_log as r using (release_id)
                       where r.recipient = $1
                   )
                   order by created_at, release_id, relation_no
                   """, recipient))
        {
            (string, int)? current = null;
            string total = "";
            var members = new List<string>();
            void Flush()
            {
                if (current is null) return;
                var relation = new AdditiveRelation(total, [.. members]);
                if (seen.Add(total + "=" + string.Join('+', members.Order(StringComparer.Ordinal)))) relations.Add(relation);
                members.Clear();
            }
            while (reader.Read())
            {
                var id = (reader.GetString(0), reader.GetInt32(1));
                if (current != id)
                {
                    Flush();
                    current = id;
                    total = reader.GetString(2);
                }
                members.Add(reader.GetString(3));
            }
            Flush();
        }
        return new EarlierReleases(published, suppressed, relations, releases);
    }

    private static void Insert(Warehouse warehouse, string table, IEnumerable<string> rows)
    {
        foreach (var chunk in rows.Chunk(500))
            warehouse.Execute($"insert into {table} values\n{string.Join(",\n", chunk)}");
    }

    private static string L(string text) => SqlText.Literal(text);

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
