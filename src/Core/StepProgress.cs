namespace MarketStats.Core;

/// <summary>
/// Progress a long step can count (files ingested, rows generated, models built), beside the free-text messages of
/// <see cref="IProgress{T}"/>. The steps report to <see cref="IProgress{T}"/> of string as before and count through
/// <see cref="StepProgress.Advance"/>, which only a listener that renders counts (the CLI on a terminal) implements.
/// </summary>
public interface IStepProgress : IProgress<string>
{
    /// <summary><paramref name="done"/> of <paramref name="total"/> <paramref name="unit"/> of <paramref name="step"/> are done.</summary>
    void Advance(string step, long done, long total, string unit);
}

public static class StepProgress
{
    /// <summary>Reports a count when the listener renders counts; nothing otherwise (a pipe gets no progress noise).</summary>
    public static void Advance(this IProgress<string>? progress, string step, long done, long total, string unit)
    {
        if (progress is IStepProgress counting) counting.Advance(step, done, total, unit);
    }
}
