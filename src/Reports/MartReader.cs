using System.Data.Common;
using System.Globalization;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports;

/// <summary>Column readers shared by the reports that read marts.</summary>
public static class MartReader
{
    /// <summary>A cell's disclosure-control inputs, from the <c>sdc_*</c> columns every published mart carries.</summary>
    public static DisclosureInput Disclosure(DbDataReader reader) =>
        new(LongOrZero(reader, "sdc_persons"), LongOrZero(reader, "sdc_platforms"), DoubleOrNull(reader, "sdc_top_platform_share"),
            DoubleOrNull(reader, "sdc_top_two_platforms_share"));

    public static long LongOrZero(DbDataReader reader, string column)
    {
        var i = Ordinal(reader, column);
        return i < 0 || reader.IsDBNull(i) ? 0 : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
    }

    public static double? DoubleOrNull(DbDataReader reader, string column)
    {
        var i = Ordinal(reader, column);
        return i < 0 || reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);
    }

    public static string? StringOrNull(DbDataReader reader, string column)
    {
        var i = Ordinal(reader, column);
        return i < 0 || reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
    }

    private static int Ordinal(DbDataReader reader, string column)
    {
        for (var i = 0; i < reader.FieldCount; i++)
            if (string.Equals(reader.GetName(i), column, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
