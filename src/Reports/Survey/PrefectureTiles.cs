namespace MarketStats.Reports.Survey;

/// <summary>
/// The tile-grid map of Japan: one square per prefecture, placed so neighbours stay roughly neighbours
/// (Hokkaido top right, Okinawa bottom left). The one definition the tile map chart and its tests read.
/// </summary>
public static class PrefectureTiles
{
    /// <summary>Columns and rows of the grid: column 0 is the west, row 0 the north.</summary>
    public const int Columns = 13;
    public const int Rows = 10;

    /// <summary>JIS code → (column, row).</summary>
    public static readonly IReadOnlyDictionary<string, (int Column, int Row)> Layout = new Dictionary<string, (int, int)>
    {
        ["01"] = (12, 0), // Hokkaido
        ["02"] = (12, 1), // Aomori
        ["05"] = (11, 2), ["03"] = (12, 2), // Akita, Iwate
        ["06"] = (11, 3), ["04"] = (12, 3), // Yamagata, Miyagi
        ["17"] = (8, 4), ["16"] = (9, 4), ["15"] = (10, 4), ["07"] = (11, 4), // Ishikawa, Toyama, Niigata, Fukushima
        ["32"] = (2, 5), ["31"] = (3, 5), ["28"] = (4, 5), ["26"] = (5, 5), ["25"] = (6, 5), ["18"] = (7, 5), // Shimane … Fukui
        ["21"] = (8, 5), ["20"] = (9, 5), ["10"] = (10, 5), ["09"] = (11, 5), ["08"] = (12, 5), // Gifu, Nagano, Gunma, Tochigi, Ibaraki
        ["35"] = (1, 6), ["34"] = (2, 6), ["33"] = (3, 6), ["27"] = (4, 6), ["29"] = (5, 6), ["24"] = (6, 6), // Yamaguchi … Mie
        ["23"] = (7, 6), ["22"] = (8, 6), ["19"] = (9, 6), ["11"] = (10, 6), ["13"] = (11, 6), ["12"] = (12, 6), // Aichi … Chiba
        ["41"] = (0, 7), ["40"] = (1, 7), ["38"] = (2, 7), ["37"] = (3, 7), ["36"] = (4, 7), ["30"] = (5, 7), ["14"] = (11, 7), // Saga … Wakayama, Kanagawa
        ["42"] = (0, 8), ["43"] = (1, 8), ["44"] = (2, 8), ["39"] = (3, 8), // Nagasaki, Kumamoto, Oita, Kochi
        ["47"] = (0, 9), ["46"] = (1, 9), ["45"] = (2, 9), // Okinawa, Kagoshima, Miyazaki
    };
}
