using System.Text.Json;
using System.Text.Json.Serialization;
using MarketStats.Ingest.Pulling;
using Quartz;

namespace MarketStats.Scheduling;

/// <summary>The scheduler's configuration file: where things live, each member platform's source, and when each job runs.</summary>
/// <remarks>
/// Relative paths are resolved against the folder of the configuration file, so a config and its data can move together.
/// Credentials are named by reference (an environment variable or a file), never written here. See docs/schedule.example.json.
/// </remarks>
public sealed class ScheduleConfig
{
    public string Database { get; set; } = "marketstats.duckdb";
    public string Inbox { get; set; } = "inbox";
    /// <summary>Where downloads are written and verified before they are moved into the inbox; also keeps each source's pull state.</summary>
    public string Landing { get; set; } = "landing";
    public string Quarantine { get; set; } = "quarantine";
    /// <summary>Where the yearly publish job writes the survey's workbook and charts.</summary>
    public string Output { get; set; } = "out";
    /// <summary>The job-history database (SQLite), apart from DuckDB so that a run blocked by DuckDB's writer lock is still recorded.</summary>
    public string JobHistory { get; set; } = "job-history.sqlite";
    /// <summary>Cron expressions are read in this time zone.</summary>
    public string TimeZone { get; set; } = "Asia/Tokyo";
    /// <summary>Labels of the published report: ja or en.</summary>
    public string PublishLanguage { get; set; } = "ja";
    public List<SourceConfig> Sources { get; set; } = [];
    public PipelineSchedule Jobs { get; set; } = new();
    public HttpPullSettings Http { get; set; } = new();
    /// <summary>How long a scheduled database job waits for another process to release DuckDB before it is recorded as database-busy
    /// (<c>schedule trigger</c> never waits: a person gets the "in use" message at once).</summary>
    public double DatabaseBusyWaitSeconds { get; set; } = 600;
    /// <summary>A fire later than this counts as missed and follows the job's misfire policy (see SchedulerHost).</summary>
    public double MisfireThresholdSeconds { get; set; } = 60;
    /// <summary>Absent: an in-memory job store (one process). Present: Quartz's clustered ADO job store on PostgreSQL.</summary>
    public ClusterConfig? Cluster { get; set; }

    [JsonIgnore] public string BaseFolder { get; private set; } = Environment.CurrentDirectory;

    public string PathOf(string configured) => Path.GetFullPath(Path.Combine(BaseFolder, configured));
    [JsonIgnore] public string DatabasePath => PathOf(Database);
    [JsonIgnore] public string InboxPath => PathOf(Inbox);
    [JsonIgnore] public string LandingPath => PathOf(Landing);
    [JsonIgnore] public string QuarantinePath => PathOf(Quarantine);
    [JsonIgnore] public string OutputPath => PathOf(Output);
    [JsonIgnore] public string JobHistoryPath => PathOf(JobHistory);
    [JsonIgnore] public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, // a misspelt key is an error, not a silently ignored setting
    };

    /// <summary>Reads and checks a configuration file; every problem is a <see cref="ScheduleConfigException"/> naming the file.</summary>
    public static ScheduleConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No schedule configuration at {Path.GetFullPath(path)}.", path);
        ScheduleConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ScheduleConfig>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ScheduleConfigException($"The schedule configuration {path} is not valid: {e.Message}");
        }
        if (config is null) throw new ScheduleConfigException($"The schedule configuration {path} is empty.");
        config.BaseFolder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        config.Check(path);
        return config;
    }

    private void Check(string path)
    {
        void Fail(string problem) => throw new ScheduleConfigException($"The schedule configuration {path}: {problem}");
        // JSON null overrides a default; the code after this relies on every section being there.
        (string Key, object? Value)[] sections =
        [
            ("database", Database), ("inbox", Inbox), ("landing", Landing), ("quarantine", Quarantine), ("output", Output),
            ("jobHistory", JobHistory), ("timeZone", TimeZone), ("publishLanguage", PublishLanguage), ("sources", Sources), ("jobs", Jobs), ("http", Http),
        ];
        foreach (var (key, value) in sections)
            if (value is null) Fail($"\"{key}\" is null; give it a value or leave the key out for its default.");
        if (Sources.Any(s => s is null)) Fail("\"sources\" holds a null entry; each source is an object with a platform.");
        try { _ = Zone; }
        catch (TimeZoneNotFoundException) { Fail($"unknown time zone '{TimeZone}'."); }
        if (PublishLanguage is not ("ja" or "en")) Fail($"publishLanguage must be ja or en, not '{PublishLanguage}'.");
        foreach (var (name, cron) in Jobs.Crons().Concat(Sources.Select(s => (JobNames.Pull(s.Platform), s.Cron))))
        {
            if (cron is null) continue;
            if (!CronExpression.TryParse(cron, out _)) Fail($"job {name} has an invalid cron expression '{cron}'.");
            // Valid but never firing (30 February, a year gone by): the job would silently never run. From a day back, so
            // a one-off slot missed while the machine was off still fires once under its misfire policy.
            else if (new CronExpression(cron, Zone).GetNextValidTimeAfter(DateTimeOffset.UtcNow.AddDays(-1)) is null)
                Fail($"job {name}'s cron expression '{cron}' never fires (no such date from now on); fix it or remove the job.");
        }
        var platforms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in Sources)
        {
            if (string.IsNullOrWhiteSpace(source.Platform) || source.Platform.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-'))
                Fail($"a source's platform id '{source.Platform}' must be letters, digits, '-' or '_' (it names a folder).");
            if (!platforms.Add(source.Platform)) Fail($"platform {source.Platform} has two sources.");
            if ((source.DropFolder is null) == (source.ManifestUrl is null))
                Fail($"platform {source.Platform} needs exactly one of dropFolder or manifestUrl.");
            if (source.ManifestUrl is not null)
            {
                if (!Uri.TryCreate(source.ManifestUrl, UriKind.Absolute, out var url)) Fail($"platform {source.Platform}'s manifestUrl is not an absolute URL.");
                else if (!SourceUrls.IsAllowed(url)) Fail($"platform {source.Platform}'s manifestUrl must use https (plain http is allowed only for loopback hosts, in tests).");
                else if (SourceUrls.CredentialIn(url) is { } secret)
                    Fail($"platform {source.Platform}'s manifestUrl carries a credential in its {secret}; a URL is printed and stored, so put the secret in an environment variable or file and name it in \"credential\" (it is sent as a bearer token).");
            }
            if (source.Credential is { } credential && (credential.EnvironmentVariable is null) == (credential.File is null))
                Fail($"platform {source.Platform}'s credential names exactly one of environmentVariable or file.");
        }
        if (DatabaseBusyWaitSeconds < 0) Fail("databaseBusyWaitSeconds must not be negative.");
        if (MisfireThresholdSeconds < 1) Fail("misfireThresholdSeconds must be at least 1.");
        if (Http.TimeoutSeconds <= 0 || Http.MaxAttempts < 1 || Http.InitialBackoffSeconds < 0) Fail("http needs timeoutSeconds > 0, maxAttempts >= 1 and initialBackoffSeconds >= 0.");
        if (Cluster is { IdleWaitMilliseconds: < 1000 } or { CheckinIntervalMilliseconds: < 500 }) Fail("cluster needs idleWaitMilliseconds >= 1000 (Quartz's minimum) and checkinIntervalMilliseconds >= 500.");
        if (Cluster is { ConnectionStringEnvironmentVariable: null or "" }) Fail("cluster needs connectionStringEnvironmentVariable (the connection string itself is never written in the file).");
    }

    public SourceConfig Source(string platform) =>
        Sources.FirstOrDefault(s => s.Platform == platform) ?? throw new ScheduleConfigException($"No source is configured for platform {platform}.");

    /// <summary>Where pulls land, are promoted and quarantined.</summary>
    public PullFolders PullFolders => new(LandingPath, InboxPath, QuarantinePath);

    /// <summary>What the puller needs to know of <paramref name="platform"/>'s source: paths resolved, the credential still only named.</summary>
    public PullSource PullSource(string platform)
    {
        var source = Source(platform);
        return new PullSource(platform, source.DropFolder is { } drop ? PathOf(drop) : null,
            source.ManifestUrl is { } url ? new Uri(url) : null,
            source.Credential is { } credential ? () => credential.Resolve(platform) : null);
    }
}

/// <summary>One member platform's source: a drop folder on this machine, or an HTTPS endpoint serving a manifest.</summary>
public sealed class SourceConfig
{
    public string Platform { get; set; } = "";
    public string? DropFolder { get; set; }
    /// <summary>A JSON manifest: <c>{"files":[{"name","size","sha256","etag"?,"url"?}]}</c>; file URLs are relative to it unless given.</summary>
    public string? ManifestUrl { get; set; }
    public CredentialReference? Credential { get; set; }
    /// <summary>When to pull (Quartz cron, seconds first, in the configured time zone); null: only by <c>schedule trigger</c>.</summary>
    public string? Cron { get; set; }
}

/// <summary>Where a source's bearer token is found. The token itself is never in the configuration.</summary>
public sealed class CredentialReference
{
    public string? EnvironmentVariable { get; set; }
    public string? File { get; set; }

    public string Resolve(string platform)
    {
        if (EnvironmentVariable is not null)
            return Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
                ? value
                : throw new ScheduleConfigException($"The credential for platform {platform} is read from the environment variable {EnvironmentVariable}, which is not set.");
        if (!System.IO.File.Exists(File)) throw new ScheduleConfigException($"The credential file for platform {platform} ({File}) does not exist.");
        return System.IO.File.ReadAllText(File!).Trim();
    }
}

/// <summary>When the database jobs run. Null: the job is not scheduled (it can still be run with <c>schedule trigger</c>).</summary>
public sealed class PipelineSchedule
{
    public string? Ingest { get; set; }
    public string? Link { get; set; }
    public string? BuildMarts { get; set; }
    public string? PublishSurvey { get; set; }

    public IEnumerable<(string Job, string? Cron)> Crons() =>
    [
        (JobNames.Ingest, Ingest), (JobNames.Link, Link), (JobNames.BuildMarts, BuildMarts), (JobNames.PublishSurvey, PublishSurvey),
    ];
}

/// <summary>Quartz's clustered ADO job store on PostgreSQL: several <c>schedule run</c> processes share one schedule and each job fires once.</summary>
public sealed class ClusterConfig
{
    /// <summary>The environment variable holding the Npgsql connection string (it carries a password, so it is never in this file).</summary>
    public string? ConnectionStringEnvironmentVariable { get; set; }
    /// <summary>Nodes with the same name share one schedule; other names in the same database are separate schedules.</summary>
    public string SchedulerName { get; set; } = "marketstats";
    public int CheckinIntervalMilliseconds { get; set; } = 2000;
    public int IdleWaitMilliseconds { get; set; } = 1000;

    public string ConnectionString() =>
        Environment.GetEnvironmentVariable(ConnectionStringEnvironmentVariable!) is { Length: > 0 } value
            ? value
            : throw new ScheduleConfigException($"The cluster's PostgreSQL connection string is read from the environment variable {ConnectionStringEnvironmentVariable}, which is not set.");
}

/// <summary>The configuration is wrong (a usage problem: exit code 2).</summary>
public sealed class ScheduleConfigException(string message) : Exception(message);
