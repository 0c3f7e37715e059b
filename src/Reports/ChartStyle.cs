using ScottPlot;

namespace MarketStats.Reports;

/// <summary>What every chart shares: the font that renders Japanese, the check that it is installed, a styled plot.</summary>
public static class ChartStyle
{
    // From fonts-ipafont-gothic: covers kana, kanji and Latin. The proportional face, because IPAGothic sets Latin
    // text in fixed width. ScottPlot's font detection does not find CJK fonts with the bundled Skia asset: name it.
    public const string FontName = "IPAPGothic";

    /// <summary>Without the font Skia silently draws boxes (PNG) or drops the text (SVG): fail loudly instead.</summary>
    public static void EnsureFontInstalled()
    {
        using var typeface = SkiaSharp.SKTypeface.FromFamilyName(FontName);
        if (typeface is null || !string.Equals(typeface.FamilyName, FontName, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"The font {FontName} is not installed; install the Debian package fonts-ipafont-gothic.");
    }

    /// <summary>A plot with <see cref="FontName"/> everywhere and the given label sizes.</summary>
    public static Plot NewPlot(float legendFontSize, float bottomTickFontSize, float leftTickFontSize)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = legendFontSize;
        plot.Axes.Bottom.TickLabelStyle.FontSize = bottomTickFontSize;
        plot.Axes.Left.TickLabelStyle.FontSize = leftTickFontSize;
        return plot;
    }
}
