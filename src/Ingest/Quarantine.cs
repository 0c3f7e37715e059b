using System.Text;
using MarketStats.Core.IO;
using MarketStats.Ingest.Validation;

namespace MarketStats.Ingest;

/// <summary>Where a rejected file goes, whole, with a report of every broken rule beside it.</summary>
public static class Quarantine
{
    /// <summary>Checked before the first file, so that a run that would need it stops before any file is loaded.</summary>
    public static void EnsureUsable(string quarantineRoot) => WritableFolder.Ensure(quarantineRoot, "quarantine folder (--quarantine)");

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
