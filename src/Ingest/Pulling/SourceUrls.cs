namespace MarketStats.Ingest.Pulling;

/// <summary>
/// Which URLs a source may use: https, or plain http to a loopback host (test servers on 127.0.0.1); and what in a URL
/// is a credential, which a configuration may not hold (it names one instead) and no message or record may show.
/// </summary>
public static partial class SourceUrls
{
    public static bool IsAllowed(Uri url) => url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);

    // Query parameter names that carry secrets: OAuth tokens, API keys, presigned-URL signatures (S3, GCS, Azure SAS).
    private static readonly string[] SecretFragments = ["token", "key", "secret", "password", "passwd", "pwd", "auth", "signature", "credential", "session"];

    public static bool IsSecretParameter(string name)
    {
        var lower = Uri.UnescapeDataString(name).ToLowerInvariant();
        return lower is "sig" or "code" or "pass" || SecretFragments.Any(f => lower.Contains(f, StringComparison.Ordinal));
    }

    /// <summary>What credential <paramref name="url"/> carries ("user-info (a user name or password before the host)", "query parameter 'access_token'"), or null.</summary>
    public static string? CredentialIn(Uri url)
    {
        if (url.UserInfo.Length > 0) return "user-info (a user name or password before the host)";
        var secret = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)[0]).Where(IsSecretParameter).ToList();
        return secret.Count == 0 ? null : $"query parameter{(secret.Count > 1 ? "s" : "")} {string.Join(", ", secret.Select(n => $"'{n}'"))}";
    }

    /// <summary>Any text with the URLs in it made safe to print or store: user-info and secret parameters' values become ***.</summary>
    public static string Redact(string text)
    {
        text = UserInfo().Replace(text, "${scheme}***@");
        return QueryParameter().Replace(text, m => IsSecretParameter(m.Groups["name"].Value) ? $"{m.Groups["lead"].Value}{m.Groups["name"].Value}=***" : m.Value);
    }

    public static string Redact(Uri url) => Redact(url.ToString());

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s@]+@")]
    private static partial System.Text.RegularExpressions.Regex UserInfo();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<lead>[?&;])(?<name>[^=&#\s?;]+)=(?<value>[^&#\s;]*)")]
    private static partial System.Text.RegularExpressions.Regex QueryParameter();
}
