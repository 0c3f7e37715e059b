using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>What to generate: a synthetic inbox of member exports plus the ground truth that explains it.</summary>
/// <param name="OutDir">The inbox: one folder per platform, named by its platform_id.</param>
/// <param name="Transactions">Total transaction rows across all platforms and fiscal years.</param>
/// <param name="TruthPath">Ground-truth CSV; defaults to <c>&lt;OutDir&gt;-ground-truth.csv</c>, beside the inbox, never in it.</param>
/// <param name="Key">Association key for the <c>*_hmac</c> columns; defaults to <see cref="AssociationKey.FromSeed"/>.</param>
/// <param name="ContractVersion">The contract version the registrations are written in: 1, 2 with the per-field encodings, or 3 with the birth date's parts too.</param>
public sealed record GeneratorOptions(
    string OutDir,
    int Seed = 42,
    int FirstFiscalYear = 2023,
    int LastFiscalYear = 2025,
    int Platforms = 30,
    long Transactions = 20_000,
    string? TruthPath = null,
    AssociationKey? Key = null,
    int ContractVersion = 1);

/// <summary>What <see cref="MarketGenerator.Generate"/> wrote.</summary>
public sealed record GeneratorResult(
    IReadOnlyList<string> ExportFiles,
    string TruthPath,
    long TransactionRows,
    long RegistrationRows,
    int Platforms);
