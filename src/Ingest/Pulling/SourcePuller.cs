using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest.Pulling;

/// <summary>What one pull did, by file name.</summary>
public sealed record PullSummary(string Platform, IReadOnlyList<string> Landed, IReadOnlyList<string> Skipped, IReadOnlyList<string> Quarantined, IReadOnlyList<string> Failed)
{
    /// <summary>Drop-folder entries not copied because they are not regular files (links, pipes, devices) or too large: "name: [rule] why".</summary>
    public IReadOnlyList<string> Refused { get; init; } = [];
    public bool AnyRefused => Refused.Count > 0;
    public bool AnyFailed => Failed.Count > 0;
    public bool AnyQuarantined => Quarantined.Count > 0;
}

/// <summary>Brings one member platform's new export files into INBOX/&lt;platform&gt;/, whole and verified, or not at all.</summary>
/// <remarks>
/// Every file is written to LANDING/&lt;platform&gt;/&lt;name&gt;.part while its SHA-256 is computed, checked against the
/// manifest's size and hash, and only then moved into the inbox: first under a hidden name (which ingest ignores),
/// then renamed within the inbox folder, an atomic step even when landing and inbox are on different file systems.
/// A file whose size or hash is wrong goes whole to QUARANTINE/&lt;platform&gt;/ with an .errors.txt beside it.
/// What has landed is remembered (hash and the server's ETag / Last-Modified) so a re-run asks with If-None-Match /
/// If-Modified-Since and downloads nothing that has not changed. Transient failures (5xx, 408, 429, dropped or
/// truncated connections, a server slower than the timeout) are retried with exponential backoff.
/// </remarks>
public sealed class SourcePuller(PullFolders folders, HttpPullSettings settings, HttpClient http, TimeProvider clock)
{
    private const string PartialSuffix = ".part";

    public async Task<PullSummary> PullAsync(PullSource source, CancellationToken ct)
    {
        var landing = Path.Combine(folders.Landing, source.Platform);
        Directory.CreateDirectory(landing);
        // A run killed mid-download leaves a .part behind: it was never verified, so it is only ever deleted.
        foreach (var stale in Directory.GetFiles(landing, "*" + PartialSuffix)) File.Delete(stale);
        var state = PullState.Load(landing);
        var result = new Collector(source.Platform);
        if (source.DropFolder is not null) await PullDropFolder(source, landing, state, result, ct);
        else await PullManifest(source, landing, state, result, ct);
        return result.Summary();
    }

    // ---------------------------------------------------------------- drop folder

    private async Task PullDropFolder(PullSource source, string landing, PullState state, Collector result, CancellationToken ct)
    {
        var drop = source.DropFolder!;
        if (!Directory.Exists(drop)) throw new PullException($"The drop folder {drop} of platform {source.Platform} does not exist.");
        foreach (var file in Directory.GetFiles(drop).Where(Ingestor.IsCandidate).Order(StringComparer.Ordinal))
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            // Regular files only: a link to /etc/shadow or /dev/zero, a pipe or a device is refused, never followed.
            if (RegularFile.WhyNot(file) is { } why)
            {
                result.Refused.Add($"{name}: [{RuleIds.NotRegular}] the file {why}; only regular files are copied");
                continue;
            }
            var before = new FileInfo(file);
            if (before.Length > DecompressionLimits.Default.MaxBytes)
            {
                result.Refused.Add($"{name}: [{RuleIds.TooLarge}] the file holds {DecompressionLimits.Size(before.Length)}, more than {DecompressionLimits.Size(DecompressionLimits.Default.MaxBytes)}");
                continue;
            }
            FileStream input;
            try
            {
                input = RegularFile.OpenRead(file);
            }
            catch (UnreadableFileException e) // swapped for a link or pipe since the check
            {
                result.Refused.Add($"{name}: [{e.Rule}] {e.Message}");
                continue;
            }
            var part = Path.Combine(landing, name + PartialSuffix);
            // A file growing while copied is taken on a later run: never copy more than it held when looked at.
            var (sha256, size) = await CopyHashing(input, part, ct, maxBytes: before.Length + 1);
            var after = new FileInfo(file);
            if (after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
            {
                // The member is still writing it: take it on a later run, whole.
                File.Delete(part);
                result.Skipped.Add(name);
                continue;
            }
            if (state.Files.TryGetValue(name, out var landed) && landed.Sha256 == sha256)
            {
                File.Delete(part);
                result.Skipped.Add(name);
                continue;
            }
            Promote(part, source.Platform, name);
            state.Files[name] = new LandedFile { Sha256 = sha256, Size = size };
            state.Save(landing);
            result.Landed.Add(name);
        }
    }

    // ---------------------------------------------------------------- HTTPS manifest

    private async Task PullManifest(PullSource source, string landing, PullState state, Collector result, CancellationToken ct)
    {
        var manifestUrl = source.ManifestUrl!;
        if (!SourceUrls.IsAllowed(manifestUrl)) throw new PullException($"Refusing {SourceUrls.Redact(manifestUrl)}: sources must use https (plain http only for loopback test servers).");
        var token = source.BearerToken?.Invoke();

        var manifestResponse = await WithRetries($"the manifest of platform {source.Platform}", async attemptCt =>
        {
            using var request = Request(manifestUrl, token, manifestUrl, state.ManifestETag, state.ManifestLastModified);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCt);
            if (response.StatusCode == HttpStatusCode.NotModified) return (Text: (string?)null, Validators: Validators.Of(response));
            ThrowUnlessSuccess(response, manifestUrl);
            return (Text: await response.Content.ReadAsStringAsync(attemptCt), Validators: Validators.Of(response));
        }, ct);
        if (manifestResponse.Text is null)
        {
            result.Skipped.AddRange(state.Files.Keys.Order(StringComparer.Ordinal));
            return;
        }

        var manifest = Manifest.Parse(manifestResponse.Text, manifestUrl);
        foreach (var file in manifest.Files)
        {
            ct.ThrowIfCancellationRequested();
            var expectedSha = file.Sha256.ToLowerInvariant();
            state.Files.TryGetValue(file.Name, out var landed);
            if (landed?.Sha256 == expectedSha)
            {
                result.Skipped.Add(file.Name);
                continue;
            }
            var url = new Uri(manifestUrl, file.Url ?? Uri.EscapeDataString(file.Name));
            if (!SourceUrls.IsAllowed(url))
            {
                result.Failed.Add($"{file.Name}: the manifest points at {SourceUrls.Redact(url)}, which is not https");
                continue;
            }
            var part = Path.Combine(landing, file.Name + PartialSuffix);
            try
            {
                var download = await WithRetries($"{file.Name} of platform {source.Platform}", async attemptCt =>
                {
                    using var request = Request(url, token, manifestUrl, landed?.ETag, landed?.LastModified);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCt);
                    if (response.StatusCode == HttpStatusCode.NotModified) return (Hash: (string?)null, Size: 0L, Validators: Validators.Of(response));
                    ThrowUnlessSuccess(response, url);
                    // Never more than the manifest's size (and a little): an endless body ends as a size mismatch.
                    var (sha, size) = await CopyHashing(await response.Content.ReadAsStreamAsync(attemptCt), part, attemptCt, maxBytes: file.Size + 1);
                    return (Hash: (string?)sha, Size: size, Validators: Validators.Of(response));
                }, ct);
                if (download.Hash is null)
                {
                    result.Skipped.Add(file.Name);
                    continue;
                }
                if (download.Size != file.Size || download.Hash != expectedSha)
                {
                    var problem = download.Size != file.Size
                        ? $"size {download.Size.ToString(CultureInfo.InvariantCulture)} bytes, but the manifest says {file.Size.ToString(CultureInfo.InvariantCulture)}"
                        : $"SHA-256 {download.Hash}, but the manifest says {expectedSha}";
                    result.Quarantined.Add(QuarantineDownload(part, source.Platform, file.Name, url, problem));
                    continue;
                }
                Promote(part, source.Platform, file.Name);
                state.Files[file.Name] = new LandedFile
                {
                    Sha256 = expectedSha, Size = download.Size,
                    ETag = download.Validators.ETag ?? file.ETag, LastModified = download.Validators.LastModified,
                };
                state.Save(landing);
                result.Landed.Add(file.Name);
            }
            catch (PullException e)
            {
                File.Delete(part);
                result.Failed.Add($"{file.Name}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                File.Delete(part);
                throw;
            }
        }
        // Remember the manifest's validators only when every file is in: otherwise a 304 would hide a file that failed.
        if (result.Failed.Count == 0)
        {
            state.ManifestETag = manifestResponse.Validators.ETag;
            state.ManifestLastModified = manifestResponse.Validators.LastModified;
            state.Save(landing);
        }
    }

    private static HttpRequestMessage Request(Uri url, string? token, Uri manifestUrl, string? etag, string? lastModified)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        // The token goes only to the manifest's own origin, never to a host a manifest entry points at.
        if (token is not null && Uri.Compare(url, manifestUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
        if (lastModified is not null && DateTimeOffset.TryParse(lastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
            request.Headers.IfModifiedSince = since;
        return request;
    }

    private static void ThrowUnlessSuccess(HttpResponseMessage response, Uri url)
    {
        if (response.IsSuccessStatusCode) return;
        var code = (int)response.StatusCode;
        var message = $"{SourceUrls.Redact(url)} answered {code.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}";
        if (code >= 500 || code is 408 or 429) throw new HttpRequestException(message, null, response.StatusCode); // transient: retried
        throw new PullException(message);
    }

    /// <summary>Runs one attempt at a time, each with its own timeout, retrying transient failures with exponential backoff.</summary>
    private async Task<T> WithRetries<T>(string what, Func<CancellationToken, Task<T>> attempt, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds);
        var backoff = TimeSpan.FromSeconds(settings.InitialBackoffSeconds);
        for (var n = 1; ; n++)
        {
            using var timeoutSource = new CancellationTokenSource(timeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutSource.Token);
            string failure;
            try
            {
                return await attempt(linked.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = $"no complete answer within {settings.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s";
            }
            catch (HttpRequestException e)
            {
                failure = SourceUrls.Redact(e.Message);
            }
            catch (IOException e) // a connection dropped mid-body: the download is incomplete
            {
                failure = SourceUrls.Redact(e.Message);
            }
            if (n >= settings.MaxAttempts)
                throw new PullException($"Could not fetch {what} after {n.ToString(CultureInfo.InvariantCulture)} attempt(s): {failure}");
            await Task.Delay(backoff, clock, ct);
            backoff *= 2;
        }
    }

    private static async Task<(string Sha256, long Size)> CopyHashing(Stream source, string destination, CancellationToken ct, long maxBytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (source)
        await using (var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
                size += read;
                if (size > maxBytes) break;
            }
            await output.FlushAsync(ct);
            output.Flush(flushToDisk: true); // the rename that follows must never publish bytes still in a cache
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>Moves a verified file into INBOX/&lt;platform&gt;/: under a hidden name first, then one rename inside the inbox folder.</summary>
    private void Promote(string part, string platform, string name)
    {
        var inbox = Path.Combine(folders.Inbox, platform);
        Directory.CreateDirectory(inbox);
        var incoming = Path.Combine(inbox, "." + name + ".incoming");
        File.Move(part, incoming, overwrite: true);
        File.Move(incoming, Path.Combine(inbox, name), overwrite: true);
    }

    private string QuarantineDownload(string part, string platform, string name, Uri url, string problem)
    {
        var folder = Path.Combine(folders.Quarantine, platform);
        Directory.CreateDirectory(folder);
        var destination = Path.Combine(folder, name);
        for (var n = 1; File.Exists(destination); n++)
            destination = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)}.{n.ToString(CultureInfo.InvariantCulture)}{Path.GetExtension(name)}");
        File.WriteAllText(destination + ".errors.txt",
            $"File: {name}\nFrom: {SourceUrls.Redact(url)}\nDownloaded at: {clock.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'}\n" +
            $"The download does not match the manifest: {problem}. It was not put in the inbox; nothing from it was loaded.\n");
        File.Move(part, destination);
        return destination;
    }

    private readonly record struct Validators(string? ETag, string? LastModified)
    {
        public static Validators Of(HttpResponseMessage response) => new(
            response.Headers.ETag?.ToString(),
            response.Content.Headers.LastModified?.ToString("r", CultureInfo.InvariantCulture));
    }

    private sealed class Collector(string platform)
    {
        public List<string> Landed { get; } = [];
        public List<string> Skipped { get; } = [];
        public List<string> Quarantined { get; } = [];
        public List<string> Failed { get; } = [];
        public List<string> Refused { get; } = [];
        public PullSummary Summary() => new(platform, Landed, Skipped, Quarantined, Failed) { Refused = Refused };
    }
}
