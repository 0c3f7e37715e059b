using System.Globalization;

namespace MarketStats.Core.Domain;

/// <summary>One of Japan's 47 prefectures (JIS X 0401), with its region and 2020 census population.</summary>
public sealed record Prefecture(string Code, string NameJa, string NameEn, string RegionJa, string RegionEn, long Population2020)
{
    private static readonly Lazy<IReadOnlyList<Prefecture>> AllInstance = new(Load);

    /// <summary>All 47, in JIS order; read from <c>data/prefectures.csv</c> (embedded at build time).</summary>
    public static IReadOnlyList<Prefecture> All => AllInstance.Value;

    /// <summary>The region this prefecture belongs to (its code, R1 … R9, is made in <see cref="Domain.Region"/>).</summary>
    public Region Region => Region.Of(this);

    public static Prefecture ByCode(string code) => All.First(p => p.Code == code);

    public static bool IsCode(string? code) => code is { Length: 2 } && All.Any(p => p.Code == code);

    private static IReadOnlyList<Prefecture> Load()
    {
        using var stream = typeof(Prefecture).Assembly.GetManifestResourceStream("prefectures.csv")
                           ?? throw new InvalidOperationException("prefectures.csv is not embedded.");
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine();
        if (header != "code,name_ja,name_en,region_ja,region_en,population_2020")
            throw new InvalidDataException($"prefectures.csv has an unexpected header: {header}");
        var list = new List<Prefecture>(47);
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var f = line.Split(',');
            list.Add(new Prefecture(f[0], f[1], f[2], f[3], f[4], long.Parse(f[5], CultureInfo.InvariantCulture)));
        }
        return list;
    }
}
