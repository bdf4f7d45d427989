using System.Diagnostics;
using PruneGen.Build.Tests.Support;

namespace PruneGen.Build.Tests.Scripts;

/// <summary>scripts/test-summary.sh, which turns the TRX reports of ./dev.sh test into its last line.</summary>
public sealed class TestSummaryScriptTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    // The Counters element as VSTest writes it: skipped tests count in total but not in executed.
    private void Report(string project, int total, int executed, int passed, int failed, int error = 0) =>
        _temp.Write(project + "/run.trx",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<TestRun><ResultSummary outcome=\"Completed\">\n" +
            $"<Counters total=\"{total}\" executed=\"{executed}\" passed=\"{passed}\" failed=\"{failed}\" error=\"{error}\" " +
            "timeout=\"0\" aborted=\"0\" inconclusive=\"0\" passedButRunAborted=\"0\" notRunnable=\"0\" notExecuted=\"0\" " +
            "disconnected=\"0\" warning=\"0\" completed=\"0\" inProgress=\"0\" pending=\"0\" />\n</ResultSummary></TestRun>\n");

    private (int ExitCode, string Output) Summarise()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoRoot.Path, "scripts", "test-summary.sh"));
        start.ArgumentList.Add(_temp.Path);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }

    [Fact]
    public void SumsEveryProjectsReportAndSucceedsWhenNothingFailed()
    {
        Report("A.Tests", total: 12, executed: 10, passed: 10, failed: 0);
        Report("B.Tests", total: 5, executed: 5, passed: 5, failed: 0);

        Assert.Equal((0, "tests: 15 passed, 0 failed, 2 skipped"), Summarise());
    }

    [Fact]
    public void AnyFailureOrErrorFailsTheSummary()
    {
        Report("A.Tests", total: 4, executed: 4, passed: 2, failed: 1, error: 1);

        Assert.Equal((1, "tests: 2 passed, 2 failed, 0 skipped"), Summarise());
    }

    [Fact]
    public void NoReportsAtAllGiveZeros()
    {
        Assert.Equal((0, "tests: 0 passed, 0 failed, 0 skipped"), Summarise());
    }
}
