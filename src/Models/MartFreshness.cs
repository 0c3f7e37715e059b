using System.Security.Cryptography;
using System.Text;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>
/// Whether a group of marts already reflects the warehouse's inputs, so a report can skip rebuilding them.
/// </summary>
/// <remarks>
/// The fingerprint covers everything the marts are derived from: the landed rows (counts), the manifest (a new or
/// corrected export changes it), the linker's output (a hash over every mapping), the reference data and the SQL of
/// every model of the group. Rebuilding 10 million lines takes many times longer than reading the marts; an unchanged
/// warehouse should not pay for it on every report. Each group keeps its own fingerprint.
/// </remarks>
public static class MartFreshness
{
    private const string Table = "mart_build_fingerprints";

    /// <summary>Session 1 kept one fingerprint for all marts; a database written then still has its table.</summary>
    private const string FormerTable = "mart_build_fingerprint";

    public static string Fingerprint(Warehouse warehouse, MartGroup group)
    {
        var inputs = new StringBuilder(group.Name).Append('|');
        using (var reader = warehouse.Query(
            """
            select (select count(*) from raw_transactions),
                   (select count(*) from raw_registrations),
                   (select coalesce(max(file_id), 0) from ingest_files),
                   (select count(*) from ingest_files where superseded_by is null),
                   (select count(*) from int_account_persons),
                   (select coalesce(sum(hash(platform_id, account_id, kind, person_id)), 0) from int_account_persons)
            """))
        {
            reader.Read();
            for (var i = 0; i < reader.FieldCount; i++)
                inputs.Append(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
        }
        inputs.Append(Staging.Macros);
        foreach (var model in Staging.Models.Concat(group.Models)) inputs.Append(model.Name).Append(model.Sql);
        foreach (var p in Prefecture.All) inputs.Append(p.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputs.ToString())));
    }

    public static bool IsCurrent(Warehouse warehouse, MartGroup group, string fingerprint) =>
        warehouse.Scalar<long>("select count(*) from information_schema.tables where table_name = $1", Table) > 0
        && warehouse.Scalar<string>($"select fingerprint from {Table} where mart_group = $1", group.Name) == fingerprint;

    public static void Record(Warehouse warehouse, MartGroup group, string fingerprint)
    {
        warehouse.Execute($"drop table if exists {FormerTable}");
        warehouse.Execute($"create table if not exists {Table} (mart_group varchar primary key, fingerprint varchar not null)");
        warehouse.Execute($"insert or replace into {Table} values ($1, $2)", group.Name, fingerprint);
    }
}
