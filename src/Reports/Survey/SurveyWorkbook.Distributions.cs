using ClosedXML.Excel;
using MarketStats.Core.Contract;
using MarketStats.Reports.Disclosure;

namespace MarketStats.Reports.Survey;

/// <summary>The survey's distribution and rate sheets (issue 14): value per job, pay per worker, rates, client types.</summary>
public static partial class SurveyWorkbook
{
    public const string JobValueTable = "JobValues";
    public const string WorkerPayTable = "WorkerPay";
    public const string RatesTable = "Rates";
    public const string ClientTypesTable = "ClientTypes";

    /// <summary>The monthly pay the survey reports shares at or above (the 2018 platform interview's "月数万円", the
    /// association's ¥150,000 goal), as annual pay: each must be a band boundary of mart_survey_value_bands.</summary>
    public static readonly IReadOnlyList<long> MonthlyPayThresholdsJpy = [50_000, 150_000];

    private static void WriteDistributionSheets(XLWorkbook workbook, SurveyData data, ReportLabels labels, PlacedChart? payChart, PlacedChart? bandsChart,
        List<SuppressedCell> log)
    {
        var d = DistributionLabels.For(labels.Language);
        WriteDistributions(workbook.AddWorksheet(d.DistributionsSheet), data, labels, d, payChart, bandsChart, log);
        WriteRates(workbook.AddWorksheet(d.RatesSheet), data, labels, d, log);
    }

    private static void WriteDistributions(IXLWorksheet sheet, SurveyData data, ReportLabels labels, DistributionLabels d, PlacedChart? payChart,
        PlacedChart? bandsChart, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, d.DistributionsTitle(data.FiscalYear), data, labels);
        var distributions = data.Distributions;
        var policy = distributions?.Policy ?? DisclosurePolicy.Survey;

        // Value per job by form.
        sheet.Cell(HeaderRow - 1, 1).SetValue(d.JobValueTitle(data.FiscalYear)).Style.Font.SetBold();
        var jobCells = ReportLabels.FormOrder.Select(f => (string?)f).Append(null)
            .Select(f => distributions?.Get(Distribution.JobValue, f, null)).OfType<DistributionCell>().ToList();
        var jobBands = jobCells.FirstOrDefault()?.Bands ?? [];
        string[] jobHeaders = [s.FormHeader, d.JobsHeader, .. d.QuartileHeaders, .. jobBands.Select(b => d.BandShareHeader(d.BandLabel(b)))];
        var jobRows = new List<object?[]>();
        foreach (var cell in jobCells)
        {
            var label = labels.FormLabel(cell.Row);
            jobRows.Add([label, Units(cell, sheet.Name, label, d.JobsHeader, log),
                .. cell.Quantiles.Select((q, i) => QuantileValue(cell, q, policy, sheet.Name, label, d.QuartileHeaders[Math.Min(i, d.QuartileHeaders.Count - 1)], log)),
                .. cell.Bands.Select(b => BandShare(cell, [b], sheet.Name, label, d.BandShareHeader(d.BandLabel(b)), log))]);
        }
        if (jobRows.Count == 0) jobRows.Add([labels.FormLabel(null), .. Enumerable.Repeat<object?>(null, jobHeaders.Length - 1)]);
        WriteTable(sheet, HeaderRow, 1, JobValueTable, jobHeaders, jobRows,
            [null, labels.CountFormat, .. d.QuartileHeaders.Select(_ => labels.YenFormat), .. jobBands.Select(_ => labels.PercentFormat)], labels);
        MarkTotal(sheet, HeaderRow + jobRows.Count, 1, jobHeaders.Length);

        // Annual pay per active worker: all, by gender, by age band, then age band x gender.
        var payTop = HeaderRow + jobRows.Count + 3;
        sheet.Cell(payTop - 1, 1).SetValue(d.WorkerPayTitle(data.FiscalYear)).Style.Font.SetBold();
        var payCells = PayCellsInOrder(distributions);
        var deciles = payCells.FirstOrDefault()?.Quantiles.Count ?? 9;
        string[] payHeaders = [s.AgeBandHeader, d.GenderHeader, d.WorkersHeader, .. Enumerable.Range(1, deciles).Select(d.DecileHeader),
            d.AtLeast50kHeader, d.AtLeast150kHeader, d.TopTenShareHeader];
        var payRows = new List<object?[]>();
        foreach (var cell in payCells)
        {
            var (age, gender) = (s.AgeBandLabel(cell.Row), s.GenderLabel(cell.Column));
            var label = $"{age} / {gender}";
            payRows.Add([age, gender, Units(cell, sheet.Name, label, d.WorkersHeader, log),
                .. cell.Quantiles.Select((q, i) => QuantileValue(cell, q, policy, sheet.Name, label, d.DecileHeader(i + 1), log)),
                ShareAtLeast(cell, MonthlyPayThresholdsJpy[0] * 12, sheet.Name, label, d.AtLeast50kHeader, log),
                ShareAtLeast(cell, MonthlyPayThresholdsJpy[1] * 12, sheet.Name, label, d.AtLeast150kHeader, log),
                TopShare(cell, policy, sheet.Name, label, d.TopTenShareHeader, log)]);
        }
        if (payRows.Count == 0) payRows.Add([s.AgeBandLabel(null), s.GenderLabel(null), .. Enumerable.Repeat<object?>(null, payHeaders.Length - 2)]);
        WriteTable(sheet, payTop, 1, WorkerPayTable, payHeaders, payRows,
            [null, null, labels.CountFormat, .. Enumerable.Range(0, deciles).Select(_ => labels.YenFormat), labels.PercentFormat, labels.PercentFormat, labels.PercentFormat], labels);
        MarkTotal(sheet, payTop + 1, 1, payHeaders.Length);

        var definitionsTop = payTop + payRows.Count + 3;
        WriteDefinitions(sheet, definitionsTop, d, d.DistributionDefinitions, "DistributionDefinitions", labels);
        SetWidths(sheet, [16, 14, 13, .. Enumerable.Repeat(13.0, Math.Max(jobHeaders.Length, payHeaders.Length) - 3)]);
        PlaceChart(sheet, bandsChart, HeaderRow, payHeaders.Length + 2);
        PlaceChart(sheet, payChart, HeaderRow + 26, payHeaders.Length + 2);
        Finish(sheet, HeaderRow - 1);
    }

    /// <summary>The pay cells in reading order: all workers, each gender, each age band, then each age band × gender.</summary>
    public static IReadOnlyList<DistributionCell> PayCellsInOrder(SurveyDistributions? distributions)
    {
        if (distributions is null) return [];
        var pay = distributions.Cells.Where(c => c.Distribution == Distribution.WorkerPay).ToList();
        var bands = Ordered(ExportContract.V1.CodeLists["age_band"], pay.Select(c => c.Row).OfType<string>());
        var genders = Ordered(ExportContract.V1.CodeLists["gender"], pay.Select(c => c.Column).OfType<string>());
        var order = new List<(string?, string?)> { (null, null) };
        order.AddRange(genders.Select(g => ((string?)null, (string?)g)));
        order.AddRange(bands.Select(b => ((string?)b, (string?)null)));
        order.AddRange(bands.SelectMany(b => genders.Select(g => ((string?)b, (string?)g))));
        return [.. order.Select(k => distributions.Get(Distribution.WorkerPay, k.Item1, k.Item2)).OfType<DistributionCell>()];
    }

    private static void WriteRates(IXLWorksheet sheet, SurveyData data, ReportLabels labels, DistributionLabels d, List<SuppressedCell> log)
    {
        var s = labels.Survey;
        WriteHeading(sheet, d.RatesTitle(data.FiscalYear), data, labels);
        var distributions = data.Distributions;
        var policy = distributions?.Policy ?? DisclosurePolicy.Survey;
        var categories = data.Categories;

        // The public bodies' share first: the figure the sources ask about.
        var types = distributions?.ClientTypes ?? [];
        var allTypes = types.FirstOrDefault(t => t.ClientType is null);
        sheet.Cell(NoteRow + 1, 1).SetValue(d.PublicBodyShareLabel).Style.Font.SetBold();
        var publicCell = sheet.Cell(NoteRow + 1, 4);
        switch (TypeShare(types.FirstOrDefault(t => t.ClientType == SurveyDistributions.PublicBody), allTypes, allTypes is null))
        {
            case double share: publicCell.SetValue(share).Style.NumberFormat.Format = labels.PercentFormat; publicCell.Style.Font.SetBold(); break;
            case Hidden: SetSuppressed(publicCell, s); break;
            default: publicCell.SetValue(s.NotApplicable); break;
        }

        string[] headers = [d.DimensionHeader, d.ItemHeader, d.CancellationHeader, d.DisputeHeader, d.FeeRateHeader];
        var rows = new List<object?[]>();
        void Add(string dimension, string dimensionLabel, string? code, string itemLabel, CubeCell? paidCell)
        {
            rows.Add([dimensionLabel, itemLabel,
                RateValue(distributions?.Rate("cancellation", dimension, code), policy, sheet.Name, itemLabel, d.CancellationHeader, log),
                RateValue(distributions?.Rate("dispute", dimension, code), policy, sheet.Name, itemLabel, d.DisputeHeader, log),
                FeeRate(paidCell, sheet.Name, itemLabel, d.FeeRateHeader, log)]);
        }
        if (distributions is not null)
        {
            Add("all", d.AllLines, null, labels.FormLabel(null), categories.Get(null, null));
            foreach (var form in ReportLabels.FormOrder) Add("form", d.ByForm, form, labels.FormLabel(form), categories.Get(null, form));
            foreach (var category in ReportLabels.CategoryOrder) Add("category", d.ByCategory, category, s.CategoryLabel(category), categories.Get(category, null));
        }
        if (rows.Count == 0) rows.Add([d.AllLines, labels.FormLabel(null), null, null, null]);
        WriteTable(sheet, HeaderRow, 1, RatesTable, headers, rows, [null, null, labels.PercentFormat, labels.PercentFormat, labels.PercentFormat], labels);
        MarkTotal(sheet, HeaderRow + 1, 1, headers.Length);

        var typesTop = HeaderRow + rows.Count + 3;
        sheet.Cell(typesTop - 1, 1).SetValue(d.ClientTypesTitle(data.FiscalYear)).Style.Font.SetBold();
        var typeRows = new List<object?[]>();
        foreach (var type in ExportContract.V1.CodeLists["client_type"].Select(t => (string?)t).Append("unknown").Append(null))
        {
            var cell = types.FirstOrDefault(t => t.ClientType == type);
            if (cell is null && type == "unknown") continue;
            var label = d.ClientTypeLabel(type, s);
            if (cell is null) { typeRows.Add([label, types.Count == 0 ? null : 0L, types.Count == 0 ? null : 0.0]); continue; }
            if (cell.Suppression != Suppression.None)
            {
                log.Add(new(sheet.Name, label, d.PaidHeader, cell.Suppression));
                typeRows.Add([label, Suppressed, Suppressed]);
                continue;
            }
            typeRows.Add([label, cell.PaidJpy, TypeShare(cell, allTypes, false)]);
        }
        WriteTable(sheet, typesTop, 1, ClientTypesTable, [d.ClientTypeHeader, d.PaidHeader, d.PaidShareHeader], typeRows,
            [null, labels.YenFormat, labels.PercentFormat], labels);
        MarkTotal(sheet, typesTop + typeRows.Count, 1, 3);

        WriteDefinitions(sheet, typesTop + typeRows.Count + 3, d, d.RateDefinitions, "RateDefinitions", labels);
        SetWidths(sheet, 26, 30, 16, 16, 20);
        Finish(sheet, HeaderRow);
    }

    /// <summary>A client type's share of the year's paid value: both cells must be published.</summary>
    private static object? TypeShare(ClientTypeCell? type, ClientTypeCell? all, bool noData) =>
        noData || all is null ? null
        : type is null ? 0.0
        : type.Suppression != Suppression.None || all.Suppression != Suppression.None ? Suppressed
        : all.PaidJpy > 0 ? type.PaidJpy / (double)all.PaidJpy : null;

    private static void WriteDefinitions(IXLWorksheet sheet, int headerRow, DistributionLabels d, IReadOnlyList<(string Term, string Definition)> definitions,
        string tableName, ReportLabels labels)
    {
        sheet.Cell(headerRow - 1, 1).SetValue(d.DefinitionsHeading).Style.Font.SetBold();
        var rows = definitions.Select(x => new object?[] { x.Term, x.Definition }).ToList();
        WriteTable(sheet, headerRow, 1, tableName, [labels.Survey.ItemHeader, labels.Survey.DefinitionHeader], rows, [null, null], labels);
        sheet.Range(headerRow + 1, 1, headerRow + rows.Count, 1).Style.Alignment.SetVertical(XLAlignmentVerticalValues.Top);
        for (var r = 0; r < rows.Count; r++)
        {
            var range = sheet.Range(headerRow + 1 + r, 2, headerRow + 1 + r, 12);
            range.Merge();
            range.Style.Alignment.SetWrapText().Alignment.SetVertical(XLAlignmentVerticalValues.Top);
            sheet.Row(headerRow + 1 + r).Height = MarketSizeWorkbook.WrappedLineCount(definitions[r].Definition, 150) * 15 + 3;
        }
    }

    // ------------------------------------------------------------------ published values

    private static object? Units(DistributionCell cell, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (cell.TotalSuppression == Suppression.None) return cell.Units;
        log.Add(new(sheet, row, column, cell.TotalSuppression));
        return Suppressed;
    }

    private static object? QuantileValue(DistributionCell cell, Quantile quantile, DisclosurePolicy policy, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (SurveyDistributions.PublishedQuantile(cell, quantile, policy) is { } value) return value;
        // The window could not gather enough persons: as few persons as the rule's first reason.
        var primary = DisclosureControl.Primary(cell.Sdc, policy);
        log.Add(new(sheet, row, column, primary == Suppression.None ? Suppression.FewPersons : primary));
        return Suppressed;
    }

    /// <summary>The share of a cell's units in <paramref name="bands"/>: every band and the cell's total must be published.</summary>
    private static object? BandShare(DistributionCell cell, IReadOnlyList<ValueBand> bands, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (cell.Units == 0) return null;
        var hidden = bands.Select(b => b.Suppression).Prepend(cell.TotalSuppression).FirstOrDefault(x => x != Suppression.None);
        if (hidden == Suppression.None) return bands.Sum(b => b.Units) / (double)cell.Units;
        log.Add(new(sheet, row, column, hidden));
        return Suppressed;
    }

    /// <summary>The share at or above a band boundary: from the bands above it, or else as one less the bands below it
    /// (whichever side is published); null when the boundary is not a band boundary.</summary>
    private static object? ShareAtLeast(DistributionCell cell, long thresholdJpy, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (!cell.Bands.Any(b => b.LowerJpy == thresholdJpy)) return null;
        var above = cell.Bands.Where(b => b.LowerJpy >= thresholdJpy).ToList();
        var below = cell.Bands.Where(b => b.LowerJpy < thresholdJpy).ToList();
        if (cell.Units > 0 && cell.TotalSuppression == Suppression.None && below.All(b => b.Suppression == Suppression.None) && above.Any(b => b.Suppression != Suppression.None))
            return 1 - below.Sum(b => b.Units) / (double)cell.Units;
        return BandShare(cell, above, sheet, row, column, log);
    }

    private static object? TopShare(DistributionCell cell, DisclosurePolicy policy, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (cell.Top is null) return null;
        if (SurveyDistributions.PublishedTopShare(cell, policy) is { } share) return share;
        var primary = DisclosureControl.Primary(cell.Sdc, policy);
        log.Add(new(sheet, row, column, primary != Suppression.None ? primary : DisclosureControl.Primary(cell.Top.Value.Sdc, policy)));
        return Suppressed;
    }

    private static object? RateValue(RateCell? cell, DisclosurePolicy policy, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (cell is null) return null;
        if (SurveyDistributions.PublishedRate(cell, policy) is { } rate) return rate;
        log.Add(new(sheet, row, column, DisclosureControl.Primary(cell.Sdc, policy)));
        return Suppressed;
    }

    /// <summary>Fees over paid value, only where the survey publishes the paid-value cell (then both are published).</summary>
    private static object? FeeRate(CubeCell? cell, string sheet, string row, string column, List<SuppressedCell> log)
    {
        if (cell is null || cell.PaidJpy == 0) return null;
        if (cell.Published) return cell.FeeJpy / (double)cell.PaidJpy;
        log.Add(new(sheet, row, column, cell.Suppression));
        return Suppressed;
    }
}
