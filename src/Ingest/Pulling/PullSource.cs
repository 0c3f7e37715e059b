namespace MarketStats.Ingest.Pulling;

/// <summary>One member platform's source as the puller sees it: a drop folder (full path) or a manifest URL, and how
/// to get the bearer token when one is needed (resolved only then, so a token is never held longer than a pull).</summary>
public sealed record PullSource(string Platform, string? DropFolder, Uri? ManifestUrl, Func<string>? BearerToken);

/// <summary>Where pulled files go: LANDING while downloading and verifying, INBOX once whole, QUARANTINE when wrong.</summary>
public sealed record PullFolders(string Landing, string Inbox, string Quarantine);

/// <summary>Timeouts and retries for HTTPS pulls.</summary>
public sealed class HttpPullSettings
{
    /// <summary>Per request, including reading the body: a server slower than this counts as a transient failure.</summary>
    public double TimeoutSeconds { get; set; } = 120;
    public int MaxAttempts { get; set; } = 4;
    /// <summary>Doubled after each failed attempt.</summary>
    public double InitialBackoffSeconds { get; set; } = 5;
}
