using System.Data.Common;
using DuckDB.NET.Data;
using MarketStats.Core.Storage;

namespace MarketStats.Linkage.Baseline;

/// <summary>What one linkage run found.</summary>
internal sealed record LinkageSummary(long Accounts, long Links, long Persons, long WorkerPersons, long ClientPersons);

/// <summary>The linkage benchmark's baseline, never the pipeline's linker (that is <see cref="PersonLinker"/>): links accounts
/// registered on several platforms only when they share an exact keyed hash (e-mail, phone or corporate number).</summary>
/// <remarks>
/// Workers and clients are linked separately: the same e-mail on a worker and a client account is one human acting in
/// two roles, and the survey counts persons and organisations apart. Accounts sharing any keyed hash are merged by
/// union-find (transitively); no fuzzy linkage on Bloom-filter encodings.
/// Writes <c>int_account_links</c> (the audit trail: which rule joined which two accounts) and
/// <c>int_account_persons</c> (one row per account with its person id).
/// </remarks>
internal sealed class ExactLinker(Warehouse warehouse)
{
    public static readonly string[] KeyedHashColumns = ["email_hmac", "phone_hmac", "corporate_number_hmac"];

    public LinkageSummary Link()
    {
        LinkageTables.EnsureSchema(warehouse);
        var accounts = new List<(string Platform, string Account, string Kind)>();
        var index = new Dictionary<(string, string, string), int>();
        using (var reader = warehouse.Query(
                   "select platform_id, account_id, kind from stg_registrations order by kind, platform_id, account_id"))
        {
            while (reader.Read())
            {
                var key = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                index[key] = accounts.Count;
                accounts.Add(key);
            }
        }

        var sets = new DisjointSets(accounts.Count);
        var links = new List<(int A, int B, string Rule)>();
        foreach (var column in KeyedHashColumns)
        {
            // Star edges: every account sharing a hash links to the first one of its group (enough for connectivity).
            using var reader = warehouse.Query(
                $"select kind, platform_id, account_id, {column}, " +
                $"first_value(platform_id || chr(31) || account_id) over (partition by kind, {column} order by platform_id, account_id) as anchor " +
                $"from stg_registrations where {column} is not null order by kind, {column}, platform_id, account_id");
            while (reader.Read())
            {
                var kind = reader.GetString(0);
                var self = index[(reader.GetString(1), reader.GetString(2), kind)];
                var anchorParts = reader.GetString(4).Split('\u001f');
                var anchor = index[(anchorParts[0], anchorParts[1], kind)];
                if (anchor == self) continue;
                links.Add((anchor, self, "exact:" + column));
                sets.Union(anchor, self);
            }
        }

        // Person ids follow the sorted order of each cluster's first account, so a re-run over the same data is identical.
        var personOfRoot = new Dictionary<int, long>();
        var personIds = new long[accounts.Count];
        for (var i = 0; i < accounts.Count; i++)
        {
            var root = sets.Find(i);
            if (!personOfRoot.TryGetValue(root, out var person))
                personOfRoot[root] = person = personOfRoot.Count + 1;
            personIds[i] = person;
        }

        using var transaction = warehouse.Connection.BeginTransaction();
        warehouse.Execute("delete from int_account_persons; delete from int_account_links;");
        using (var appender = warehouse.Connection.CreateAppender("int_account_persons"))
        {
            for (var i = 0; i < accounts.Count; i++)
            {
                var row = appender.CreateRow();
                row.AppendValue(accounts[i].Platform).AppendValue(accounts[i].Account).AppendValue(accounts[i].Kind).AppendValue(personIds[i]).EndRow();
            }
        }
        using (var appender = warehouse.Connection.CreateAppender("int_account_links"))
        {
            foreach (var (a, b, rule) in links)
            {
                var row = appender.CreateRow();
                row.AppendValue(accounts[a].Kind).AppendValue(accounts[a].Platform).AppendValue(accounts[a].Account)
                   .AppendValue(accounts[b].Platform).AppendValue(accounts[b].Account).AppendValue(rule).AppendValue(1.0).EndRow();
            }
        }
        transaction.Commit();

        var workers = personIds.Where((_, i) => accounts[i].Kind == "worker").Distinct().LongCount();
        return new LinkageSummary(accounts.Count, links.Count, personOfRoot.Count, workers, personOfRoot.Count - workers);
    }
}
