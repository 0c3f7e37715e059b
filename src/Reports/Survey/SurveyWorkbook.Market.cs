using ClosedXML.Excel;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>The survey's sheets on accounts vs persons, the whole market (estimate) and like-for-like growth.</summary>
public static partial class SurveyWorkbook
{
    public const string PersonsTable = "AccountsPersons";
    public const string WholeMarketTable = "WholeMarket";
    public const string StrataTable = "WholeMarketStrata";
    public const string LikeForLikeTable = "LikeForLike";
    public const string FactsTable = "FactsAndEstimates";

    private static void WriteMarketSections(XLWorkbook workbook, SurveyData data, ReportLabels labels, List<PlacedPicture> pictures, List<SuppressedCell> log)
    {
        if (data.Market is not { } market) return;
        var m = labels.Survey.Market;
        PlacedChart Chart(Func<SurveyMarketChartFiles, string?> png) => new(c => c.Charts?.Market is { } charts ? png(charts) : null, pictures);
        WritePersons(workbook.AddWorksheet(m.PersonsSheet), data, market, labels, Chart(c => c.Persons), log);
        WriteWholeMarket(workbook.AddWorksheet(m.EstimateSheet), data, market, labels, Chart(c => c.Estimate));
        WriteLikeForLike(workbook.AddWorksheet(m.LikeForLikeSheet), data, market, labels, Chart(c => c.LikeForLike), log);
    }

    /// <summary>Below the Summary's table: the members-only facts and the estimates, each marked as which it is.</summary>
    private static void WriteFactsAndEstimates(IXLWorksheet sheet, SurveyData data, ReportLabels labels)
    {
        if (data.Market is not { } market || data.Headline is not { } headline) return;
        var (s, m) = (labels.Survey, labels.Survey.Market);
        var top = HeaderRow + s.Headlines.Count + 3;
        sheet.Cell(top - 1, 1).SetValue(m.SummaryBlockTitle).Style.Font.SetBold();
        var estimate = market.Estimate;
        var lfl = market.LikeForLike.FirstOrDefault(y => y.FiscalYear == data.FiscalYear);
        var workers = market.Registered.FirstOrDefault(r => r.FiscalYear == data.FiscalYear && r.Kind == "worker" && r.Band is null);
        object? Count(PersonsMeasure? x) => x is null ? null : x.Published ? x.Value : Suppressed;
        object?[] values =
        [
            data.IsPublished(data.FiscalYear, null) ? headline.PaidJpy : Suppressed,
            estimate is null ? null : (long)Math.Round(estimate.EstimateJpy),
            estimate?.Coverage,
            lfl is null ? null : lfl.Published ? lfl.Growth() : Suppressed,
            Count(workers?.Accounts), Count(workers?.RegisteredPersons), Count(workers?.ActivePersons),
        ];
        string[] tags = [m.FactTag, m.EstimateTag, m.EstimateTag, m.FactTag, m.FactTag, m.FactTag, m.FactTag];
        string?[] formats = [labels.YenFormat, labels.YenFormat, labels.PercentFormat, labels.PercentFormat, labels.CountFormat, labels.CountFormat, labels.CountFormat];
        var rows = m.SummaryRows.Select((r, i) => new object?[] { $"［{tags[i]}］{r.Term}", values[i] ?? s.NotApplicable, r.Definition }).ToList();
        WriteTable(sheet, top, 1, FactsTable, [s.ItemHeader, s.ValueHeader, s.DefinitionHeader], rows, [null, null, null], labels);
        for (var i = 0; i < rows.Count; i++)
        {
            if (values[i] is not (null or Hidden)) sheet.Cell(top + 1 + i, 2).Style.NumberFormat.Format = formats[i];
            sheet.Row(top + 1 + i).Height = Math.Max(MarketSizeWorkbook.WrappedLineCount((string)rows[i][2]!, 100), MarketSizeWorkbook.WrappedLineCount((string)rows[i][0]!, 40)) * 15 + 3;
        }
        sheet.Range(top + 1, 1, top + rows.Count, 3).Style.Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Top);
        // An estimate reads differently from a fact at a glance, not only by its tag.
        sheet.Range(top + 2, 1, top + 3, 3).Style.Font.SetItalic().Fill.SetBackgroundColor(EstimateFill);
    }

    private static readonly XLColor EstimateFill = XLColor.FromHtml("#FFF2CC");

    private static void WritePersons(IXLWorksheet sheet, SurveyData data, SurveyMarket market, ReportLabels labels, PlacedChart? chart, List<SuppressedCell> log)
    {
        var (s, m) = (labels.Survey, labels.Survey.Market);
        WriteHeading(sheet, m.PersonsTitle(data.FiscalYear), data, labels);
        sheet.Cell(NoteRow + 1, 1).SetValue(m.PersonsNote);
        var rows = new List<object?[]>();
        var totals = new List<int>();
        foreach (var row in market.Registered.OrderBy(r => r.FiscalYear).ThenBy(r => SurveyMarket.Kinds.ToList().IndexOf(r.Kind)).ThenBy(r => r.Band is null).ThenBy(r => r.Band, StringComparer.Ordinal))
        {
            if (row.Band is null) totals.Add(rows.Count);
            var (year, kind, band) = (labels.FiscalYear(row.FiscalYear), m.KindLabel(row.Kind), m.BandLabel(row.Band));
            object? Value(PersonsMeasure x, string column)
            {
                if (x.Published) return x.Value;
                log.Add(new(sheet.Name, $"{year} {kind} {band}", column, x.Status));
                return Suppressed;
            }
            object? Ratio(PersonsMeasure part, PersonsMeasure whole) =>
                part.Published && whole.Published ? (whole.Value > 0 ? part.Value / (double)whole.Value : null) : Suppressed;
            rows.Add([row.FiscalYear, kind, band, Value(row.Accounts, m.PersonsHeaders[3]), Value(row.RegisteredPersons, m.PersonsHeaders[4]),
                Value(row.ActivePersons, m.PersonsHeaders[5]), Ratio(row.Accounts, row.RegisteredPersons), Ratio(row.ActivePersons, row.RegisteredPersons)]);
        }
        if (rows.Count == 0) rows.Add([data.FiscalYear, s.NotApplicable, null, null, null, null, null, null]);
        WriteTable(sheet, HeaderRow, 1, PersonsTable, m.PersonsHeaders, rows,
            [labels.FiscalYearFormat, null, null, labels.CountFormat, labels.CountFormat, labels.CountFormat, "0.00", labels.PercentFormat], labels);
        foreach (var r in totals) MarkTotal(sheet, HeaderRow + 1 + r, 1, m.PersonsHeaders.Count);
        var below = HeaderRow + rows.Count + 2;
        below = Section(sheet, below, m.DefinitionsTitle);
        foreach (var (term, definition) in m.PersonsDefinitions) below = Paragraph(sheet, below, $"{term}：{definition}");
        SetWidths(sheet, 10, 18, 16, 16, 16, 16, 14, 18);
        PlaceChart(sheet, chart, HeaderRow, m.PersonsHeaders.Count + 2);
        Finish(sheet, HeaderRow);
    }

    private static void WriteWholeMarket(IXLWorksheet sheet, SurveyData data, SurveyMarket market, ReportLabels labels, PlacedChart? chart)
    {
        var (s, m) = (labels.Survey, labels.Survey.Market);
        WriteHeading(sheet, m.EstimateTitle(data.FiscalYear), data, labels);
        sheet.Cell(NoteRow + 1, 1).SetValue(m.EstimateNote).Style.Font.SetBold();
        var estimate = market.Estimate;
        var membersPublished = data.Headline is not null && data.IsPublished(data.FiscalYear, null);
        object? Estimated(Func<MarketEstimate, object?> value) => estimate is null ? s.NotApplicable : value(estimate);
        object?[] values =
        [
            data.Headline is null ? s.NotApplicable : membersPublished ? data.Headline.PaidJpy : Suppressed,
            Estimated(e => (long)Math.Round(e.EstimateJpy)), Estimated(e => (long)Math.Round(e.LowJpy)), Estimated(e => (long)Math.Round(e.HighJpy)),
            Estimated(e => e.Coverage), Estimated(e => (long)e.Members), (long)market.NonMembers.Platforms.Count,
        ];
        string[] tags = [m.FactTag, m.EstimateTag, m.EstimateTag, m.EstimateTag, m.EstimateTag, m.FactTag, m.EstimateTag];
        var rows = m.EstimateRows.Select((r, i) => new object?[] { tags[i], r.Term, values[i], r.Definition }).ToList();
        WriteTable(sheet, HeaderRow, 1, WholeMarketTable, [m.TagHeader, s.ItemHeader, s.ValueHeader, s.DefinitionHeader], rows,
            [null, null, null, null], labels);
        string?[] formats = [labels.YenFormat, labels.YenFormat, labels.YenFormat, labels.YenFormat, labels.PercentFormat, labels.CountFormat, labels.CountFormat];
        for (var i = 0; i < rows.Count; i++)
        {
            if (values[i] is not (string or Hidden)) sheet.Cell(HeaderRow + 1 + i, 3).Style.NumberFormat.Format = formats[i]!;
            if (tags[i] == m.EstimateTag) sheet.Range(HeaderRow + 1 + i, 1, HeaderRow + 1 + i, 4).Style.Font.SetItalic().Fill.SetBackgroundColor(EstimateFill);
        }
        sheet.Cell(HeaderRow + 1, 2).Style.Font.SetBold();
        sheet.Cell(HeaderRow + 1, 3).Style.Font.SetBold();
        var row = HeaderRow + rows.Count + 2;
        if (estimate is null)
        {
            sheet.Cell(row, 1).SetValue(m.EstimateWithheld).Style.Font.SetFontColor(XLColor.DarkRed);
            row += 2;
        }
        else
        {
            row = Section(sheet, row, m.StrataTitle);
            var strata = estimate.Strata.Select(st => new object?[]
            {
                string.Join(m.IsJapanese ? "＋" : " + ", st.Classes.Select(c => m.IsJapanese ? c.NameJa : c.NameEn)),
                st.Classes[0].MinPaidJpy, st.Classes[^1].MaxPaidJpy, (long)st.Members, (long)st.NonMembers,
                st.Members > 0 ? (long)Math.Round(st.MemberMeanJpy) : null,
                (long)Math.Round(st.NonMembersJpy), (long)Math.Round(st.NonMembersLowJpy), (long)Math.Round(st.NonMembersHighJpy),
            }).ToList();
            WriteTable(sheet, row, 1, StrataTable, m.StrataHeaders, strata,
                [null, labels.YenFormat, labels.YenFormat, labels.CountFormat, labels.CountFormat, labels.YenFormat, labels.YenFormat, labels.YenFormat, labels.YenFormat], labels);
            row += strata.Count + 2;
        }
        row = Section(sheet, row, m.EstimateMethodTitle);
        row = Paragraph(sheet, row, m.EstimateMethod);
        row = Section(sheet, row + 1, m.EstimateSourcesTitle);
        var sources = market.NonMembers.Platforms.GroupBy(p => (p.Source, p.SourceYear)).OrderBy(g => g.Key.Source, StringComparer.Ordinal).ThenBy(g => g.Key.SourceYear)
            .Select(g => new object?[] { g.Key.Source, g.Key.SourceYear, (long)g.Count() }).ToList();
        if (sources.Count == 0) sources.Add([s.NotApplicable, null, null]);
        WriteTable(sheet, row, 1, "NonMemberSources", m.EstimateSourcesHeaders, sources, [null, "0", labels.CountFormat], labels);
        SetWidths(sheet, 22, 36, 20, 60, 14, 20, 20, 18, 18);
        PlaceChart(sheet, chart, HeaderRow, 11);
        Finish(sheet, HeaderRow);
    }

    private static void WriteLikeForLike(IXLWorksheet sheet, SurveyData data, SurveyMarket market, ReportLabels labels, PlacedChart? chart, List<SuppressedCell> log)
    {
        var (s, m) = (labels.Survey, labels.Survey.Market);
        WriteHeading(sheet, m.LikeForLikeTitle(data.FiscalYear), data, labels);
        sheet.Cell(NoteRow + 1, 1).SetValue(m.LikeForLikeNote);
        var rows = new List<object?[]>();
        foreach (var y in market.LikeForLike)
        {
            object? Headline(object? value) => y.HeadlinePublished ? value : Suppressed;
            object? Like(object? value) => y.Published ? value : Suppressed;
            string status;
            if (!y.HeadlinePublished)
            {
                status = m.HeadlineSuppressedStatus;
                log.Add(new(sheet.Name, labels.FiscalYear(y.FiscalYear), m.LikeForLikeHeaders[2], Suppression.Complementary));
            }
            else if (y.Withheld.Count > 0)
            {
                status = string.Join(" / ", y.Withheld.Select(w => m.WithheldStatus(new PlatformGroupText(m.Groups[w.Group.ToString()], w.FiscalYear, s.Reasons[w.Reason]))));
                foreach (var w in y.Withheld) log.Add(new(sheet.Name, labels.FiscalYear(y.FiscalYear), m.LikeForLikeHeaders[2], w.Reason));
            }
            else status = m.PublishedStatus;
            rows.Add([y.FiscalYear, Headline(y.HeadlineGrowth), Like(y.Growth()), Headline(y.HeadlineLinesGrowth), Like(y.LinesGrowth()),
                (long)y.ContinuingPlatforms, (long)y.JoinedPlatforms, (long)y.LeftPlatforms,
                Like(y.ContinuingPreviousPaidJpy), Like(y.ContinuingPaidJpy), Like(y.JoinedPaidJpy), Like(y.LeftPreviousPaidJpy), status]);
        }
        if (rows.Count == 0) rows.Add([data.FiscalYear, s.NotApplicable, .. Enumerable.Repeat<object?>(null, m.LikeForLikeHeaders.Count - 2)]);
        WriteTable(sheet, HeaderRow, 1, LikeForLikeTable, m.LikeForLikeHeaders, rows,
            [labels.FiscalYearFormat, labels.PercentFormat, labels.PercentFormat, labels.PercentFormat, labels.PercentFormat, labels.CountFormat, labels.CountFormat, labels.CountFormat,
             labels.YenFormat, labels.YenFormat, labels.YenFormat, labels.YenFormat, null], labels);
        sheet.Row(HeaderRow).Height = 48;
        var below = HeaderRow + rows.Count + 2;
        below = Section(sheet, below, m.LikeForLikeRuleTitle);
        Paragraph(sheet, below, m.LikeForLikeRule);
        SetWidths(sheet, 10, 14, 16, 14, 16, 14, 12, 12, 18, 18, 18, 18, 60);
        PlaceChart(sheet, chart, HeaderRow + rows.Count + 6, 2);
        Finish(sheet, HeaderRow);
    }
}
