namespace MarketStats.Reports;

/// <summary>The unit a chart's yen axis is shown in, chosen so tick labels stay short.</summary>
public enum YenUnit
{
    Yen = 1,
    Thousand = 1_000,
    // 百万円 is the unit Japanese market surveys quote (21.5 billion yen = 21,500 百万円).
    Million = 1_000_000,
}

public static class YenUnits
{
    /// <summary>The largest unit that keeps the biggest value at 1 or more (10 or more for thousands).</summary>
    public static YenUnit For(long maxYen) =>
        maxYen >= 1_000_000 ? YenUnit.Million
        : maxYen >= 10_000 ? YenUnit.Thousand
        : YenUnit.Yen;

    public static double Scale(long yen, YenUnit unit) => yen / (double)(int)unit;
}
