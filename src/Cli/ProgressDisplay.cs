using System.Globalization;
using MarketStats.Core;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MarketStats.Cli;

/// <summary>
/// Progress on a terminal: one Spectre.Console bar per long step (ingest, link, mart build, generate) with its count,
/// rate and time left; messages print above the bars. Spectre's live display runs on its own thread for as long as
/// this object lives, since the steps report from inside a command and cannot be wrapped in Spectre's callback.
/// </summary>
public sealed class TerminalProgress(IAnsiConsole console) : IStepProgress, IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ProgressTask> tasks = new(StringComparer.Ordinal);
    // Per live display (Spectre numbers tasks anew in each). Read by Spectre's refresh thread while it holds its own
    // lock, so it is lock-free: taking `gate` there would deadlock against Advance, which holds `gate` and calls Spectre.
    private System.Collections.Concurrent.ConcurrentDictionary<int, string> units = new();
    private ManualResetEventSlim finished = new();
    private ProgressContext? context;
    private Thread? live;
    private bool broken;

    public void Advance(string step, long done, long total, string unit)
    {
        lock (gate)
        {
            if (Start() is not { } ctx) return; // no live display could start: the step runs on without bars
            if (!tasks.TryGetValue(step, out var task))
            {
                task = ctx.AddTask(Markup.Escape(step), autoStart: true, maxValue: Math.Max(total, 1));
                tasks[step] = task;
                units[task.Id] = unit;
            }
            task.MaxValue = Math.Max(total, 1);
            task.Value = Math.Min(done, task.MaxValue);
            if (done >= total) task.StopTask();
        }
    }

    public void Report(string value)
    {
        lock (gate)
            console.MarkupLine($"[grey]  … {Markup.Escape(value)}[/]");
    }

    private ProgressContext? Start()
    {
        if (context is { } started) return started;
        if (broken) return null;
        using var ready = new ManualResetEventSlim();
        var unitsOfThisDisplay = units;
        string UnitOf(ProgressTask task) => unitsOfThisDisplay.GetValueOrDefault(task.Id, "");
        Exception? failed = null;
        live = new Thread(() =>
        {
            try
            {
                console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new CountColumn(UnitOf), new RateColumn(UnitOf),
                        new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var end = finished;
                        context = ctx;
                        ready.Set();
                        end.Wait();
                    });
            }
            catch (Exception e) // Spectre could not start a live display: never leave Advance waiting for it
            {
                failed = e;
                ready.Set();
            }
        })
        { IsBackground = true, Name = "progress" };
        live.Start();
        ready.Wait();
        if (failed is null) return context;
        broken = true;
        live = null;
        console.MarkupLine($"[grey]  … (no progress bars: {Markup.Escape(failed.Message)})[/]");
        return null;
    }

    /// <summary>Ends the live display, leaving the bars' last state on screen; a later step starts a new one.</summary>
    public void Stop()
    {
        Thread? ending;
        lock (gate)
        {
            if (context is null) return;
            finished.Set();
            ending = live;
            (context, live) = (null, null);
            tasks.Clear();
            units = new(); // the ending display still renders its last frame with the old ones
            finished = new ManualResetEventSlim();
        }
        ending?.Join();
    }

    public void Dispose() => Stop();

    /// <summary>"3,000 / 10,000 rows".</summary>
    private sealed class CountColumn(Func<ProgressTask, string> unitOf) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:N0} / {task.MaxValue:N0} {unitOf(task)}"));
    }

    /// <summary>"1,234 rows/s": Spectre's recent speed, else the average since the step started.</summary>
    private sealed class RateColumn(Func<ProgressTask, string> unitOf) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var seconds = task.ElapsedTime?.TotalSeconds ?? 0;
            var rate = task.Speed ?? (seconds > 0 ? task.Value / seconds : (double?)null);
            return new Text(rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:N0} {unitOf(task)}/s") : "");
        }
    }
}

/// <summary>
/// Progress as plain lines on stderr (<c>--progress</c> when not on a terminal): each message, and a step's count at
/// most once a second and when it ends, so a log stays readable. No escape sequences.
/// </summary>
public sealed class PlainProgress(TextWriter error, TimeProvider clock) : IStepProgress
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, DateTimeOffset> lastCount = new(StringComparer.Ordinal);

    public void Report(string value)
    {
        lock (gate)
        {
            error.WriteLine("  … " + value);
            error.Flush();
        }
    }

    public void Advance(string step, long done, long total, string unit)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (done < total && lastCount.TryGetValue(step, out var last) && now - last < TimeSpan.FromSeconds(1)) return;
            lastCount[step] = now;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {step}: {done:N0} / {total:N0} {unit}"));
            error.Flush();
        }
    }
}
