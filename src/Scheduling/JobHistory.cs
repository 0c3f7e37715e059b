using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MarketStats.Scheduling;

/// <summary>One recorded job run.</summary>
public sealed record JobRun(
    long Id, string Job, string Instance, DateTimeOffset? ScheduledFireUtc, DateTimeOffset StartedUtc, DateTimeOffset? EndedUtc,
    string Status, string? Error, IReadOnlyList<string> FilesTouched);

/// <summary>The <c>job_history</c> table: every run of every job, with its start, end, status, error and the files it touched.</summary>
/// <remarks>
/// A small SQLite file rather than a DuckDB table: pull jobs run while another process may hold DuckDB's single
/// writer lock, and a run refused because of that lock must itself be recorded. SQLite lets several scheduler
/// processes (cluster nodes on one machine) append at once, waiting on each other's short write locks.
/// A run is inserted as <c>running</c> when it starts, so a crash leaves a visible trace.
/// </remarks>
public sealed class JobHistory(string path, TimeProvider clock)
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    /// <summary>The job ran and found a problem (a quarantined file, say).</summary>
    public const string ProblemFound = "problem";
    public const string Failed = "failed";
    /// <summary>Another process held the DuckDB writer lock; the next fire tries again.</summary>
    public const string DatabaseBusy = "database-busy";
    public const string Cancelled = "cancelled";

    public string Path { get; } = path;

    private SqliteConnection Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, DefaultTimeout = 30, Pooling = false }.ToString());
        connection.Open();
        using var setup = connection.CreateCommand();
        // WAL: readers (schedule list, analysts) never block a job recording its run; busy_timeout waits for another node's write.
        setup.CommandText = """
            pragma busy_timeout = 30000;
            pragma journal_mode = wal;
            create table if not exists job_history (
                id integer primary key autoincrement,
                job text not null,
                instance text not null,
                scheduled_fire_utc text,
                started_utc text not null,
                ended_utc text,
                status text not null,
                error text,
                files_touched text not null default ''
            );
            """;
        setup.ExecuteNonQuery();
        return connection;
    }

    public long Start(string job, string instance, DateTimeOffset? scheduledFireUtc)
    {
        using var connection = Open();
        using var insert = connection.CreateCommand();
        insert.CommandText = "insert into job_history (job, instance, scheduled_fire_utc, started_utc, status) values ($job, $instance, $scheduled, $started, $status) returning id";
        insert.Parameters.AddWithValue("$job", job);
        insert.Parameters.AddWithValue("$instance", instance);
        insert.Parameters.AddWithValue("$scheduled", (object?)Format(scheduledFireUtc) ?? DBNull.Value);
        insert.Parameters.AddWithValue("$started", Format(clock.GetUtcNow()));
        insert.Parameters.AddWithValue("$status", Running);
        return (long)insert.ExecuteScalar()!;
    }

    public void Finish(long id, string status, string? error, IReadOnlyList<string> filesTouched)
    {
        using var connection = Open();
        using var update = connection.CreateCommand();
        update.CommandText = "update job_history set ended_utc = $ended, status = $status, error = $error, files_touched = $files where id = $id";
        update.Parameters.AddWithValue("$ended", Format(clock.GetUtcNow()));
        update.Parameters.AddWithValue("$status", status);
        update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        update.Parameters.AddWithValue("$files", string.Join('\n', filesTouched));
        update.Parameters.AddWithValue("$id", id);
        update.ExecuteNonQuery();
    }

    /// <summary>Every recorded run, oldest first.</summary>
    public IReadOnlyList<JobRun> Runs()
    {
        if (!File.Exists(Path)) return [];
        using var connection = Open();
        using var query = connection.CreateCommand();
        query.CommandText = "select id, job, instance, scheduled_fire_utc, started_utc, ended_utc, status, error, files_touched from job_history order by id";
        using var reader = query.ExecuteReader();
        var runs = new List<JobRun>();
        while (reader.Read())
            runs.Add(new JobRun(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), ParseOrNull(reader, 3), Parse(reader.GetString(4)), ParseOrNull(reader, 5),
                reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8).Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        return runs;
    }

    private static string? Format(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    private static DateTimeOffset? ParseOrNull(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : Parse(reader.GetString(column));
}
