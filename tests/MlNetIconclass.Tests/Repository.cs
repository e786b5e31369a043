namespace MlNetIconclass.Tests;

/// <summary>The repository the tests run in, for tests that read its files (notebooks, sources).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "MlNetIconclass.sln")))
                return folder.FullName;
        throw new DirectoryNotFoundException(
            "The tests run outside the repository: no MlNetIconclass.sln above " + AppContext.BaseDirectory
        );
    }
}
