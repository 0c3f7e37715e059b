using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MarketStats.Tests.Support;

/// <summary>A real HTTP server on 127.0.0.1 (HttpListener) playing a member platform: a manifest and its export files, with ETags.</summary>
/// <remarks>Each file can be given a misbehaviour for its first N requests (500, a truncated body, a slow answer) to test the puller's retries.</remarks>
public sealed class ExportServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> declaredSha = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue<Misbehaviour>> misbehaviours = new(StringComparer.Ordinal);
    private readonly Task loop;

    /// <summary>Every request as "GET /path If-None-Match=… Authorization=…", in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();
    public string BaseUrl { get; }
    public string ManifestUrl => BaseUrl + "manifest.json";

    /// <summary>When set, served as the manifest instead of the one built from the offered files (to plant entries).</summary>
    public string? ManifestJson { get; set; }

    public enum Misbehaviour { ServerError, TruncatedBody, SlowAnswer }

    public ExportServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try { listener.Start(); BaseUrl = $"http://127.0.0.1:{port}/"; break; }
            catch (HttpListenerException) when (attempt < 5) { /* the port was taken between probing and binding: try another */ }
        }
        loop = Task.Run(Serve);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Offers a file; <paramref name="manifestSha256"/> overrides the hash the manifest declares (to plant a mismatch).</summary>
    public ExportServer Offer(string name, byte[] content, string? manifestSha256 = null)
    {
        lock (files)
        {
            files[name] = content;
            declaredSha[name] = manifestSha256 ?? Sha256(content);
        }
        return this;
    }

    public ExportServer Misbehave(string name, Misbehaviour how, int times = 1)
    {
        var queue = misbehaviours.GetOrAdd(name, _ => new Queue<Misbehaviour>());
        lock (queue) for (var i = 0; i < times; i++) queue.Enqueue(how);
        return this;
    }

    public int CountRequests(string path) => Requests.Count(r => r.StartsWith("GET /" + path + " ", StringComparison.Ordinal));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
    private static string ETagOf(byte[] content) => "\"" + Sha256(content)[..16] + "\"";

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Answer(context));
        }
    }

    private async Task Answer(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath.TrimStart('/');
        var ifNoneMatch = context.Request.Headers["If-None-Match"];
        Requests.Enqueue($"GET /{path} If-None-Match={ifNoneMatch} Authorization={context.Request.Headers["Authorization"]}");
        var response = context.Response;
        try
        {
            byte[] body;
            lock (files)
            {
                if (path == "manifest.json" && ManifestJson is not null)
                    body = Encoding.UTF8.GetBytes(ManifestJson);
                else if (path == "manifest.json")
                    body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
                    {
                        files = files.Keys.Order(StringComparer.Ordinal).Select(n => new { name = n, size = files[n].Length, sha256 = declaredSha[n] }),
                    }));
                else if (files.TryGetValue(Uri.UnescapeDataString(path), out var content))
                    body = content;
                else
                {
                    response.StatusCode = 404;
                    response.Close();
                    return;
                }
            }
            var etag = ETagOf(body);
            if (ifNoneMatch == etag)
            {
                response.StatusCode = 304;
                response.Close();
                return;
            }
            Misbehaviour? trouble = null;
            if (misbehaviours.TryGetValue(path, out var queue))
                lock (queue) if (queue.Count > 0) trouble = queue.Dequeue();
            switch (trouble)
            {
                case Misbehaviour.ServerError:
                    response.StatusCode = 500;
                    response.Close();
                    return;
                case Misbehaviour.TruncatedBody:
                    // Promise the whole length, send half, and drop the connection.
                    response.ContentLength64 = body.Length;
                    await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    return;
                case Misbehaviour.SlowAnswer:
                    await Task.Delay(TimeSpan.FromSeconds(3));
                    break;
            }
            response.Headers["ETag"] = etag;
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client gave up (a timeout test): nothing to answer.
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { /* the loop ends by an exception when the listener closes */ }
    }
}
