using System.Diagnostics;

namespace MarketStats.Ingest;

/// <summary>Where an ingest run spends its time, phase by phase (<c>ingest --trace</c>): a profile that needs no profiler on the machine.</summary>
public sealed class IngestTimings
{
    private readonly Dictionary<string, (long Ticks, int Count)> phases = [];
    private readonly List<string> order = [];

    /// <summary>Times the scope it opens; <c>using (timings?.Measure("x"))</c> costs nothing when tracing is off.</summary>
    public Scope Measure(string phase) => new(this, phase, Stopwatch.GetTimestamp());

    /// <summary>Each phase in the order first seen, with its total seconds and how many times it ran.</summary>
    public IReadOnlyList<(string Phase, double Seconds, int Count)> Phases =>
        [.. order.Select(p => (p, Stopwatch.GetElapsedTime(0, phases[p].Ticks).TotalSeconds, phases[p].Count))];

    private void Add(string phase, long ticks)
    {
        if (!phases.TryGetValue(phase, out var sum)) order.Add(phase);
        phases[phase] = (sum.Ticks + ticks, sum.Count + 1);
    }

    public readonly struct Scope(IngestTimings owner, string phase, long started) : IDisposable
    {
        public void Dispose() => owner.Add(phase, Stopwatch.GetTimestamp() - started);
    }
}
