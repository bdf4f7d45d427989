namespace PruneGen.Build.Tests.Support;

internal static class RepoRoot
{
    /// <summary>The folder holding PruneGen.sln, found upwards from the test assembly.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PruneGen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("PruneGen.sln not found above " + AppContext.BaseDirectory);
    }
}
