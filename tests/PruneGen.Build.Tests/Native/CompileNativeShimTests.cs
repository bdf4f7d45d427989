using System.Runtime.InteropServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PruneGen.Build.Native;
using PruneGen.Build.Tests.Support;

namespace PruneGen.Build.Tests.Native;

/// <summary>
/// Drives the task on tiny C++ files that need no libtorch: two sources, one of which includes a
/// header, linked into one library.
/// </summary>
public sealed class CompileNativeShimTests : IDisposable
{
    private const string Export = "extern \"C\" __attribute__((visibility(\"default\")))";

    private readonly TempDir _temp = new();
    private readonly string _headerPath;
    private readonly string _withHeader;
    private readonly string _withoutHeader;

    public CompileNativeShimTests()
    {
        _headerPath = _temp.Write("src/answer.h", "#pragma once\n#define ANSWER 41\n");
        _withHeader = _temp.Write("src/with_header.cpp", "#include \"answer.h\"\n" + Export + " int pgt_answer() { return ANSWER + 1; }\n");
        _withoutHeader = _temp.Write("src/plain.cpp", Export + " int pgt_plain() { return 7; }\n");
    }

    public void Dispose() => _temp.Dispose();

    private string Library => _temp.Combine("out", "libpgt.so");

    private (CompileNativeShim Task, FakeBuildEngine Engine, bool Ok) Run(string[]? sources = null, string? extraFlags = null,
        string? fingerprint = null, string compiler = "g++", Action<CompileNativeShim>? configure = null)
    {
        var engine = new FakeBuildEngine();
        var task = new CompileNativeShim
        {
            BuildEngine = engine,
            Sources = (sources ?? new[] { _withHeader, _withoutHeader }).Select(s => (ITaskItem)new TaskItem(s)).ToArray(),
            IntermediateDir = _temp.Combine("obj"),
            OutputLibrary = Library,
            ExtraCompileFlags = extraFlags,
            BuildFingerprint = fingerprint,
            Compiler = compiler,
        };
        configure?.Invoke(task);
        bool ok = task.Execute();
        return (task, engine, ok);
    }

    /// <summary>Moves a file's time past the objects', as an edit a moment after the build would.</summary>
    private void Touch(string path, string? newContent = null)
    {
        if (newContent is not null) File.WriteAllText(path, newContent);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(Library).AddSeconds(2));
    }

    private static int CallExport(string library, string name)
    {
        IntPtr handle = NativeLibrary.Load(library);
        try
        {
            unsafe { return ((delegate* unmanaged<int>)NativeLibrary.GetExport(handle, name))(); }
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    [Fact]
    public void FirstBuildCompilesEverySourceAndLinksALoadableLibrary()
    {
        var (task, engine, ok) = Run();

        Assert.True(ok, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Equal(2, task.CompiledCount);
        Assert.True(task.Linked);
        Assert.Equal(42, CallExport(Library, "pgt_answer"));
    }

    [Fact]
    public void AnUnchangedBuildRecompilesNothingAndLeavesTheLibraryAlone()
    {
        Assert.True(Run().Ok);
        DateTime linkedAt = File.GetLastWriteTimeUtc(Library);

        var (task, engine, ok) = Run();

        Assert.True(ok);
        Assert.Equal(0, task.CompiledCount);
        Assert.False(task.Linked);
        Assert.Equal(linkedAt, File.GetLastWriteTimeUtc(Library));
        Assert.Contains("libpgt.so is up to date", engine.AllMessages());
        Assert.DoesNotContain("compiling", engine.AllMessages());
    }

    [Fact]
    public void TouchingAHeaderRecompilesOnlyTheSourcesThatIncludeIt()
    {
        Assert.True(Run().Ok);

        Touch(_headerPath, "#pragma once\n#define ANSWER 99\n");
        var (task, engine, ok) = Run();

        Assert.True(ok);
        Assert.Equal(1, task.CompiledCount);
        Assert.Contains("compiling with_header.cpp (answer.h changed)", engine.AllMessages());
        Assert.DoesNotContain("compiling plain.cpp", engine.AllMessages());
        Assert.True(task.Linked);
        Assert.Equal(100, CallExport(Library, "pgt_answer"));
    }

    [Fact]
    public void ChangedFlagsOrFingerprintRebuildEverything()
    {
        Assert.True(Run().Ok);

        var flags = Run(extraFlags: "-DPGT_EXTRA=1");
        Assert.Equal(2, flags.Task.CompiledCount);
        Assert.True(flags.Task.Linked);

        var fingerprint = Run(extraFlags: "-DPGT_EXTRA=1", fingerprint: "libtorch 9.9");
        Assert.Equal(2, fingerprint.Task.CompiledCount);
    }

    [Fact]
    public void ACompileErrorIsAnMSBuildErrorAtTheSourceLineAndIsRetriedNextTime()
    {
        string broken = _temp.Write("src/broken.cpp", "// line 1\nint f() {\n    return not_declared_anywhere;\n}\n");

        var (_, engine, ok) = Run(new[] { _withoutHeader, broken });

        Assert.False(ok);
        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(broken, error.File);
        Assert.Equal(3, error.LineNumber);
        Assert.True(error.ColumnNumber > 0);
        Assert.Contains("not_declared_anywhere", error.Message);
        Assert.False(File.Exists(Library));

        File.WriteAllText(broken, Export + " int f() { return 1; }\n");
        var fixedRun = Run(new[] { _withoutHeader, broken });
        Assert.True(fixedRun.Ok);
        Assert.Equal(1, fixedRun.Task.CompiledCount);
    }

    [Fact]
    public void EveryBrokenFileIsReportedInOneBuild()
    {
        string first = _temp.Write("src/first.cpp", "int f() { return missing_one; }\n");
        string second = _temp.Write("src/second.cpp", "int g() { return missing_two; }\n");

        var (_, engine, ok) = Run(new[] { first, second, _withoutHeader }, configure: task => task.MaxParallel = 1);

        Assert.False(ok);
        Assert.Equal(new[] { first, second }, engine.Errors.Select(e => e.File).OrderBy(f => f));
    }

    [Fact]
    public void ACompilerWarningIsAnMSBuildWarningAndTheBuildGoesOn()
    {
        string noisy = _temp.Write("src/noisy.cpp", Export + " int g() {\n    int unused = 3;\n    return 0;\n}\n");

        var (_, engine, ok) = Run(new[] { noisy });

        Assert.True(ok);
        BuildWarningEventArgs warning = Assert.Single(engine.Warnings);
        Assert.Equal(noisy, warning.File);
        Assert.Equal(2, warning.LineNumber);
        Assert.Contains("unused", warning.Message);
    }

    [Fact]
    public void AMissingDefinitionFailsAtLinkTimeWithOneError()
    {
        string caller = _temp.Write("src/caller.cpp", "int nowhere();\n" + Export + " int h() { return nowhere(); }\n");

        var (_, engine, ok) = Run(new[] { caller });

        Assert.False(ok);
        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(CompileNativeShim.LinkFailedCode, error.Code);
        Assert.Contains("nowhere", error.Message);
        Assert.False(File.Exists(Library));
    }

    [Fact]
    public void AMissingCompilerIsOneErrorThatSaysWhatToInstall()
    {
        var (_, engine, ok) = Run(compiler: "prunegen-no-such-compiler");

        Assert.False(ok);
        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal(CompileNativeShim.CompilerMissingCode, error.Code);
        Assert.Contains("g++", error.Message);
    }

    [Fact]
    public void TwoSourcesWithOneFileNameAreRejected()
    {
        string twin = _temp.Write("other/plain.cpp", "int twin() { return 0; }\n");

        var (_, engine, ok) = Run(new[] { _withoutHeader, twin });

        Assert.False(ok);
        Assert.Equal(CompileNativeShim.BadInputCode, Assert.Single(engine.Errors).Code);
    }

    [Fact]
    public void LibrariesMarkedNoAsNeededStayLinkedThoughUnusedAndTheLibDirIsTheRunPath()
    {
        // Stands in for libtorch_cuda: nothing calls into it, yet it must be loaded with the shim.
        string helperSource = _temp.Write("dep/hooks.cpp", "int pgt_hooks_registered = 1;\n");
        string depDir = _temp.Combine("deps");
        Directory.CreateDirectory(depDir);
        RunTool("g++", "-shared", "-fPIC", helperSource, "-o", Path.Combine(depDir, "libpgthooks.so"));

        var (_, engine, ok) = Run(configure: task =>
        {
            task.LibDir = depDir;
            var hooks = new TaskItem("pgthooks");
            hooks.SetMetadata("NoAsNeeded", "true");
            task.Libraries = new ITaskItem[] { hooks };
        });

        Assert.True(ok, string.Join("\n", engine.Errors.Select(e => e.Message)));
        string dynamic = RunTool("readelf", "-d", Library);
        Assert.Contains("[libpgthooks.so]", dynamic);
        Assert.Matches(@"\((RUNPATH|RPATH)\).*\[" + System.Text.RegularExpressions.Regex.Escape(depDir) + @"\]", dynamic);
    }

    [Fact]
    public void AnIncludeFolderThatIsALinkToTheSystemOneIsNotPassedSoStandardHeadersStillWork()
    {
        // -isystem on /usr/include (here through a link, as in some torch packages) breaks libstdc++'s
        // #include_next <stdlib.h>.
        string link = _temp.Combine("include-link");
        Directory.CreateSymbolicLink(link, "/usr/include");
        string source = _temp.Write("src/uses_std.cpp", "#include <cstdlib>\n" + Export + " int pgt_abs() { return std::abs(-5); }\n");

        var (_, engine, ok) = Run(new[] { source }, configure: task => task.IncludeDirs = new ITaskItem[] { new TaskItem(link) });

        Assert.True(ok, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Equal(5, CallExport(Library, "pgt_abs"));
    }

    private static string RunTool(string tool, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, tool + " failed: " + output);
        return output;
    }
}
