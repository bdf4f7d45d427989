using System.Diagnostics;
using PruneGen.Build.Native;

namespace PruneGen.Build.Tests.Native;

public sealed class ParsingTests
{
    [Fact]
    public void DepFileGivesThePrerequisitesOfTheFirstRuleWithEscapesUndone()
    {
        const string text = "/o/core.o: /src/core.cpp /src/my\\ dir/shim.h \\\n /src/price$$.h\n\n/src/shim.h:\n";

        List<string>? prerequisites = DepFile.ParsePrerequisites(text);

        Assert.Equal(new[] { "/src/core.cpp", "/src/my dir/shim.h", "/src/price$.h" }, prerequisites);
    }

    [Fact]
    public void DepFileWithoutARuleIsUnreadable()
    {
        Assert.Null(DepFile.ParsePrerequisites("garbage without a target"));
    }

    [Fact]
    public void GccDiagnosticsKeepFileLineColumnAndKind()
    {
        const string output =
            "In file included from /src/a.cpp:1:\n" +
            "/src/a.h:3:5: error: 'x' was not declared in this scope\n" +
            "    3 |     x;\n" +
            "/src/a.cpp:9:1: warning: no return statement in function returning non-void [-Wreturn-type]\n" +
            "/src/a.cpp:7: note: declared here\n" +
            "cc1plus: warning: command-line option '-Wfoo' is valid for C but not for C++\n";

        List<GccDiagnostic> diagnostics = GccDiagnostic.Parse(output);

        Assert.Collection(diagnostics,
            d => Assert.Equal((DiagnosticKind.Error, "/src/a.h", 3, 5), (d.Kind, d.File, d.Line, d.Column)),
            d => Assert.Equal((DiagnosticKind.Warning, "/src/a.cpp", 9, 1), (d.Kind, d.File, d.Line, d.Column)),
            d => Assert.Equal((DiagnosticKind.Note, "/src/a.cpp", 7, 0), (d.Kind, d.File, d.Line, d.Column)),
            d => Assert.Equal((DiagnosticKind.Warning, (string?)null), (d.Kind, d.File)));
        Assert.Equal("'x' was not declared in this scope", diagnostics[0].Message);
    }

    [Theory]
    [InlineData(new object[] { new[] { "plain", "with space", "quote\"inside", "trailing\\", "back\\\\slash \"mix\"", "" } })]
    public void JoinedCommandLinesSplitBackIntoTheSameArguments(string[] arguments)
    {
        // printf prints each argument on its own line exactly as the process received it.
        var start = new ProcessStartInfo("printf", CommandLine.Join(new[] { "%s\\n" }.Concat(arguments)))
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(arguments, output.Split('\n')[..^1]);
    }
}
