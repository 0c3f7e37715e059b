using System.Reflection;

namespace MarketStats.Tests;

/// <summary>
/// The layering of docs/architecture.md, checked on the compiled assemblies: each project may use only the projects
/// beneath it on the data's path (ingest → staging/models → linkage → marts → reports; the pipeline composes them; the
/// scheduler and the CLI call the pipeline). A reference the table does not allow fails here, not in review.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Project (assembly) → the project assemblies it may reference. Keep in step with docs/architecture.md.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["MarketStats.Core"] = [],
        ["MarketStats.Ingest"] = ["MarketStats.Core"],
        ["MarketStats.Models"] = ["MarketStats.Core"],
        ["MarketStats.Linkage"] = ["MarketStats.Core"],
        ["MarketStats.Reports"] = ["MarketStats.Core"],
        ["MarketStats.Synthetic"] = ["MarketStats.Core"],
        // The notebooks' loader reads marts and the linker's tables read-only; Linkage for its settings (the link
        // threshold), Reports for labels and the chart style with its font.
        ["MarketStats.Analysis"] = ["MarketStats.Core", "MarketStats.Linkage", "MarketStats.Reports"],
        ["MarketStats.Pipeline"] = ["MarketStats.Core", "MarketStats.Ingest", "MarketStats.Models", "MarketStats.Linkage", "MarketStats.Reports"],
        // The scheduler runs steps only through the pipeline; it reads their results (Ingest's and Linkage's summaries).
        ["MarketStats.Scheduling"] = ["MarketStats.Core", "MarketStats.Ingest", "MarketStats.Linkage", "MarketStats.Pipeline"],
        ["marketstats"] = ["MarketStats.Core", "MarketStats.Ingest", "MarketStats.Models", "MarketStats.Linkage", "MarketStats.Reports",
            "MarketStats.Synthetic", "MarketStats.Pipeline", "MarketStats.Scheduling"],
    };

    private static bool IsProject(string name) => name == "marketstats" || (name.StartsWith("MarketStats.", StringComparison.Ordinal) && name != "MarketStats.Tests");

    public static TheoryData<string> Projects() => [.. Allowed.Keys];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Each_project_references_only_the_layers_beneath_it(string project)
    {
        var assembly = Assembly.Load(project);
        var used = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(IsProject).Order(StringComparer.Ordinal).ToList();
        var forbidden = used.Except(Allowed[project]).ToList();
        Assert.True(forbidden.Count == 0, $"{project} references {string.Join(", ", forbidden)}, which docs/architecture.md does not allow");
    }

    [Fact]
    public void Every_project_in_the_build_is_in_the_layering_table()
    {
        var folder = Path.GetDirectoryName(typeof(ArchitectureTests).Assembly.Location)!;
        var built = Directory.GetFiles(folder, "*.dll").Concat(Directory.GetFiles(folder, "marketstats.dll"))
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().Where(IsProject).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), built);
    }

    /// <summary>Inside Reports, Disclosure ← shared pieces (labels, chart style, market size) ← Survey ← Benchmarks (a member's
    /// benchmark reads the survey's release): what the survey
    /// builds on never reaches back into it. Checked on every member's signature (fields, properties, parameters, returns).</summary>
    [Theory]
    [InlineData("MarketStats.Reports.Disclosure", "MarketStats.Reports")]
    [InlineData("MarketStats.Reports", "MarketStats.Reports.Survey")]
    [InlineData("MarketStats.Reports", "MarketStats.Reports.Extracts")]
    [InlineData("MarketStats.Reports.Survey", "MarketStats.Reports.Extracts")]
    [InlineData("MarketStats.Reports.Extracts", "MarketStats.Reports.Survey")]
    [InlineData("MarketStats.Reports", "MarketStats.Reports.Benchmarks")]
    [InlineData("MarketStats.Reports.Survey", "MarketStats.Reports.Benchmarks")]
    public void Report_namespaces_build_on_each_other_without_a_cycle(string lower, string upper)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var offenders = Assembly.Load("MarketStats.Reports").GetTypes().Where(t => t.Namespace == lower)
            .SelectMany(t => t.GetFields(all).Select(f => f.FieldType)
                .Concat(t.GetProperties(all).Select(p => p.PropertyType))
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .SelectMany(Flatten).Where(used => used.Namespace == upper || (used.Namespace?.StartsWith(upper + ".", StringComparison.Ordinal) == true && !lower.StartsWith(used.Namespace, StringComparison.Ordinal)))
                .Select(used => $"{t.Name} uses {used.FullName}"))
            .Distinct().ToList();
        Assert.True(offenders.Count == 0, string.Join("; ", offenders));
    }

    private static IEnumerable<Type> Flatten(Type type) =>
        type.HasElementType ? Flatten(type.GetElementType()!)
        : type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten).Append(type.GetGenericTypeDefinition())
        : [type];
}
