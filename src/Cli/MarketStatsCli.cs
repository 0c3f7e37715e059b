using System.CommandLine;
using MarketStats.Cli.Commands;
using MarketStats.Core.Storage;

namespace MarketStats.Cli;

/// <summary>The documented exit codes (see ../shared/CLI.md and the README).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The command ran but found a problem: an invalid file, a quarantined input, a failed check.</summary>
    public const int ProblemFound = 1;
    public const int Usage = 2;
    /// <summary>Could not run: database locked by another writer, missing file, I/O error.</summary>
    public const int CouldNotRun = 3;
}

public static class MarketStatsCli
{
    private static readonly Option<bool> ProgressOption = new("--progress")
    {
        Description = "Report progress on stderr even when stdout is not a terminal.",
        Recursive = true,
    };

    internal static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "When a command cannot run, print where it failed (the stack trace) after its one-sentence reason.",
        Recursive = true,
    };

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("MarketStats: the association's market survey pipeline (ingest → staging → linkage → marts → reports).");
        root.Options.Add(ProgressOption);
        root.Options.Add(VerboseOption);
        root.Subcommands.Add(DemoCommand.Build(context));
        root.Subcommands.Add(GenerateCommand.Build(context));
        root.Subcommands.Add(KeygenCommand.Build(context));
        root.Subcommands.Add(ContractCommand.Build(context));
        root.Subcommands.Add(ValidateCommand.Build(context));
        root.Subcommands.Add(AnonymiseCommand.Build(context));
        root.Subcommands.Add(IngestCommand.Build(context));
        root.Subcommands.Add(LinkCommand.Build(context));
        root.Subcommands.Add(SqlCommand.Build(context));
        root.Subcommands.Add(ReportCommand.Build(context));
        root.Subcommands.Add(ExtractCommand.Build(context));
        root.Subcommands.Add(BenchmarkCommand.Build(context));
        root.Subcommands.Add(BenchCommand.Build(context));
        root.Subcommands.Add(ScheduleCommand.Build(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider? clock = null)
    {
        var terminal = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
        var context = new CliContext(stdout, stderr, clock ?? TimeProvider.System, terminal)
        {
            ErrorIsTerminal = terminal && !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error),
        };
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                stderr.WriteLine(error.Message);
            stderr.WriteLine("Run 'marketstats --help' (or '<command> --help') for usage.");
            return ExitCodes.Usage;
        }
        context.ForceProgress = parse.GetValue(ProgressOption);
        var verbose = parse.GetValue(VerboseOption);
        try
        {
            try
            {
                return await parse.InvokeAsync(new InvocationConfiguration
                {
                    Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false,
                    // null: System.CommandLine leaves Ctrl-C / SIGTERM alone, because 'schedule run' waits for its running job itself.
                    ProcessTerminationTimeout = ScheduleCommand.HandlesItsOwnSignals(parse) ? null : TimeSpan.FromSeconds(2),
                });
            }
            finally
            {
                context.Dispose(); // the bars end before any error is printed below them
            }
        }
        catch (WarehouseUnavailableException e)
        {
            stderr.WriteLine(e.Message);
            return ExitCodes.CouldNotRun;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException)
        {
            stderr.WriteLine($"Could not run: {e.Message}");
            return ExitCodes.CouldNotRun;
        }
        catch (CliUsageException e)
        {
            stderr.WriteLine(e.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("Cancelled; work in progress was rolled back.");
            return ExitCodes.CouldNotRun;
        }
        catch (Exception e)
        {
            // One sentence (a damaged database file, say, or a bug); where it happened only with --verbose.
            var firstLine = e.Message.Split('\n')[0].TrimEnd();
            stderr.WriteLine(verbose
                ? $"Could not run: {e.GetType().Name}: {firstLine}"
                : $"Could not run: {e.GetType().Name}: {firstLine} (run again with --verbose to see where)");
            if (verbose) stderr.WriteLine(e.ToString());
            return ExitCodes.CouldNotRun;
        }
    }
}

/// <summary>A usage mistake found after parsing (a malformed value, say): exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
