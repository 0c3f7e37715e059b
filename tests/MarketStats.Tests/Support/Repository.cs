namespace MarketStats.Tests.Support;

/// <summary>Files of this checkout (documents and notebooks that tests hold to the code).</summary>
public static class Repository
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "MarketStats.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("the tests are not running inside the repository");
        }
    }

    public static string File(string relative) => Path.Combine(Root, relative);
}
