using System.Diagnostics;
using MarketStats.Core.Diagnostics;

namespace MarketStats.Tests.Core;

public sealed class PhaseTimingsTests
{
    [Fact]
    public void A_phase_that_computes_records_its_cpu_time_beside_its_wall_time()
    {
        var timings = new PhaseTimings();
        var spin = Stopwatch.StartNew();
        using (timings.Measure("spin"))
        {
            var x = 0UL;
            while (spin.ElapsedMilliseconds < 300) x = unchecked(x * 6364136223846793005UL + 1442695040888963407UL);
            GC.KeepAlive(x);
        }
        var (phase, seconds, count) = Assert.Single(timings.Phases);
        Assert.Equal(("spin", 1), (phase, count));
        Assert.True(seconds >= 0.3, $"wall {seconds}");
        // The process's CPU includes this thread's: at least most of the spin, whatever else runs beside it.
        Assert.True(timings.CpuSeconds("spin") >= 0.2, $"cpu {timings.CpuSeconds("spin")}");
    }

    [Fact]
    public void A_phase_measured_elsewhere_or_never_has_no_cpu_time()
    {
        var timings = new PhaseTimings();
        timings.Add("solver", TimeSpan.FromSeconds(2));
        timings.Add("solver", TimeSpan.FromSeconds(1));
        var (phase, seconds, count) = Assert.Single(timings.Phases);
        Assert.Equal(("solver", 2), (phase, count));
        Assert.Equal(3.0, seconds, 3);
        Assert.Equal(0, timings.CpuSeconds("solver"));
        Assert.Equal(0, timings.CpuSeconds("never ran"));
    }
}
