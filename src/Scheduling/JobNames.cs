namespace MarketStats.Scheduling;

/// <summary>The job names that <c>schedule list</c> prints and <c>schedule trigger JOB</c> accepts.</summary>
public static class JobNames
{
    public const string Ingest = "ingest";
    public const string Link = "link";
    public const string BuildMarts = "build-marts";
    public const string PublishSurvey = "publish-survey";
    public const string PullPrefix = "pull-";

    public static string Pull(string platform) => PullPrefix + platform;
}
