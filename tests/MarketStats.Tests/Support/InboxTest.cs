using MarketStats.Core.Storage;
using MarketStats.Ingest;
using Microsoft.Extensions.Time.Testing;

namespace MarketStats.Tests.Support;

/// <summary>What the ingest tests share: a temporary inbox, database and quarantine, and ingest over them.</summary>
public abstract class InboxTest : IDisposable
{
    protected static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    protected TempFolder Temp { get; } = new();

    protected string Inbox => Temp["inbox"];

    protected string QuarantineRoot => Temp["quarantine"];

    protected string Db => Temp["w.duckdb"];

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected IngestSummary Ingest()
    {
        using var warehouse = Warehouse.OpenForWrite(Db);
        return new Ingestor(warehouse, Clock).IngestInbox(Inbox, QuarantineRoot);
    }

    protected T Scalar<T>(string sql)
    {
        using var warehouse = Warehouse.OpenReadOnly(Db);
        return warehouse.Scalar<T>(sql)!;
    }
}
