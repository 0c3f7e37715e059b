using MarketStats.Core;
using Spectre.Console;

namespace MarketStats.Cli;

/// <summary>What every command shares: where to write, what time it is, and whether a person is watching.</summary>
/// <param name="Interactive">stdout is a terminal: show progress. Otherwise print only plain, parseable results.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, TimeProvider Clock, bool Interactive) : IDisposable
{
    private IStepProgress? progress;

    /// <summary>Set by <c>--progress</c>: show progress even when stdout is not a terminal (for logs and supervisors).</summary>
    public bool ForceProgress { get; set; }

    /// <summary>stderr is a terminal as well, so progress may draw bars there (stdout stays plain results).</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>
    /// Progress for long steps, on stderr so stdout stays parseable: bars with counts, rate and time left on a terminal
    /// (<see cref="TerminalProgress"/>), plain lines with <c>--progress</c> elsewhere (<see cref="PlainProgress"/>), and
    /// nothing at all in a pipe.
    /// </summary>
    public IProgress<string>? Progress
    {
        get
        {
            if (!Interactive && !ForceProgress) return null;
            lock (this)
                return progress ??= Interactive && ErrorIsTerminal
                    ? new TerminalProgress(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) }))
                    : new PlainProgress(Error, Clock);
        }
    }

    /// <summary>A result line: <c>key: value</c>, the same on a terminal and in a pipe.</summary>
    public void Result(string key, object value)
    {
        EndProgress(); // results print below the finished bars, not through a live display
        Out.WriteLine($"{key}: {value}");
    }

    /// <summary>Ends a live progress display (its bars stay on screen).</summary>
    public void EndProgress() => (progress as TerminalProgress)?.Stop();

    public void Dispose() => EndProgress();
}
