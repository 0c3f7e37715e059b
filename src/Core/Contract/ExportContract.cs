using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketStats.Core.Contract;

/// <summary>The export contract members write against, read from its one machine-readable definition.</summary>
/// <remarks>
/// The validator, the synthetic generator and the generated documentation all read this same object, so a code
/// list or a field changes in exactly one place: <c>export-contract.v1.json</c>.
/// </remarks>
public sealed class ExportContract
{
    public required string Contract { get; init; }
    public required int Version { get; init; }
    public required Dictionary<string, string[]> CodeLists { get; init; }
    public required FieldSpec[] Envelope { get; init; }
    public required Dictionary<string, RecordSpec> Records { get; init; }
    public required Dictionary<string, StageRule> Stages { get; init; }
    public required ContractLimits Limits { get; init; }

    public RecordSpec Transactions => Records[RecordKind.Transactions];
    public RecordSpec Registrations => Records[RecordKind.Registrations];

    /// <summary>All columns a file of this kind may carry: the envelope, then the record's fields.</summary>
    public IReadOnlyList<FieldSpec> ColumnsOf(string recordKind) => [.. Envelope, .. Records[recordKind].Fields];

    private static readonly Lazy<ExportContract> V1Instance = new(() => Load("export-contract.v1.json"));

    /// <summary>Contract v1, as published to members.</summary>
    public static ExportContract V1 => V1Instance.Value;

    public static string V1Json => ReadResource("export-contract.v1.json");

    private static ExportContract Load(string resource)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        };
        return JsonSerializer.Deserialize<ExportContract>(ReadResource(resource), options)
               ?? throw new InvalidOperationException($"Contract resource {resource} is empty.");
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(ExportContract).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

public sealed class RecordSpec
{
    public required string Grain { get; init; }
    public required string[] Key { get; init; }
    /// <summary>The date column that must fall inside the file's declared <c>export_period</c>.</summary>
    public required string PeriodDate { get; init; }
    public required FieldSpec[] Fields { get; init; }

    public FieldSpec Field(string name) => Fields.Single(f => f.Name == name);
}

public sealed class FieldSpec
{
    public required string Name { get; init; }
    public required FieldType Type { get; init; }
    public string? CodeList { get; init; }
    public required bool Required { get; init; }
    public required string En { get; init; }
    public required string Ja { get; init; }
}

public enum FieldType { Id, Code, Date, Yen, Prefecture, Hmac, Clk, Int, Period }

public sealed class StageRule
{
    public required string[] Requires { get; init; }
    public required string[] Forbids { get; init; }
}

public sealed class ContractLimits
{
    public required string EarliestDate { get; init; }
    public required long MaxYenPerLine { get; init; }
    public required string IdPattern { get; init; }
}

public static class RecordKind
{
    public const string Transactions = "transactions";
    public const string Registrations = "registrations";
    public static readonly string[] All = [Transactions, Registrations];
}
