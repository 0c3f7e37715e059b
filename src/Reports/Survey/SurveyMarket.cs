using System.Globalization;
using MarketStats.Core.Storage;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>One measure of the accounts-and-persons table, with its solved disclosure status.</summary>
public sealed record PersonsMeasure(long Value, Suppression Status)
{
    public bool Published => Status == Suppression.None;
}

/// <summary>Registered accounts, unique registered persons and unique active persons of one kind, year and platform-count band.</summary>
/// <param name="Band">'1', '2', '3+' platforms registered on; null for all persons.</param>
public sealed record RegisteredPersonsRow(int FiscalYear, string Kind, string? Band, PersonsMeasure Accounts, PersonsMeasure RegisteredPersons, PersonsMeasure ActivePersons);

/// <summary>
/// The survey's sections on the market beyond the members' transaction totals: accounts against unique persons, the
/// whole market grossed up from a list of non-members, and like-for-like growth.
/// </summary>
public sealed class SurveyMarket
{
    public static readonly IReadOnlyList<string> Kinds = ["worker", "client"];
    public static readonly IReadOnlyList<string> Bands = ["1", "2", "3+"];

    private readonly List<(int Year, string Kind, string? Band, long Accounts, long Registered, long Active, DisclosureInput Sdc)> persons = [];
    private readonly List<PlatformYear> platformYears = [];
    private readonly int fiscalYear;

    private SurveyMarket(int fiscalYear) => this.fiscalYear = fiscalYear;

    public IReadOnlyList<RegisteredPersonsRow> Registered { get; private set; } = [];
    public IReadOnlyList<LikeForLikeYear> LikeForLike { get; private set; } = [];
    /// <summary>Null when the survey year has no paid data or its total is suppressed, or no stratum arrangement passes.</summary>
    public MarketEstimate? Estimate { get; private set; }
    public NonMemberList NonMembers { get; private set; } = NonMemberList.Embedded;

    /// <summary>Reads the marts for every fiscal year up to <paramref name="surveyYear"/>.</summary>
    public static SurveyMarket Read(Warehouse warehouse, int surveyYear, NonMemberList? nonMembers = null)
    {
        var market = new SurveyMarket(surveyYear) { NonMembers = nonMembers ?? NonMemberList.Embedded };
        using (var reader = warehouse.Query("select * from mart_survey_registered_persons where fiscal_year <= $1 order by fiscal_year, kind, platform_band nulls last", surveyYear))
        {
            while (reader.Read())
            {
                market.persons.Add((Convert.ToInt32(reader["fiscal_year"], CultureInfo.InvariantCulture), reader.GetString(reader.GetOrdinal("kind")),
                    MartReader.StringOrNull(reader, "platform_band"), MartReader.LongOrZero(reader, "registered_accounts"),
                    MartReader.LongOrZero(reader, "unique_registered_persons"), MartReader.LongOrZero(reader, "unique_active_persons"), MartReader.Disclosure(reader)));
            }
        }
        // Each member's own total per year (internal; shown only as sums over sets of platforms that pass the rule).
        using (var reader = warehouse.Query(
            "select fiscal_year, platform_id, paid_jpy, lines_paid from mart_member_benchmark where family = 'category_form' and row_code is null and column_code is null and fiscal_year <= $1 order by all",
            surveyYear))
        {
            while (reader.Read())
                market.platformYears.Add(new PlatformYear(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1),
                    Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture)));
        }
        return market;
    }

    private static readonly string[] Measures = ["accounts", "registered", "active"];

    public static string PersonsKey(int fiscalYear, string kind, string? band, string measure) =>
        string.Create(CultureInfo.InvariantCulture, $"persons|FY{fiscalYear}|kind={kind}|band={band ?? "*"}|measure={measure}");

    /// <summary>Adds the accounts-and-persons table to the release (before it is solved): each measure's bands add up to all persons, and a row's three measures are one unit.</summary>
    public void AddTo(SurveyRelease release)
    {
        // A row's measures go together: its accounts would give its persons away (a person in band '2' has two accounts).
        var cells = persons.SelectMany(p => Measures.Select((m, i) =>
            (PersonsKey(p.Year, p.Kind, p.Band, m), new[] { p.Accounts, p.Registered, p.Active }[i], p.Sdc, (string?)PersonsKey(p.Year, p.Kind, p.Band, "*"))));
        var relations = persons.Where(p => p.Band is null).SelectMany(p => Measures.Select(m =>
            new AdditiveRelation(PersonsKey(p.Year, p.Kind, null, m), [.. persons.Where(b => b.Year == p.Year && b.Kind == p.Kind && b.Band is not null).Select(b => PersonsKey(b.Year, b.Kind, b.Band, m))])))
            .Where(r => r.Members.Count > 0);
        release.AddTable(cells, relations);
    }

    /// <summary>Takes the solved statuses and decides the like-for-like and grossing-up figures (after the release is solved).</summary>
    public void Resolve(IReadOnlyDictionary<string, Suppression> status, Func<int, bool> yearTotalPublished, DisclosurePolicy policy)
    {
        Registered = [.. persons.Select(p => new RegisteredPersonsRow(p.Year, p.Kind, p.Band,
            new(p.Accounts, status[PersonsKey(p.Year, p.Kind, p.Band, "accounts")]),
            new(p.Registered, status[PersonsKey(p.Year, p.Kind, p.Band, "registered")]),
            new(p.Active, status[PersonsKey(p.Year, p.Kind, p.Band, "active")])))];
        LikeForLike = LikeForLikeYear.Compute(platformYears, fiscalYear, yearTotalPublished, policy);
        var members = platformYears.Where(p => p.FiscalYear == fiscalYear).Select(p => (p.PlatformId, p.PaidJpy)).ToList();
        Estimate = members.Count > 0 && yearTotalPublished(fiscalYear) ? MarketEstimate.Compute(fiscalYear, members, NonMembers, policy) : null;
    }
}
