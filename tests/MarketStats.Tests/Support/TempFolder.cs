namespace MarketStats.Tests.Support;

/// <summary>A folder under /tmp that is removed when the test ends.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("marketstats-test-").FullName;

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a killed child process may still hold a file for a moment; /tmp is cleaned anyway */ }
    }
}
