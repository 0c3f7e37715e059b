using System.Text;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest;

/// <summary>Where a rejected file goes, whole, with a report of every broken rule beside it.</summary>
public static class Quarantine
{
    /// <summary>
    /// Creates the quarantine folder and proves a file can be written and removed there, so that a run that would need
    /// it stops before the first file, not after some were loaded. Throws <see cref="IOException"/> naming the folder.
    /// </summary>
    public static void EnsureUsable(string quarantineRoot)
    {
        var full = Path.GetFullPath(quarantineRoot);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the quarantine folder {full} cannot be used ({e.Message.TrimEnd('.')}); nothing was ingested. Give --quarantine a folder that can be written.", e);
        }
    }

    /// <summary>Writes the report, then moves the file; returns the file's new path.</summary>
    public static string Move(string path, string platformId, FileCheck check, string quarantineRoot)
    {
        var folder = Path.Combine(quarantineRoot, platformId);
        Directory.CreateDirectory(folder);
        var destination = Path.Combine(folder, Path.GetFileName(path));
        for (var n = 1; File.Exists(destination); n++)
            destination = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(path)}.{n}{Path.GetExtension(path)}");
        // The report lands first: if we stop between the two steps, the file is still in the inbox and is re-checked next run.
        File.WriteAllText(destination + ".errors.txt", Report(check), new UTF8Encoding(false));
        File.Move(path, destination);
        return destination;
    }

    public static string Report(FileCheck check)
    {
        var text = new StringBuilder();
        text.AppendLine($"File: {check.File}");
        text.AppendLine($"Record kind: {check.RecordKind ?? "unknown"}; rows read: {check.Rows:N0}; errors: {check.ErrorCount:N0}");
        text.AppendLine("The whole file was refused; nothing from it was loaded. Fix the rules below and deliver it again.");
        text.AppendLine();
        text.AppendLine("Summary by rule:");
        foreach (var v in check.Violations)
            text.AppendLine($"  {v.Rule,-28} {v.Column ?? "-",-22} {v.Count,10:N0} row(s)");
        text.AppendLine();
        text.AppendLine($"Errors (first {FileValidator.ExamplesPerRule} per rule):");
        foreach (var e in check.Examples)
            text.AppendLine("  " + e);
        return text.ToString();
    }
}
