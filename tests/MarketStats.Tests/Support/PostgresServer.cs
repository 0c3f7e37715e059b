using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace MarketStats.Tests.Support;

/// <summary>
/// A real PostgreSQL for the tests that need one: <c>MARKETSTATS_TEST_POSTGRES</c> when it is set, otherwise a
/// throwaway server of the tests' own (Debian's binaries under /usr/lib/postgresql/*/bin, initdb into a temporary
/// folder, a free port on 127.0.0.1, its socket in that folder), stopped and deleted afterwards. Started on first use;
/// when it cannot start, every test that asks fails with the reason (never skips).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string ConnectionVariable = "MARKETSTATS_TEST_POSTGRES";
    private const string User = "marketstats";
    private const string Database = "marketstats_test";
    // postgres refuses to run as root: as root, the server runs as this unprivileged user (Debian has it).
    private const string UnprivilegedUser = "nobody";

    private readonly Lazy<string> connectionString;
    private string? folder;
    private Process? server;
    private readonly StringBuilder serverLog = new();

    public PostgresServer() => connectionString = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The connection string; starts the server on first use, or fails the calling test with why it could not.</summary>
    public string ConnectionString
    {
        get
        {
            try { return connectionString.Value; }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"PostgreSQL is needed for this test and could not be started: {e.Message}"); }
        }
    }

    private string Start()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given) return given;

        var bin = ServerBinaries() ?? throw new InvalidOperationException(
            $"no PostgreSQL server under /usr/lib/postgresql/*/bin (initdb, postgres). Run ./test.sh, which installs Debian's postgresql, or set {ConnectionVariable} to a server's connection string.");
        folder = Directory.CreateTempSubdirectory("marketstats-postgres-").FullName;
        var data = Path.Combine(folder, "data");
        if (Environment.IsPrivilegedProcess) Run("chown", [UnprivilegedUser, folder]);
        RunAsServerUser(Path.Combine(bin, "initdb"), ["-D", data, "-U", User, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);

        // A free port now may be taken by the time the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            // Durability settings off: the cluster is thrown away after the run.
            server = StartAsServerUser(Path.Combine(bin, "postgres"),
                ["-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-k", folder,
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
            var ready = $"Host=127.0.0.1;Port={port};Username={User};Database=postgres;Pooling=false;Timeout=2";
            if (WaitUntilAccepting(ready, TimeSpan.FromSeconds(30)))
            {
                using (var connection = new NpgsqlConnection(ready))
                {
                    connection.Open();
                    using var create = new NpgsqlCommand($"create database {Database}", connection);
                    create.ExecuteNonQuery();
                }
                return $"Host=127.0.0.1;Port={port};Username={User};Database={Database}";
            }
            Stop();
            if (attempt == 3) throw new InvalidOperationException($"{bin}/postgres did not accept connections on 127.0.0.1:{port}:\n{Log()}");
        }
    }

    /// <summary>The newest installed major version's bin folder holding both initdb and postgres.</summary>
    private static string? ServerBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => (Major: int.TryParse(Path.GetFileName(d), out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
            .Where(x => x.Major >= 0 && File.Exists(Path.Combine(x.Bin, "initdb")) && File.Exists(Path.Combine(x.Bin, "postgres")))
            .OrderByDescending(x => x.Major).Select(x => x.Bin).FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private bool WaitUntilAccepting(string connection, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && server is { HasExited: false })
        {
            try
            {
                using var probe = new NpgsqlConnection(connection);
                probe.Open();
                return true;
            }
            catch (NpgsqlException) { Thread.Sleep(200); } // still starting up
        }
        return false;
    }

    private static ProcessStartInfo AsServerUser(string program, IEnumerable<string> args, string workingDirectory)
    {
        // setpriv execs the program itself (no process in between), so signals reach the server directly.
        var info = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("setpriv") { ArgumentList = { "--reuid", UnprivilegedUser, "--regid", "nogroup", "--clear-groups", "--", program } }
            : new ProcessStartInfo(program);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.WorkingDirectory = workingDirectory; // the server user may not be able to read the caller's folder
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private void RunAsServerUser(string program, IEnumerable<string> args) => Run(AsServerUser(program, args, folder!));

    private static void Run(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        Run(info);
    }

    private static void Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}:\n{output.Result}{error.Result}");
    }

    private Process StartAsServerUser(string program, IEnumerable<string> args)
    {
        var process = Process.Start(AsServerUser(program, args, folder!)) ?? throw new InvalidOperationException($"could not start {program}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (serverLog) serverLog.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (serverLog) serverLog.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private string Log() { lock (serverLog) return serverLog.ToString(); }

    private void Stop()
    {
        if (server is null) return;
        NpgsqlConnection.ClearAllPools(); // a pooled connection would keep a backend alive
        try
        {
            CliProcess.Signal(server, CliProcess.SigInt); // fast shutdown: ends sessions, no waiting for clients
            if (!server.WaitForExit(TimeSpan.FromSeconds(20))) server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
        catch (InvalidOperationException) { /* it had already exited */ }
        server.Dispose();
        server = null;
    }

    public void Dispose()
    {
        Stop();
        if (folder is null) return;
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* /tmp is cleaned anyway */ }
    }
}
