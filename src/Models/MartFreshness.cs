using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>
/// Whether a group of marts already reflects the warehouse's inputs, so a report can skip rebuilding them; and, when
/// it does not, whether transaction files were only added since the last build (see <see cref="MartPartitions"/>).
/// </summary>
/// <remarks>
/// The fingerprint covers everything the marts are derived from: the landed rows (counts), the manifest (a new or
/// corrected export changes it), the linker's output (a hash over every mapping), the reference data and the SQL of
/// every model of the group. Rebuilding 10 million lines takes many times longer than reading the marts; an unchanged
/// warehouse should not pay for it on every report. Each group keeps its own fingerprint, and beside it the same
/// inputs without the transactions, with the transaction files it was built from.
/// </remarks>
public static class MartFreshness
{
    private const string Table = "mart_build_fingerprints";

    /// <summary>Session 1 kept one fingerprint for all marts; a database written then still has its table.</summary>
    private const string FormerTable = "mart_build_fingerprint";

    /// <summary>
    /// What the fingerprints read from the warehouse: the landed rows' counts, the manifest and a hash over the linker's
    /// output. Read once per build and passed to each group's checks: a build changes none of it, and the hash reads
    /// every account (at 10M transactions it cost about a second each time, several times per group).
    /// </summary>
    public sealed record LandedInputs(string Transactions, string BesideTransactions);

    public static LandedInputs ReadLandedInputs(Warehouse warehouse) => new(
        Values(warehouse,
            """
            select (select count(*) from raw_transactions),
                   (select coalesce(max(file_id), 0) from ingest_files),
                   (select count(*) from ingest_files where superseded_by is null)
            """),
        Values(warehouse,
            """
            select (select count(*) from raw_registrations),
                   (select coalesce(string_agg(file_id::varchar, ',' order by file_id), '') from ingest_files
                    where record_kind = 'registrations' and superseded_by is null),
                   (select count(*) from int_account_persons),
                   (select coalesce(sum(hash(platform_id, account_id, kind, person_id)), 0) from int_account_persons)
            """));

    public static string Fingerprint(LandedInputs landed, MartGroup group) =>
        Hash(landed.Transactions + InputsBesideTransactions(landed, group));

    public static bool IsCurrent(Warehouse warehouse, MartGroup group, string fingerprint) =>
        warehouse.HasTable(Table)
        && warehouse.Scalar<string>($"select fingerprint from {Table} where mart_group = $1", group.Name) == fingerprint;

    /// <param name="partitions">The fiscal years refreshed, or null when every model was rebuilt whole.</param>
    public static void Record(Warehouse warehouse, MartGroup group, string fingerprint, LandedInputs landed, IReadOnlyList<int>? partitions = null)
    {
        warehouse.Execute($"drop table if exists {FormerTable}");
        warehouse.Execute($"""
            create table if not exists {Table} (mart_group varchar primary key, fingerprint varchar not null);
            alter table {Table} add column if not exists inputs_beside_transactions varchar;
            alter table {Table} add column if not exists files_through integer;
            alter table {Table} add column if not exists transaction_files bigint;
            alter table {Table} add column if not exists refreshed_fiscal_years varchar;
            """);
        warehouse.Execute(
            $"""
             insert or replace into {Table}
             select $1, $2, $3, (select coalesce(max(file_id), 0) from ingest_files),
                    (select count(*) from ingest_files where record_kind = 'transactions' and superseded_by is null), $4
             """,
            group.Name, fingerprint, InputsBesideTransactions(landed, group),
            partitions is null ? null : string.Join(",", partitions.Select(y => y.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// The transaction files loaded since <paramref name="group"/> was last built, when nothing else changed: no
    /// registrations, persons, models or reference data, and no transaction file of that build superseded (its rows
    /// gone). Null when anything else changed, or nothing was added.
    /// </summary>
    public static IReadOnlyList<int>? TransactionFilesAdded(Warehouse warehouse, MartGroup group, LandedInputs landed)
    {
        // a table written before session 20 lacks the columns (Record adds them): rebuild whole, as then
        if (!warehouse.HasColumn(Table, "transaction_files")) return null;
        string? inputs;
        int filesThrough;
        long transactionFiles;
        using (var reader = warehouse.Query(
                   $"select inputs_beside_transactions, files_through, transaction_files from {Table} where mart_group = $1", group.Name))
        {
            if (!reader.Read() || reader.IsDBNull(0) || reader.IsDBNull(1) || reader.IsDBNull(2)) return null;
            (inputs, filesThrough, transactionFiles) = (reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2));
        }
        if (inputs != InputsBesideTransactions(landed, group)) return null;
        var stillCurrent = warehouse.Scalar<long>(
            "select count(*) from ingest_files where record_kind = 'transactions' and superseded_by is null and file_id <= $1", filesThrough);
        if (stillCurrent != transactionFiles) return null;
        var added = new List<int>();
        using (var reader = warehouse.Query(
                   "select file_id from ingest_files where record_kind = 'transactions' and superseded_by is null and file_id > $1 order by file_id", filesThrough))
            while (reader.Read()) added.Add(reader.GetInt32(0));
        return added.Count > 0 ? added : null;
    }

    /// <summary>The group's models and everything they read except the transactions.</summary>
    private static string InputsBesideTransactions(LandedInputs landed, MartGroup group)
    {
        var inputs = new StringBuilder(group.Name).Append('|');
        inputs.Append(landed.BesideTransactions);
        inputs.Append(Staging.Macros);
        foreach (var model in Staging.Models.Concat(group.Models)) inputs.Append(model.Name).Append(model.Sql);
        foreach (var p in Prefecture.All) inputs.Append(p.ToString());
        return Hash(inputs.ToString());
    }

    private static string Values(Warehouse warehouse, string sql)
    {
        var values = new StringBuilder();
        using var reader = warehouse.Query(sql);
        reader.Read();
        for (var i = 0; i < reader.FieldCount; i++)
            values.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
        return values.ToString();
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
