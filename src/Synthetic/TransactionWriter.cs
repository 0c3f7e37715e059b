using MarketStats.Core.Contract;
using MarketStats.Core.Domain;

namespace MarketStats.Synthetic;

/// <summary>One contract line as generated; negative numbers mean "stage not reached" (an empty field).</summary>
internal struct TransactionLine
{
    public Status Status;
    public int PostedDay;
    public int ContractedDay;
    public int PaidDay;
    public long PostedJpy;
    public long ContractedJpy;
    public long PaidJpy;
    public long FeeJpy;
    public int Worker;
}

/// <summary>Simulates one platform's jobs day by day and streams their contract lines, one file per fiscal year.</summary>
/// <remarks>
/// A job's later stages happen only if their date is on or before the cut-off (the day the export is taken), so
/// jobs posted near the end of the data are still contracted, escrowed or delivered rather than paid.
/// </remarks>
internal sealed class TransactionWriter
{
    // Value per job relative to the market's typical job, by category (system work is dear, data entry cheap).
    private static readonly double[] CategoryValue = [2.0, 1.2, 3.0, 0.8, 0.4, 1.0, 0.2, 0.6];

    // Form mix (project, competition, task) within each category, before the platform's own bias.
    private static readonly double[][] CategoryForms =
    [
        [0.95, 0.02, 0.03], [0.70, 0.25, 0.05], [0.98, 0.00, 0.02], [0.35, 0.60, 0.05],
        [0.45, 0.05, 0.50], [0.80, 0.15, 0.05], [0.15, 0.00, 0.85], [0.60, 0.15, 0.25],
    ];

    private readonly PlatformProfile platform;
    private readonly AccountBook workers;
    private readonly AccountBook clients;
    private readonly PopulationModel population;
    private readonly int cutoffDay;
    private readonly Random rng;
    private readonly double[] categoryCumulative;
    private readonly double[][] formWeights;
    private readonly TransactionColumns columns = TransactionColumns.V1;
    private readonly HashSet<int> workersInJob = [];
    private readonly (string Transaction, string Job, int Digits) idStyle;
    private long nextTransaction = 1;
    private long nextJob = 1;
    private int workerPool;
    private int clientPool;

    public TransactionWriter(PlatformProfile platform, PopulationModel population, int cutoffDay, int seed)
    {
        this.platform = platform;
        this.population = population;
        this.cutoffDay = cutoffDay;
        workers = population.WorkerBooks[platform.Index - 1];
        clients = population.ClientBooks[platform.Index - 1];
        rng = SeededRandom.Stream(seed, part: 100 + platform.Index);
        categoryCumulative = SeededRandom.Cumulative(platform.CategoryWeights);
        formWeights = [.. CategoryForms.Select(f => new[]
        {
            f[0],
            platform.RunsCompetitions ? f[1] : 0,
            f[2] * platform.TaskBias,
        })];
        idStyle = (platform.Index % 3) switch
        {
            0 => ("T", "J", 9),
            1 => ("tx-", "job-", 1),
            _ => ("line:", "job:", 8),
        };
    }

    /// <summary>Writes <paramref name="rows"/> lines posted in <paramref name="fiscalYear"/> (up to the cut-off) to <paramref name="path"/>.</summary>
    public long WriteFiscalYear(string path, int fiscalYear, long rows, CancellationToken ct)
    {
        using var writer = ExportFile.Create(path, platform);
        var row = new CsvRow(writer);
        foreach (var column in columns.Names) row.Text(column);
        row.End();

        var period = $"FY{fiscalYear}";
        var first = FiscalYear.Start(fiscalYear).DayNumber;
        var last = Math.Min(FiscalYear.End(fiscalYear).DayNumber, cutoffDay);
        var cumulative = DayWeights(first, last);
        long written = 0;
        Span<TransactionLine> lines = new TransactionLine[1024];
        for (var day = first; day <= last && written < rows; day++)
        {
            var target = day == last ? rows : (long)Math.Round(rows * cumulative[day - first]);
            while (written < target)
            {
                ct.ThrowIfCancellationRequested();
                var job = NextJob(day, (int)Math.Min(rows - written, lines.Length), lines, out var count);
                for (var i = 0; i < count; i++) WriteLine(row, period, job, ref lines[i]);
                written += count;
            }
        }
        return written;
    }

    private readonly record struct Job(long Id, Form Form, Category Category, int Client);

    private Job NextJob(int postedDay, int maxLines, Span<TransactionLine> lines, out int count)
    {
        var category = (Category)rng.PickCumulative(categoryCumulative);
        var form = (Form)rng.Pick(formWeights[(int)category]);
        workerPool = Registered(workers, workerPool, postedDay);
        clientPool = Registered(clients, clientPool, postedDay);
        var client = PickFrom(clients.Active, clientPool, 1.6);
        var job = new Job(nextJob++, form, category, client);
        var value = CategoryValue[(int)category];
        count = form switch
        {
            Form.Project => ProjectLines(postedDay, value, maxLines, lines),
            Form.Competition => CompetitionLine(postedDay, value, lines),
            _ => TaskLines(postedDay, value, maxLines, lines),
        };
        ref var clientAccount = ref clients.Accounts[client];
        for (var i = 0; i < count; i++)
        {
            ref var line = ref lines[i];
            clientAccount.Touch(line.PostedDay);
            var latest = Math.Max(line.PostedDay, Math.Max(line.ContractedDay, line.PaidDay));
            clientAccount.Touch(latest);
            if (line.Worker >= 0)
            {
                ref var worker = ref workers.Accounts[line.Worker];
                worker.Touch(line.ContractedDay);
                worker.Touch(latest);
            }
        }
        return job;
    }

    private enum Outcome { NeverContracted, CancelledBeforeContract, CancelledAfterContract, Disputed, Completed }

    private Outcome DrawOutcome(double never, double cancelBefore, double cancelAfter, double disputed)
    {
        var r = rng.NextDouble();
        if ((r -= never) < 0) return Outcome.NeverContracted;
        if ((r -= cancelBefore) < 0) return Outcome.CancelledBeforeContract;
        if ((r -= cancelAfter) < 0) return Outcome.CancelledAfterContract;
        if ((r -= disputed) < 0) return Outcome.Disputed;
        return Outcome.Completed;
    }

    /// <summary>Project: one worker mostly, sometimes two or three sharing the budget; thousands to millions of yen.</summary>
    private int ProjectLines(int postedDay, double value, int maxLines, Span<TransactionLine> lines)
    {
        var budget = Round(Math.Clamp(rng.LogNormal(60_000 * value, 1.0), 3_000, 20_000_000), 1_000);
        var r = rng.NextDouble();
        var count = Math.Min(maxLines, r < 0.85 ? 1 : r < 0.96 ? 2 : 3);
        var outcome = DrawOutcome(0.15, 0.04, 0.03, 0.008);
        var contractLag = 1 + (int)Math.Min(60, rng.LogNormal(5, 0.7));
        var duration = 5 + (int)Math.Min(365, rng.LogNormal(25, 0.8));
        for (var i = 0; i < count; i++)
        {
            var posted = Math.Max(1_000, Round(budget / (double)count, 100));
            var contracted = Math.Max(1_000, Round(posted * (0.75 + 0.4 * rng.NextDouble()), 100));
            var paid = rng.NextDouble() < 0.04 ? Round(contracted * (0.5 + 0.45 * rng.NextDouble()), 100) : contracted;
            var contractDay = postedDay + contractLag + (i == 0 ? 0 : rng.Next(5));
            lines[i] = Resolve(Form.Project, outcome, postedDay, posted, contractDay, contracted, contractDay + duration + rng.Next(3), paid);
        }
        return count;
    }

    /// <summary>Competition: many entries, but only the chosen one becomes a line; the prize is fixed up front.</summary>
    private int CompetitionLine(int postedDay, double value, Span<TransactionLine> lines)
    {
        var prize = Round(Math.Clamp(rng.LogNormal(25_000 * Math.Sqrt(value), 0.8), 3_000, 500_000), 1_000);
        var outcome = DrawOutcome(0.05, 0.04, 0.005, 0.004);
        var winnerChosen = postedDay + 7 + rng.Next(24);
        lines[0] = Resolve(Form.Competition, outcome, postedDay, prize, winnerChosen, prize, winnerChosen + 1 + rng.Next(10), prize);
        return 1;
    }

    /// <summary>Task: tens to hundreds of identical small pieces, each a line for the worker who did it.</summary>
    private int TaskLines(int postedDay, double value, int maxLines, Span<TransactionLine> lines)
    {
        var unit = (long)Math.Round(Math.Clamp(rng.LogNormal(60 * Math.Pow(value, 0.3), 0.7), 10, 990));
        var count = Math.Min(maxLines, 5 + (int)Math.Min(800, rng.LogNormal(30, 0.9)));
        var jobOutcome = DrawOutcome(0.03, 0.01, 0, 0);
        workersInJob.Clear();
        for (var i = 0; i < count; i++)
        {
            var outcome = jobOutcome != Outcome.Completed ? jobOutcome : DrawOutcome(0, 0, 0.04, 0.002);
            var contractDay = postedDay + rng.Next(4);
            lines[i] = Resolve(Form.Task, outcome, postedDay, unit, contractDay, unit, contractDay + rng.Next(11), unit);
        }
        return count;
    }

    private TransactionLine Resolve(Form form, Outcome outcome, int postedDay, long posted, int contractDay, long contracted, int paidDay, long paid)
    {
        var line = new TransactionLine
        {
            Status = Status.Posted, PostedDay = postedDay, PostedJpy = posted,
            ContractedDay = -1, ContractedJpy = -1, PaidDay = -1, PaidJpy = -1, FeeJpy = -1, Worker = -1,
        };
        if (outcome == Outcome.CancelledBeforeContract)
        {
            line.Status = Status.Cancelled;
            return line;
        }
        // Not contracted (yet): still open at the cut-off.
        if (outcome == Outcome.NeverContracted || contractDay > cutoffDay) return line;

        line.ContractedDay = contractDay;
        line.ContractedJpy = contracted;
        line.Worker = PickWorker(form);
        switch (outcome)
        {
            case Outcome.CancelledAfterContract:
                line.Status = Status.Cancelled;
                return line;
            case Outcome.Disputed:
                line.Status = Status.Disputed;
                return line;
        }
        if (paidDay <= cutoffDay)
        {
            line.Status = Status.Paid;
            line.PaidDay = paidDay;
            line.PaidJpy = paid;
            line.FeeJpy = platform.Fee.FeeOn(paid, form);
            return line;
        }
        // In progress at the cut-off; once money is in escrow the fee on it is fixed.
        var progress = (cutoffDay - contractDay) / (double)Math.Max(1, paidDay - contractDay);
        line.Status = progress < 0.15 ? Status.Contracted : progress < 0.8 ? Status.Escrowed : Status.Delivered;
        if (line.Status != Status.Contracted) line.FeeJpy = platform.Fee.FeeOn(contracted, form);
        return line;
    }

    private int PickWorker(Form form)
    {
        var worker = PickFrom(workers.Active, workerPool, 1.8);
        // One line per job and worker: draw again on a repeat, unless the job has more pieces than workers.
        if (form == Form.Task && workersInJob.Count < workerPool)
        {
            while (!workersInJob.Add(worker)) worker = workers.Active[rng.Next(workerPool)];
        }
        return worker;
    }

    /// <summary>Mostly the long-standing heavy users, but newcomers get work too.</summary>
    private int PickFrom(int[] active, int pool, double skew) =>
        active[rng.NextDouble() < 0.7 ? rng.Skewed(pool, skew) : rng.Next(pool)];

    /// <summary>How many active accounts had signed up by <paramref name="day"/> (at least a handful, so the first
    /// days of the data have someone to work with; their registration date is then moved back).</summary>
    private static int Registered(AccountBook book, int pool, int day)
    {
        var active = book.Active;
        while (pool < active.Length && book.Accounts[active[pool]].PlannedRegisteredDay <= day) pool++;
        return Math.Max(pool, Math.Min(active.Length, 10));
    }

    private void WriteLine(CsvRow row, string period, in Job job, ref TransactionLine line)
    {
        var present = columns.Present(ref line);
        columns.Check(line.Status, present, platform.PlatformId);
        var clientPrefecture = population.Clients[clients.Accounts[job.Client].Person].Prefecture;
        foreach (var column in columns.Order)
        {
            switch (column)
            {
                case TxColumn.ContractVersion: row.Text("1"); break;
                case TxColumn.ExportPeriod: row.Text(period); break;
                case TxColumn.ExportRevision: row.Text("1"); break;
                case TxColumn.PlatformId: row.Text(platform.PlatformId); break;
                case TxColumn.TransactionId: row.Id(idStyle.Transaction, nextTransaction++, idStyle.Digits); break;
                case TxColumn.JobId: row.Id(idStyle.Job, job.Id, idStyle.Digits == 1 ? 1 : 7); break;
                case TxColumn.Form: row.Text(MarketCodes.Forms[(int)job.Form]); break;
                case TxColumn.Category: row.Text(MarketCodes.Categories[(int)job.Category]); break;
                case TxColumn.Status: row.Text(MarketCodes.Statuses[(int)line.Status]); break;
                case TxColumn.PostedOn: row.Date(line.PostedDay); break;
                case TxColumn.ContractedOn: DateOrEmpty(row, line.ContractedDay); break;
                case TxColumn.PaidOn: DateOrEmpty(row, line.PaidDay); break;
                case TxColumn.PostedJpy: row.Number(line.PostedJpy); break;
                case TxColumn.ContractedJpy: row.NumberOrEmpty(line.ContractedJpy); break;
                case TxColumn.PaidJpy: row.NumberOrEmpty(line.PaidJpy); break;
                case TxColumn.FeeJpy: row.NumberOrEmpty(line.FeeJpy); break;
                case TxColumn.ClientAccountId: row.Text(clients.Ids[job.Client]); break;
                case TxColumn.WorkerAccountId: row.Text(line.Worker >= 0 ? workers.Ids[line.Worker] : null); break;
                case TxColumn.ClientPrefecture: row.Text(PrefectureCodes[clientPrefecture]); break;
                case TxColumn.WorkerPrefecture:
                    row.Text(line.Worker >= 0 ? PrefectureCodes[population.Workers[workers.Accounts[line.Worker].Person].Prefecture] : null);
                    break;
                default: row.Empty(); break; // an optional field this generator does not fill
            }
        }
        row.End();
    }

    private static void DateOrEmpty(CsvRow row, int day)
    {
        if (day < 0) row.Empty();
        else row.Date(day);
    }

    internal static readonly string[] PrefectureCodes = [.. Prefecture.All.Select(p => p.Code)];

    private static long Round(double value, long unit) => (long)Math.Round(value / unit) * unit;

    /// <summary>Cumulative share of a year's lines posted by each day: growth through the year, quiet weekends and
    /// New Year, a fiscal-year-end rush in March.</summary>
    private static double[] DayWeights(int first, int last)
    {
        var weights = new double[last - first + 1];
        var fiscalYearStart = FiscalYear.Start(FiscalYear.Of(DateOnly.FromDayNumber(first))).DayNumber;
        for (var i = 0; i < weights.Length; i++)
        {
            var date = DateOnly.FromDayNumber(first + i);
            var w = 1.0 + 0.12 * (first + i - fiscalYearStart) / 365.0;
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) w *= 0.55;
            if (date.Month == 3) w *= 1.2;
            if (date is { Month: 12, Day: >= 28 } or { Month: 1, Day: <= 3 }) w *= 0.4;
            weights[i] = w;
        }
        return SeededRandom.Cumulative(weights);
    }
}

internal enum TxColumn
{
    Unknown, ContractVersion, ExportPeriod, ExportRevision, PlatformId, TransactionId, JobId, Form, Category, Status,
    PostedOn, ContractedOn, PaidOn, PostedJpy, ContractedJpy, PaidJpy, FeeJpy,
    ClientAccountId, WorkerAccountId, ClientPrefecture, WorkerPrefecture,
}

/// <summary>The transactions file's columns in the contract's order, and the contract's stage rules as bit masks.</summary>
internal sealed class TransactionColumns
{
    public static readonly TransactionColumns V1 = new(ExportContract.V1);

    public string[] Names { get; }
    public TxColumn[] Order { get; }
    private readonly ulong[] required;
    private readonly ulong[] forbidden;
    private readonly ulong alwaysPresent;

    private TransactionColumns(ExportContract contract)
    {
        Names = [.. contract.ColumnsOf(RecordKind.Transactions).Select(c => c.Name)];
        Order = [.. Names.Select(ColumnOf)];
        alwaysPresent = Mask(Enum.GetValues<TxColumn>().Except([
            TxColumn.Unknown, TxColumn.ContractedOn, TxColumn.PaidOn, TxColumn.ContractedJpy, TxColumn.PaidJpy,
            TxColumn.FeeJpy, TxColumn.WorkerAccountId, TxColumn.WorkerPrefecture]));
        required = new ulong[MarketCodes.Statuses.Length];
        forbidden = new ulong[MarketCodes.Statuses.Length];
        for (var s = 0; s < MarketCodes.Statuses.Length; s++)
        {
            var rule = contract.Stages[MarketCodes.Statuses[s]];
            required[s] = Mask(rule.Requires.Select(ColumnOf));
            forbidden[s] = Mask(rule.Forbids.Select(ColumnOf));
        }
    }

    public ulong Present(ref TransactionLine line)
    {
        var mask = alwaysPresent;
        if (line.ContractedDay >= 0) mask |= Bit(TxColumn.ContractedOn);
        if (line.PaidDay >= 0) mask |= Bit(TxColumn.PaidOn);
        if (line.ContractedJpy >= 0) mask |= Bit(TxColumn.ContractedJpy);
        if (line.PaidJpy >= 0) mask |= Bit(TxColumn.PaidJpy);
        if (line.FeeJpy >= 0) mask |= Bit(TxColumn.FeeJpy);
        if (line.Worker >= 0) mask |= Bit(TxColumn.WorkerAccountId) | Bit(TxColumn.WorkerPrefecture);
        return mask;
    }

    /// <summary>A line that breaks the contract's stage rules is a generator bug: fail loudly rather than write it.</summary>
    public void Check(Status status, ulong present, string platformId)
    {
        var s = (int)status;
        if ((present & forbidden[s]) != 0 || (required[s] & ~present) != 0)
            throw new InvalidOperationException(
                $"Generator bug: a {MarketCodes.Statuses[s]} line on {platformId} breaks the contract's stage rules (fields mask {present:x}).");
    }

    private static ulong Bit(TxColumn column) => 1UL << (int)column;

    private static ulong Mask(IEnumerable<TxColumn> columns) => columns.Aggregate(0UL, (m, c) => m | Bit(c));

    private static TxColumn ColumnOf(string name) =>
        Enum.TryParse<TxColumn>(name.Replace("_", ""), ignoreCase: true, out var c) ? c : TxColumn.Unknown;
}
