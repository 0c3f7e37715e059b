using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Microsoft.Data.Analysis;

namespace MarketStats.Analysis;

/// <summary>A DuckDB result as a <see cref="DataFrame"/> with one typed column per result column.</summary>
/// <remarks>
/// Built column by column rather than with <c>DataFrame.LoadFrom</c>, which throws on DATE columns. DuckDB sums
/// integers as HUGEINT: those come in as <see cref="long"/> (yen totals fit; a larger one throws rather than wraps).
/// Lists, structs and other types come in as their invariant text.
/// </remarks>
internal static class FrameReader
{
    public static DataFrame Read(DbDataReader reader)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => Column(reader.GetName(i), reader.GetFieldType(i))).ToList();
        while (reader.Read())
            for (var i = 0; i < columns.Count; i++)
                Append(columns[i], reader.IsDBNull(i) ? null : reader.GetValue(i));
        return new DataFrame(columns);
    }

    private static DataFrameColumn Column(string name, Type type) => type switch
    {
        _ when type == typeof(bool) => new BooleanDataFrameColumn(name),
        _ when type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int) => new Int32DataFrameColumn(name),
        _ when type == typeof(uint) || type == typeof(long) || type == typeof(ulong) || type == typeof(BigInteger) => new Int64DataFrameColumn(name),
        _ when type == typeof(float) || type == typeof(double) => new DoubleDataFrameColumn(name),
        _ when type == typeof(decimal) => new DecimalDataFrameColumn(name),
        _ when type == typeof(DateOnly) || type == typeof(DateTime) => new DateTimeDataFrameColumn(name),
        _ => new StringDataFrameColumn(name),
    };

    private static void Append(DataFrameColumn column, object? value)
    {
        switch (column)
        {
            case BooleanDataFrameColumn c: c.Append(value is null ? null : (bool)value); break;
            case Int32DataFrameColumn c: c.Append(value is null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture)); break;
            case Int64DataFrameColumn c: c.Append(value switch { null => null, BigInteger big => (long)big, _ => Convert.ToInt64(value, CultureInfo.InvariantCulture) }); break;
            case DoubleDataFrameColumn c: c.Append(value is null ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case DecimalDataFrameColumn c: c.Append(value is null ? null : (decimal)value); break;
            case DateTimeDataFrameColumn c: c.Append(value switch { null => null, DateOnly d => d.ToDateTime(TimeOnly.MinValue), _ => (DateTime)value }); break;
            case StringDataFrameColumn c: c.Append(value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            default: throw new InvalidOperationException($"no reader for column {column.Name} ({column.GetType().Name})");
        }
    }
}
