using System.Globalization;
using MarketStats.Core.Contract;
using MarketStats.Core.Domain;
using MarketStats.Core.Privacy;

namespace MarketStats.Synthetic;

/// <summary>Writes a platform's registrations, one file per fiscal year of registration, after its transactions are
/// known (so registered_on never follows an account's first line and last_active_on is its last).</summary>
/// <remarks>In contract v2 each account also carries its per-field encodings and birth-date hashes, from the same typed identity.</remarks>
internal sealed class RegistrationWriter(
    PlatformProfile platform, PopulationModel population, KeyedHasher hasher, ClkEncoder encoder, FieldClkEncoder fieldEncoder,
    int contractVersion, int cutoffDay, int seed)
{
    private readonly Random rng = SeededRandom.Stream(seed, part: 2_000 + platform.Index);
    private readonly AccountBook workers = population.WorkerBooks[platform.Index - 1];
    private readonly AccountBook clients = population.ClientBooks[platform.Index - 1];

    /// <summary>Fixes each account's registration and last-activity dates; call once, after all transactions.</summary>
    public void SettleDates()
    {
        foreach (var book in new[] { workers, clients })
        {
            for (var i = 0; i < book.Accounts.Length; i++)
            {
                ref var a = ref book.Accounts[i];
                var registered = Math.Min(a.PlannedRegisteredDay, a.FirstActiveDay);
                a.PlannedRegisteredDay = registered;
                // Register-only accounts look around for a while after signing up, then stop.
                a.LastActiveDay = a.HasActivity ? a.LastActiveDay : Math.Min(cutoffDay, registered + rng.Next(60));
            }
        }
    }

    public long WriteFiscalYear(string path, int fiscalYear)
    {
        var columns = Columns[contractVersion - 1].Value;
        using var writer = ExportFile.Create(path, platform);
        var row = new CsvRow(writer);
        foreach (var name in columns.Names) row.Text(name);
        row.End();
        var period = $"FY{fiscalYear}";
        long rows = 0;
        foreach (var book in new[] { workers, clients })
        {
            for (var i = 0; i < book.Accounts.Length; i++)
            {
                if (FiscalYear.Of(DateOnly.FromDayNumber(book.Accounts[i].PlannedRegisteredDay)) != fiscalYear) continue;
                WriteAccount(row, columns.Order, period, book, i);
                rows++;
            }
        }
        return rows;
    }

    private void WriteAccount(CsvRow row, RegColumn[] order, string period, AccountBook book, int index)
    {
        ref readonly var a = ref book.Accounts[index];
        var worker = book.IsWorker ? population.Workers[a.Person] : default;
        var client = book.IsWorker ? default : population.Clients[a.Person];
        var typed = TypedIdentity(book, index);
        // BLIP's coin flips from their own stream, so v1 and v2 files of one seed hold the same accounts and identities.
        var fields = contractVersion >= 2
            ? fieldEncoder.Encode(typed, SeededRandom.Stream(seed, part: (book.IsWorker ? 7_000 : 8_000) + platform.Index, subpart: index))
            : null;
        foreach (var column in order)
        {
            switch (column)
            {
                case RegColumn.ContractVersion: row.Text(contractVersion.ToString(CultureInfo.InvariantCulture)); break;
                case RegColumn.ExportPeriod: row.Text(period); break;
                case RegColumn.ExportRevision: row.Text("1"); break;
                case RegColumn.PlatformId: row.Text(platform.PlatformId); break;
                case RegColumn.AccountId: row.Text(book.Ids[index]); break;
                case RegColumn.Kind: row.Text(MarketCodes.Kinds[book.IsWorker ? 0 : 1]); break;
                case RegColumn.ClientType: row.Text(book.IsWorker ? null : MarketCodes.ClientTypes[(int)client.Type]); break;
                case RegColumn.Prefecture:
                    row.Text(TransactionWriter.PrefectureCodes[book.IsWorker ? worker.Prefecture : client.Prefecture]);
                    break;
                case RegColumn.RegisteredOn: row.Date(a.PlannedRegisteredDay); break;
                case RegColumn.LastActiveOn: row.Date(a.LastActiveDay); break;
                case RegColumn.AgeBand: row.Text(book.IsWorker && a.GivesProfile ? MarketCodes.AgeBands[worker.AgeBand] : null); break;
                case RegColumn.Gender: row.Text(book.IsWorker && a.GivesProfile ? MarketCodes.Genders[worker.Gender] : null); break;
                case RegColumn.EmailHmac: row.Text(hasher.Email(Identifiers.Email(book.IsWorker, a))); break;
                case RegColumn.PhoneHmac: row.Text(a.GivesPhone ? hasher.Phone(Identifiers.Phone(book.IsWorker, a.Person, a.Ordinal)) : null); break;
                case RegColumn.CorporateNumberHmac:
                    row.Text(!book.IsWorker && a.GivesProfile && client.HasCorporateNumber ? hasher.CorporateNumber(Identifiers.CorporateNumber(a.Person)) : null);
                    break;
                case RegColumn.IdentityClk: row.Text(encoder.Encode(typed).Base64); break;
                case RegColumn.FamilyNameClk: row.Text(fields![0]); break;
                case RegColumn.GivenNameClk: row.Text(fields![1]); break;
                case RegColumn.FamilyNameKanaClk: row.Text(fields![2]); break;
                case RegColumn.GivenNameKanaClk: row.Text(fields![3]); break;
                case RegColumn.BirthDateHmac: row.Text(hasher.BirthDate(typed.BirthDate)); break;
                case RegColumn.BirthYearHmac: row.Text(hasher.BirthYear(typed.BirthDate)); break;
                case RegColumn.BirthYearMonthHmac: row.Text(hasher.BirthYearMonth(typed.BirthDate)); break;
                case RegColumn.BirthMonthDayHmac: row.Text(hasher.BirthMonthDay(typed.BirthDate)); break;
                case RegColumn.BirthDateUnorderedHmac: row.Text(hasher.BirthDateUnordered(typed.BirthDate)); break;
                default: row.Empty(); break; // any optional field this generator does not fill
            }
        }
        row.End();
    }

    /// <summary>The columns of each contract version (index = version − 1), in the contract's order.</summary>
    private static readonly Lazy<(string[] Names, RegColumn[] Order)>[] Columns =
        [.. ExportContract.Versions.Select(version => new Lazy<(string[] Names, RegColumn[] Order)>(() =>
        {
            var names = ExportContract.Of(version).ColumnsOf(RecordKind.Registrations).Select(c => c.Name).ToArray();
            return (names, [.. names.Select(n => Enum.TryParse<RegColumn>(n.Replace("_", ""), ignoreCase: true, out var c) ? c : RegColumn.Unknown)]);
        }))];

    private enum RegColumn
    {
        Unknown, ContractVersion, ExportPeriod, ExportRevision, PlatformId, AccountId, Kind, ClientType, Prefecture,
        RegisteredOn, LastActiveOn, AgeBand, Gender, EmailHmac, PhoneHmac, CorporateNumberHmac, IdentityClk,
        FamilyNameClk, GivenNameClk, FamilyNameKanaClk, GivenNameKanaClk, BirthDateHmac, BirthYearHmac,
        BirthYearMonthHmac, BirthMonthDayHmac, BirthDateUnorderedHmac,
    }

    /// <summary>The identity as this account typed it; its own random stream, so noise never shifts other columns.</summary>
    private IdentityFields TypedIdentity(AccountBook book, int index)
    {
        var person = book.Accounts[index].Person;
        var identity = book.IsWorker
            ? SyntheticIdentity.ForWorker(seed, person, population.Workers[person].Prefecture, population.Workers[person].AgeBand)
            : SyntheticIdentity.ForClient(seed, person, population.Clients[person].Prefecture, population.Clients[person].HasCorporateNumber);
        var noise = SeededRandom.Stream(seed, part: (book.IsWorker ? 5_000 : 6_000) + platform.Index, subpart: index);
        return SyntheticIdentity.AsTyped(identity, noise);
    }
}

/// <summary>The raw e-mail, phone and corporate number behind the hashes; they exist only in memory, never on disk.</summary>
internal static class Identifiers
{
    private static readonly string[] EmailDomains = ["example.jp", "example.com", "example.ne.jp", "example.co.jp"];
    private static readonly string[] MobilePrefixes = ["090", "080", "070"];

    public static string? Email(bool isWorker, in Account account)
    {
        var letter = isWorker ? 'w' : 'c';
        var email = account.Email switch
        {
            EmailVariant.Primary => $"{letter}{account.Person}@{EmailDomains[account.Person % EmailDomains.Length]}",
            EmailVariant.Alternate => $"{letter}{account.Person}.{account.Ordinal}@mail.example.org",
            _ => null,
        };
        return account.ShoutedEmail ? email?.ToUpperInvariant() : email;
    }

    /// <summary>Workers give a mobile number, clients an IP-phone number: distinct for every person.</summary>
    public static string Phone(bool isWorker, int person, int ordinal)
    {
        var n = (person * 7919L + 12_345) % 100_000_000;
        var prefix = isWorker ? MobilePrefixes[person % MobilePrefixes.Length] : "050";
        // Platforms store numbers in different shapes; the normaliser must bring them together.
        return ordinal % 2 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n / 10_000:D4}-{n % 10_000:D4}")
            : string.Create(CultureInfo.InvariantCulture, $"+81 {prefix[1..]} {n / 10_000:D4} {n % 10_000:D4}");
    }

    /// <summary>A valid 13-digit corporate number (check digit first), distinct for every organisation.</summary>
    public static string CorporateNumber(int organisation)
    {
        var base12 = ((organisation * 104_729L + 100_000_000_007L) % 1_000_000_000_000L).ToString("D12", CultureInfo.InvariantCulture);
        return IdentifierNormaliser.CorporateNumberCheckDigit(base12).ToString(CultureInfo.InvariantCulture) + base12;
    }
}
