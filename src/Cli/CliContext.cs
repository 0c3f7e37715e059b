namespace MarketStats.Cli;

/// <summary>What every command shares: where to write, what time it is, and whether a person is watching.</summary>
/// <param name="Interactive">stdout is a terminal: show progress. Otherwise print only plain, parseable results.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, TimeProvider Clock, bool Interactive)
{
    /// <summary>Set by <c>--progress</c>: show progress even when stdout is not a terminal (for logs and supervisors).</summary>
    public bool ForceProgress { get; set; }

    /// <summary>Progress for long steps, shown on a terminal or with --progress (to stderr, so stdout stays parseable).</summary>
    public IProgress<string>? Progress => Interactive || ForceProgress ? new SynchronousProgress(m => { Error.WriteLine("  … " + m); Error.Flush(); }) : null;

    /// <summary>A result line: <c>key: value</c>, the same on a terminal and in a pipe.</summary>
    public void Result(string key, object value) => Out.WriteLine($"{key}: {value}");

    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
