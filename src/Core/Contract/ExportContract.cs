using System.Text.Json;
using System.Text.Json.Serialization;

namespace MarketStats.Core.Contract;

/// <summary>The export contract members write against, read from its one machine-readable definition.</summary>
/// <remarks>
/// The validator, the synthetic generator and the generated documentation all read this same object, so a code
/// list or a field changes in exactly one place: <c>export-contract.v1.json</c>, and for the fields a later version
/// adds, that version's file (<c>export-contract.v2.json</c>). A new version only adds optional fields, never changes
/// one, so version N is version N−1 plus its additions and every older file stays valid.
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
    private static readonly Lazy<ExportContract> V2Instance = new(() => Extend(V1, "export-contract.v2.json"));
    private static readonly Lazy<ExportContract> V3Instance = new(() => Extend(V2, "export-contract.v3.json"));

    /// <summary>Contract v1, as published to members.</summary>
    public static ExportContract V1 => V1Instance.Value;

    /// <summary>Contract v2: v1 plus the per-field encodings of registrations.</summary>
    public static ExportContract V2 => V2Instance.Value;

    /// <summary>Contract v3: v2 plus keyed hashes of the birth date's parts (a mistyped day, year, or day and month swapped).</summary>
    public static ExportContract V3 => V3Instance.Value;

    /// <summary>The newest version: every column any accepted file may carry (each field says since which version).</summary>
    public static ExportContract Latest => V3;

    /// <summary>The versions a file may declare in <c>contract_version</c>.</summary>
    public static readonly int[] Versions = [1, 2, 3];

    /// <summary>The contract of one version.</summary>
    public static ExportContract Of(int version) => version switch
    {
        1 => V1,
        2 => V2,
        3 => V3,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, $"contract versions: {string.Join(", ", Versions)}"),
    };

    /// <summary>The published definition of one version: v1's whole file, or a later version's additions.</summary>
    public static string JsonOf(int version) => ReadResource($"export-contract.v{Of(version).Version}.json");

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static ExportContract Load(string resource) =>
        JsonSerializer.Deserialize<ExportContract>(ReadResource(resource), JsonOptions)
        ?? throw new InvalidOperationException($"Contract resource {resource} is empty.");

    /// <summary>A later version: <paramref name="previous"/> with the optional fields its resource adds, each marked with its version.</summary>
    private static ExportContract Extend(ExportContract previous, string resource)
    {
        var additions = JsonSerializer.Deserialize<ContractAdditions>(ReadResource(resource), JsonOptions)
                        ?? throw new InvalidOperationException($"Contract resource {resource} is empty.");
        if (additions.Extends != previous.Version || additions.Contract != previous.Contract)
            throw new InvalidOperationException($"{resource} extends {additions.Contract} v{additions.Extends}, not v{previous.Version}.");
        var records = previous.Records.ToDictionary(r => r.Key, r =>
        {
            var added = additions.Adds.GetValueOrDefault(r.Key) ?? [];
            if (added.FirstOrDefault(f => f.Required || r.Value.Fields.Any(old => old.Name == f.Name)) is { } bad)
                throw new InvalidOperationException($"{resource}: {bad.Name} must be a new, optional field (a version adds, never changes).");
            return new RecordSpec
            {
                Grain = r.Value.Grain, Key = r.Value.Key, PeriodDate = r.Value.PeriodDate,
                Fields = [.. r.Value.Fields, .. added.Select(f => f.AddedIn(additions.Version))],
            };
        });
        return new ExportContract
        {
            Contract = previous.Contract, Version = additions.Version, CodeLists = previous.CodeLists, Envelope = previous.Envelope,
            Records = records, Stages = previous.Stages, Limits = previous.Limits,
        };
    }

    /// <summary>The shape of a later version's file: which version it extends and the fields it adds per record kind.</summary>
    private sealed class ContractAdditions
    {
        public required string Contract { get; init; }
        public required int Version { get; init; }
        public required int Extends { get; init; }
        public required Dictionary<string, FieldSpec[]> Adds { get; init; }
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

    /// <summary>The contract version that added the field; a file declaring an older version must not carry it.</summary>
    public int Since { get; init; } = 1;

    internal FieldSpec AddedIn(int version) => new()
    {
        Name = Name, Type = Type, CodeList = CodeList, Required = Required, En = En, Ja = Ja, Since = version,
    };
}

/// <remarks><c>Clk</c> is the record-level encoding (<c>identity_clk</c>); <c>FieldClk</c> the shorter per-field encodings of v2.</remarks>
public enum FieldType { Id, Code, Date, Yen, Prefecture, Hmac, Clk, FieldClk, Int, Period }

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
