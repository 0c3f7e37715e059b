using MarketStats.Reports.Disclosure;

namespace MarketStats.Tests.Reports.Disclosure;

public static class GreedyPerLineSuppression
{
    /// <summary>
    /// The survey's former secondary pass, one line of one table at a time: adds complementary suppressions in place so
    /// that no line with a published total has exactly one suppressed member. Publications use the release-wide engine
    /// (ReleaseSuppression); this stays here as the baseline the tests show leaking where the engine does not.
    /// </summary>
    /// <param name="suppression">Per cell (indexed as in <paramref name="lines"/>), primary suppressions already set.</param>
    /// <param name="values">Per cell, the size used to choose the cheapest complement (the smallest is hidden).</param>
    /// <param name="lines">Additive lines: a total cell and the member cells that sum to it.</param>
    public static void Apply(Suppression[] suppression, IReadOnlyList<double> values, IReadOnlyList<AdditiveLine> lines)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var line in lines)
            {
                if (suppression[line.Total] != Suppression.None) continue;
                var hidden = line.Members.Count(m => suppression[m] != Suppression.None);
                if (hidden != 1) continue;
                var complement = line.Members
                    .Where(m => suppression[m] == Suppression.None && values[m] > 0)
                    .OrderBy(m => values[m]).ThenBy(m => m)
                    .Select(m => (int?)m).FirstOrDefault();
                suppression[complement ?? line.Total] = Suppression.Complementary;
                changed = true;
            }
        }
        while (changed);
    }
}
