using PruneGen.Generators.Tests.Infrastructure;

namespace PruneGen.Generators.Tests;

/// <summary>The in-repo snapshot helper itself: a mismatch writes the received file and fails with a unified diff.</summary>
public class SnapshotHelperTests
{
    [Fact]
    public void UnifiedDiffShowsChangedLinesWithContextAndHunkHeader()
    {
        string before = string.Join("\n", Enumerable.Range(1, 20).Select(i => "line " + i)) + "\n";
        string after = before.Replace("line 10\n", "line ten\n");
        string diff = Snapshot.UnifiedDiff(before, after, "Sample");
        Assert.StartsWith("--- Sample.verified.cs\n+++ Sample.received.cs\n", diff);
        Assert.Contains("@@ -7,7 +7,7 @@\n", diff);
        Assert.Contains("\n-line 10\n+line ten\n", diff);
        Assert.Contains(" line 7\n", diff);
        Assert.DoesNotContain("line 2\n", diff);
    }

    [Fact]
    public void MismatchWritesTheReceivedFileAndFails()
    {
        if (Environment.GetEnvironmentVariable(Snapshot.AcceptVariable) == "1") return; // accepting would turn the mismatch into a pass
        string name = "SnapshotHelperSelfTest";
        string directory = Path.Combine(Path.GetDirectoryName(ThisFile())!, "Snapshots");
        string verified = Path.Combine(directory, name + ".verified.cs"), received = Path.Combine(directory, name + ".received.cs");
        File.WriteAllText(verified, "a\nb\n");
        try
        {
            var e = Assert.ThrowsAny<Exception>(() => Snapshot.Verify("a\nc\n", name));
            Assert.Contains("-b\n+c", e.Message);
            Assert.Equal("a\nc\n", File.ReadAllText(received));
            Snapshot.Verify("a\nb\n", name); // a match removes the stale received file
            Assert.False(File.Exists(received));
        }
        finally
        {
            File.Delete(verified);
            File.Delete(received);
        }
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
