using MarketStats.Core.IO;
using ScottPlot;

namespace MarketStats.Reports;

/// <summary>What every chart shares: the font that renders Japanese, loaded from the file shipped with the project, and a styled plot.</summary>
public static class ChartStyle
{
    // IPA P Gothic (Fonts/ipagp.ttf, IPA Font License v1.0 beside it): covers kana, kanji and Latin. The proportional
    // face, because IPAGothic sets Latin text in fixed width. SVG output names this family, so it is also the font's own name.
    public const string FontName = "IPAPGothic";

    /// <summary>The shipped font file, copied beside this assembly at build.</summary>
    /// <remarks>Beside the assembly, not the application: a notebook loads Reports from the build output into another
    /// program (the notebook kernel), whose own folder has no font.</remarks>
    public static string FontFile => Path.Combine(
        typeof(ChartStyle).Assembly.Location is { Length: > 0 } location ? Path.GetDirectoryName(location)! : AppContext.BaseDirectory, "Fonts", "ipagp.ttf");

    // Loaded from the file, not the system: a fresh machine has no CJK font, and the bundled Skia asset does not ask
    // fontconfig. Registered once, before any plot resolves a typeface (ScottPlot caches them by name).
    private static readonly Lazy<bool> Loaded = new(LoadFont, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Without the font Skia silently draws boxes (PNG) or drops the text (SVG): fail loudly instead.</summary>
    public static void EnsureFontLoaded() => _ = Loaded.Value;

    private static bool LoadFont()
    {
        if (!File.Exists(FontFile))
            throw new InvalidOperationException($"The chart font {FontFile} is missing; it ships with MarketStats.Reports (src/Reports/Fonts), rebuild to copy it.");
        using (var typeface = SkiaSharp.SKTypeface.FromFile(FontFile))
        {
            if (typeface is null || !string.Equals(typeface.FamilyName, FontName, StringComparison.Ordinal))
                throw new InvalidOperationException($"{FontFile} is not the font {FontName} (read: {typeface?.FamilyName ?? "nothing"}).");
        }
        // Every style from the one file: titles ask for bold, and an unmatched style would fall back to a system font.
        foreach (var bold in new[] { false, true })
            foreach (var italic in new[] { false, true })
                Fonts.AddFontFile(FontName, FontFile, bold, italic);
        var resolved = Fonts.GetTypeface(FontName, bold: true, italic: false);
        if (!string.Equals(resolved.FamilyName, FontName, StringComparison.Ordinal))
            throw new InvalidOperationException($"ScottPlot resolves {FontName} to {resolved.FamilyName}, not to {FontFile}.");
        return true;
    }

    /// <summary>A plot with <see cref="FontName"/> everywhere and the given label sizes.</summary>
    public static Plot NewPlot(float legendFontSize, float bottomTickFontSize, float leftTickFontSize)
    {
        EnsureFontLoaded();
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = legendFontSize;
        plot.Axes.Bottom.TickLabelStyle.FontSize = bottomTickFontSize;
        plot.Axes.Left.TickLabelStyle.FontSize = leftTickFontSize;
        return plot;
    }

    /// <summary>A categorical bottom axis: <paramref name="names"/> under the columns at 0, 1, 2 … (or at
    /// <paramref name="positions"/>), without tick marks.</summary>
    public static void NameColumns(Plot plot, IReadOnlyList<string> names, IReadOnlyList<double>? positions = null)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. positions ?? Enumerable.Range(0, names.Count).Select(i => (double)i).ToList()], [.. names]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
    }

    /// <summary>Writes <c>{baseName}.png</c> and <c>{baseName}.svg</c> into <paramref name="outDir"/>, each whole or not at all; returns both paths, PNG first.</summary>
    public static IReadOnlyList<string> Save(Plot plot, string outDir, string baseName, int width, int height)
    {
        var png = Path.Combine(outDir, baseName + ".png");
        var svg = Path.Combine(outDir, baseName + ".svg");
        AtomicFile.Write(png, temporary => plot.SavePng(temporary, width, height));
        AtomicFile.Write(svg, temporary => plot.SaveSvg(temporary, width, height));
        return [png, svg];
    }
}
