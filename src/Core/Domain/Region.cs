namespace MarketStats.Core.Domain;

/// <summary>
/// One of the nine regions prefectures are grouped into (the grouping <c>data/prefectures.csv</c> gives), coded R1 … R9
/// in the order the regions first appear in JIS prefecture order (R1 Hokkaido … R9 Okinawa). The one place the codes
/// are made: the reference table <c>ref_regions</c>, the survey's flow matrix and its labels all read them from here.
/// </summary>
public sealed record Region(string Code, string NameJa, string NameEn, int Ordinal)
{
    private static readonly Lazy<IReadOnlyList<Region>> AllInstance = new(() =>
        [.. Prefecture.All.Select(p => (p.RegionJa, p.RegionEn)).Distinct()
            .Select((r, i) => new Region(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"R{i + 1}"), r.RegionJa, r.RegionEn, i))]);

    /// <summary>All nine, in order.</summary>
    public static IReadOnlyList<Region> All => AllInstance.Value;

    /// <summary>The region of <paramref name="code"/>, or null when it is not a region code.</summary>
    public static Region? ByCode(string? code) => All.FirstOrDefault(r => r.Code == code);

    internal static Region Of(Prefecture prefecture) => All.First(r => r.NameEn == prefecture.RegionEn);
}
