using System.Diagnostics;

namespace MarketStats.Core.Diagnostics;

/// <summary>Where a run spends its time, phase by phase (<c>ingest --trace</c>, <c>report survey --trace</c>): a profile
/// that needs no profiler on the machine.</summary>
/// <remarks>Phases may be measured from several threads at once (the survey's charts and workbook run side by side);
/// each phase then sums its own wall time, so phases that overlapped add up to more than the run. Each phase also sums
/// the process's CPU time while it ran (every thread's, DuckDB's included): on a shared machine the steadier figure, but
/// phases that overlapped each count the other's CPU too.</remarks>
public class PhaseTimings
{
    private readonly Dictionary<string, (long Ticks, int Count, TimeSpan Cpu)> phases = [];
    private readonly List<string> order = [];
    private readonly Lock gate = new();

    /// <summary>The CPU time of the whole process so far (every thread, DuckDB's included), the one way every profile
    /// here reads it: <see cref="Environment.CpuUsage"/>, without the <see cref="Process"/> object and its handle.</summary>
    public static TimeSpan ProcessCpuTime() => Environment.CpuUsage.TotalTime;

    /// <summary>Times the scope it opens; <c>using (timings?.Measure("x"))</c> costs nothing when tracing is off.</summary>
    public Scope Measure(string phase) => new(this, phase, Stopwatch.GetTimestamp(), ProcessCpuTime());

    /// <summary>Records a phase measured elsewhere (by a solver's own clock, say); its CPU time is not known.</summary>
    public void Add(string phase, TimeSpan elapsed) => Add(phase, elapsed.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond, TimeSpan.Zero);

    /// <summary>Each phase in the order first seen, with its total seconds and how many times it ran.</summary>
    public IReadOnlyList<(string Phase, double Seconds, int Count)> Phases
    {
        get
        {
            lock (gate)
                return [.. order.Select(p => (p, Stopwatch.GetElapsedTime(0, phases[p].Ticks).TotalSeconds, phases[p].Count))];
        }
    }

    /// <summary>The process's CPU seconds while the phase ran, summed (0 for a phase only <see cref="Add(string, TimeSpan)"/> recorded).</summary>
    public double CpuSeconds(string phase)
    {
        lock (gate)
            return phases.TryGetValue(phase, out var sum) ? sum.Cpu.TotalSeconds : 0;
    }

    private void Add(string phase, long ticks, TimeSpan cpu)
    {
        lock (gate)
        {
            if (!phases.TryGetValue(phase, out var sum)) order.Add(phase);
            phases[phase] = (sum.Ticks + ticks, sum.Count + 1, sum.Cpu + cpu);
        }
    }

    public readonly struct Scope(PhaseTimings owner, string phase, long started, TimeSpan cpuStarted) : IDisposable
    {
        public void Dispose() => owner.Add(phase, Stopwatch.GetTimestamp() - started, ProcessCpuTime() - cpuStarted);
    }
}
