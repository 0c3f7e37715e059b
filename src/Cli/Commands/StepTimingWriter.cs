using System.Diagnostics;
using System.Globalization;

namespace MarketStats.Cli.Commands;

/// <summary>
/// A trace that keeps no text, only how long each step took: a step starts at a "-- " header line ("-- model …",
/// "-- data test …", "-- running total …") and ends at the next. The benchmarks print the slowest steps of a stage.
/// </summary>
internal sealed class StepTimingWriter : TextWriter
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<(string Step, double Seconds)> steps = [];
    private (string Step, double Start)? current;

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public override void WriteLine(string? value)
    {
        if (value is null || !value.StartsWith("-- ", StringComparison.Ordinal)) return;
        Close(clock.Elapsed.TotalSeconds);
        current = (value[3..].Split('\n')[0], clock.Elapsed.TotalSeconds);
    }

    /// <summary>The steps so far, slowest first (the last one ends now).</summary>
    public IReadOnlyList<(string Step, double Seconds)> Slowest(int count)
    {
        Close(clock.Elapsed.TotalSeconds);
        return [.. steps.OrderByDescending(s => s.Seconds).Take(count)];
    }

    private void Close(double now)
    {
        if (current is { } open) steps.Add((open.Step, now - open.Start));
        current = null;
    }

    public static string Format(IEnumerable<(string Step, double Seconds)> steps) =>
        string.Join("; ", steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Step} {s.Seconds:F2}")));
}
