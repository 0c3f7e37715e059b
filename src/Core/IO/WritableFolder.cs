namespace MarketStats.Core.IO;

/// <summary>A folder a run will write to, checked before any work starts, so a bad path stops the run at once, not halfway.</summary>
public static class WritableFolder
{
    /// <summary>Creates the folder and proves a file can be written and removed there; else an <see cref="IOException"/> naming it as <paramref name="what"/>.</summary>
    public static void Ensure(string folder, string what)
    {
        var full = Path.GetFullPath(folder);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the {what} {full} cannot be written ({e.Message.TrimEnd('.')}); nothing was done.", e);
        }
    }
}
