using System.Globalization;

using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.Storage;

namespace MarketStats.Models;

/// <summary>
/// The reference tables models join (dbt would call them seeds), written from the one source C# also reads: the
/// export contract's code lists and <c>data/prefectures.csv</c> (through <see cref="Prefecture"/> and <see cref="Region"/>).
/// </summary>
public static class ReferenceTables
{
    public static readonly DataTest[] Tests =
    [
        DataTest.Unique("ref_codes", "list, code"),
        DataTest.Unique("ref_prefectures", "code"),
        DataTest.Unique("ref_regions", "code"),
        DataTest.Holds("(select count(*) as n, sum(population_2020) as total from ref_prefectures)", "n = 47 and total = 126146099"),
    ];

    /// <summary>Writes <c>ref_codes</c> (list, code, ordinal in the contract's order), <c>ref_regions</c> and <c>ref_prefectures</c>.</summary>
    public static void Load(Warehouse warehouse)
    {
        Replace(warehouse, "ref_codes (list varchar, code varchar, ordinal integer, primary key (list, code))",
            ExportContract.V1.CodeLists.SelectMany(list => list.Value.Select((code, i) => Row(list.Key, code, i))));
        Replace(warehouse, "ref_regions (code varchar primary key, name_ja varchar, name_en varchar, ordinal integer)",
            Region.All.Select(r => Row(r.Code, r.NameJa, r.NameEn, r.Ordinal)));
        Replace(warehouse,
            "ref_prefectures (code varchar primary key, name_ja varchar, name_en varchar, region_code varchar, region_ja varchar, region_en varchar, population_2020 bigint)",
            Prefecture.All.Select(p => Row(p.Code, p.NameJa, p.NameEn, p.Region.Code, p.RegionJa, p.RegionEn, p.Population2020)));
        new SqlModelRunner(warehouse).Run([], Tests);
    }

    private static void Replace(Warehouse warehouse, string definition, IEnumerable<string> rows)
    {
        var name = definition[..definition.IndexOf(' ', StringComparison.Ordinal)];
        warehouse.Execute($"create or replace table {definition};\ninsert into {name} values\n{string.Join(",\n", rows)}");
    }

    private static string Row(params object[] values) =>
        "(" + string.Join(", ", values.Select(v => v is string s ? SqlText.Literal(s) : Convert.ToString(v, CultureInfo.InvariantCulture))) + ")";
}
