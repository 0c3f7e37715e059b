using MarketStats.Core.Storage;

namespace MarketStats.Linkage;

/// <summary>The <c>link_parameters</c> table: every run's estimated m, u, weights and λ, so that a run's decisions can be
/// explained later and drifting parameters noticed.</summary>
public static class LinkParameters
{
    /// <summary>Appends one run's parameters under the next run id; returns it.</summary>
    public static long Write(Warehouse warehouse, DateTimeOffset at, IReadOnlyList<KindParameters> kinds)
    {
        var runId = warehouse.Scalar<long>("select coalesce(max(run_id), 0) + 1 from link_parameters");
        using var appender = warehouse.Connection.CreateAppender("link_parameters");
        foreach (var kind in kinds)
            foreach (var level in kind.Levels)
                appender.CreateRow().AppendValue(runId).AppendValue(at.UtcDateTime).AppendValue(kind.Kind).AppendValue(level.Comparison).AppendValue(level.Level)
                    .AppendValue(level.M).AppendValue(level.U).AppendValue(level.Weight).AppendValue(level.MSource).AppendValue(level.USource)
                    .AppendValue(kind.Lambda).AppendValue(kind.CandidateLambda).AppendValue(kind.EmIterations).AppendValue(kind.RandomPairs).AppendValue(kind.CandidatePairs).EndRow();
        return runId;
    }
}
