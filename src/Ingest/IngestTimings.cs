using MarketStats.Core.Diagnostics;

namespace MarketStats.Ingest;

/// <summary>Where an ingest run spends its time, phase by phase (<c>ingest --trace</c>).</summary>
public sealed class IngestTimings : PhaseTimings;
