using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MarketStats.Core.Storage;

namespace MarketStats.Linkage;

/// <summary>
/// Whether the persons in <c>int_account_persons</c> already come from the current registrations, linker and settings,
/// so that a refresh after a transactions file can skip re-linking every account.
/// </summary>
/// <remarks>
/// The linker reads registrations only (<c>int_link_accounts</c> over <c>stg_registrations</c>): a transactions file
/// changes no person. The fingerprint covers the current registration files (files are immutable once loaded; a
/// corrected re-export is a new file and supersedes the old one), the linker's build (its code and SQL: the
/// assembly's content-derived module id), the settings, and what the last link wrote (so a table written by another
/// linker, such as the exact-only baseline, is not mistaken for this one's).
/// </remarks>
public static class LinkageFreshness
{
    private const string Table = "linkage_fingerprint";

    private static readonly JsonSerializerOptions SettingsJson = new() { IncludeFields = true };

    public static bool IsCurrent(Warehouse warehouse, LinkageSettings settings) =>
        warehouse.HasTable(Table)
        && warehouse.Scalar<string>($"select fingerprint from {Table}") == Fingerprint(warehouse, settings);

    /// <summary>Called by the linker once its output is written and tested.</summary>
    internal static void Record(Warehouse warehouse, LinkageSettings settings)
    {
        var fingerprint = Fingerprint(warehouse, settings);
        warehouse.Execute($"create or replace table {Table} (fingerprint varchar not null)");
        warehouse.Execute($"insert into {Table} values ($1)", fingerprint);
    }

    private static string Fingerprint(Warehouse warehouse, LinkageSettings settings)
    {
        var inputs = new StringBuilder();
        using (var reader = warehouse.Query(
            """
            select (select coalesce(string_agg(file_id::varchar, ',' order by file_id), '') from ingest_files
                    where record_kind = 'registrations' and superseded_by is null),
                   (select count(*) from raw_registrations),
                   (select count(*) from int_account_persons),
                   (select coalesce(sum(hash(platform_id, account_id, kind, person_id)), 0) from int_account_persons)
            """))
        {
            reader.Read();
            for (var i = 0; i < reader.FieldCount; i++)
                inputs.Append(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
        }
        inputs.Append(typeof(PersonLinker).Assembly.ManifestModule.ModuleVersionId).Append('|');
        inputs.Append(JsonSerializer.Serialize(settings, SettingsJson));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputs.ToString())));
    }
}
