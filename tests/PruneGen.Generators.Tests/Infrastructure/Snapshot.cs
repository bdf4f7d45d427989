using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace PruneGen.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot verification in the spirit of Verify: <c>Snapshots/NAME.verified.cs</c> is committed; on a
/// mismatch <c>NAME.received.cs</c> is written next to it (git-ignored) and the test fails with a
/// unified diff. Set PRUNEGEN_ACCEPT_SNAPSHOTS=1 to accept the received text as the new snapshot.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "PRUNEGEN_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        Directory.CreateDirectory(directory);
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        actual = Normalize(actual);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;

        if (verified == actual)
        {
            File.Delete(receivedPath);
            return;
        }
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        string message = verified is null
            ? $"no verified snapshot {verifiedPath}; the received text is in {receivedPath} (set {AcceptVariable}=1 to accept it)"
            : $"snapshot {name} differs (received text in {receivedPath}; set {AcceptVariable}=1 to accept):\n" + UnifiedDiff(verified, actual, name);
        throw new XunitException(message);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    /// <summary>A unified diff (3 lines of context) of two texts.</summary>
    public static string UnifiedDiff(string oldText, string newText, string name)
    {
        DiffPaneModel model = new InlineDiffBuilder(new DiffPlex.Differ()).BuildDiffModel(oldText, newText, ignoreWhitespace: false);
        var lines = model.Lines;
        var output = new StringBuilder($"--- {name}.verified.cs\n+++ {name}.received.cs\n");
        const int context = 3;
        int i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Type == ChangeType.Unchanged) { i++; continue; }
            int start = Math.Max(0, i - context), end = i;
            // Extend the hunk while changes are within 2 x context of each other.
            while (end < lines.Count)
            {
                int next = end;
                while (next < lines.Count && lines[next].Type != ChangeType.Unchanged) next++;
                int gap = next;
                while (gap < lines.Count && lines[gap].Type == ChangeType.Unchanged && gap - next < 2 * context) gap++;
                end = gap < lines.Count && lines[gap].Type != ChangeType.Unchanged ? gap : Math.Min(lines.Count, next + context);
                if (end == Math.Min(lines.Count, next + context)) break;
            }
            int oldStart = 1 + lines.Take(start).Count(l => l.Type != ChangeType.Inserted);
            int newStart = 1 + lines.Take(start).Count(l => l.Type != ChangeType.Deleted);
            var hunk = lines.Skip(start).Take(end - start).ToList();
            output.Append($"@@ -{oldStart},{hunk.Count(l => l.Type != ChangeType.Inserted)} +{newStart},{hunk.Count(l => l.Type != ChangeType.Deleted)} @@\n");
            foreach (DiffPiece line in hunk)
                output.Append(line.Type switch { ChangeType.Inserted => "+", ChangeType.Deleted => "-", _ => " " }).Append(line.Text).Append('\n');
            i = end;
        }
        return output.ToString();
    }
}
