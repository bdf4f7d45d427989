using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using MSBuildTask = Microsoft.Build.Utilities.Task;
using Task = System.Threading.Tasks.Task;

namespace PruneGen.Build.Native;

/// <summary>
/// Compiles C++ sources to objects in parallel and links them into one shared library, redoing only
/// what changed. An object is current when its stamp (the exact compile command plus
/// <see cref="BuildFingerprint"/>) matches and nothing listed in its g++ -MMD dependency file is
/// newer; the library is current when its link stamp matches and no object is newer. g++
/// diagnostics are logged as MSBuild errors and warnings at their file and line.
/// </summary>
public sealed class CompileNativeShim : MSBuildTask, ICancelableTask
{
    public const string CompilerMissingCode = "PGB002";
    public const string LinkFailedCode = "PGB003";
    public const string BadInputCode = "PGB004";
    public const string CompileFailedCode = "PGB005";

    // -fvisibility=hidden: only PG_API entry points are exported, the rest stays internal.
    private static readonly string[] BaseCompileFlags = { "-std=c++17", "-O2", "-fPIC", "-fvisibility=hidden", "-Wall" };

    // Passing these (or a symbolic link to them) as -isystem would reorder the compiler's own search
    // path and break libstdc++'s #include_next; they are searched anyway.
    private static readonly HashSet<string> ImplicitIncludeDirs = new HashSet<string>(StringComparer.Ordinal)
    {
        "/usr/include", "/usr/local/include",
    };

    private readonly ToolRunner _runner = new ToolRunner();
    private bool _compilerMissingReported;

    [Required] public ITaskItem[] Sources { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Folder for objects, dependency files and stamps.</summary>
    [Required] public string IntermediateDir { get; set; } = "";

    [Required] public string OutputLibrary { get; set; } = "";

    /// <summary>Third-party include folders; passed with -isystem so their warnings stay quiet.</summary>
    public ITaskItem[] IncludeDirs { get; set; } = Array.Empty<ITaskItem>();

    public ITaskItem[] Defines { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Folder of <see cref="Libraries"/>; also the library's run-time search path (rpath).</summary>
    public string? LibDir { get; set; }

    /// <summary>Names for -l; metadata NoAsNeeded="true" keeps a library linked though no symbol of it is used.</summary>
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    public string Compiler { get; set; } = "g++";
    public string? ExtraCompileFlags { get; set; }
    public string? ExtraLinkFlags { get; set; }

    /// <summary>Text whose change forces a full rebuild, e.g. the identity of the libtorch in use.</summary>
    public string? BuildFingerprint { get; set; }

    /// <summary>Concurrent compiler processes; 0 means one per core.</summary>
    public int MaxParallel { get; set; }

    [Output] public int CompiledCount { get; private set; }
    [Output] public bool Linked { get; private set; }

    public void Cancel() => _runner.CancelAll();

    public override bool Execute()
    {
        List<SourceUnit>? units = PlanUnits();
        if (units is null) return false;

        string libraryName = Path.GetFileName(OutputLibrary);
        List<SourceUnit> stale = units.Where(u => u.StaleReason is not null).ToList();
        if (!CompileAll(stale)) return false;
        CompiledCount = stale.Count;

        string library = Path.GetFullPath(OutputLibrary);
        string temporary = library + ".tmp";
        List<string> linkArguments = LinkArguments(units, temporary);
        string linkStamp = Path.Combine(Path.GetFullPath(IntermediateDir), libraryName + ".link.cmd");
        string expectedLinkStamp = StampText(linkArguments);
        string? relinkReason = LinkStaleReason(units, library, linkStamp, expectedLinkStamp, stale.Count);
        if (relinkReason is null)
        {
            Log.LogMessage(MessageImportance.High,
                "PruneGen native: {0} is up to date ({1} source file(s), nothing recompiled or relinked)", libraryName, units.Count);
            return true;
        }

        Log.LogMessage(MessageImportance.High, "PruneGen native: linking {0} ({1})", libraryName, relinkReason);
        Log.LogMessage(MessageImportance.Low, "{0} {1}", Compiler, CommandLine.Join(linkArguments));
        ToolResult? link = RunTool(linkArguments);
        if (link is null) return false;
        if (link.ExitCode != 0)
        {
            TryDelete(temporary);
            TryDelete(linkStamp);
            Log.LogError(null, LinkFailedCode, null, null, 0, 0, 0, 0,
                "linking {0} failed (exit {1}):\n{2}", libraryName, link.ExitCode, link.Output.Trim());
            return false;
        }
        if (link.Output.Trim().Length > 0) Log.LogMessage(MessageImportance.Normal, link.Output.Trim());

        // Replace rather than overwrite: a process that has the old library mapped keeps its copy.
        TryDelete(library);
        File.Move(temporary, library);
        File.WriteAllText(linkStamp, expectedLinkStamp);
        Linked = true;
        return true;
    }

    private sealed class SourceUnit
    {
        public SourceUnit(string source, string obj, string depFile, string stampFile, List<string> arguments, string stamp)
        {
            Source = source;
            Object = obj;
            DepFile = depFile;
            StampFile = stampFile;
            Arguments = arguments;
            Stamp = stamp;
        }

        public string Source { get; }
        public string Object { get; }
        public string DepFile { get; }
        public string StampFile { get; }
        public List<string> Arguments { get; }
        public string Stamp { get; }
        public string? StaleReason { get; set; }
    }

    private List<SourceUnit>? PlanUnits()
    {
        if (Sources.Length == 0)
        {
            Log.LogError(null, BadInputCode, null, null, 0, 0, 0, 0, "no C++ sources to compile into {0}", OutputLibrary);
            return null;
        }
        string intermediate = Path.GetFullPath(IntermediateDir);
        Directory.CreateDirectory(intermediate);
        string? outputDir = Path.GetDirectoryName(Path.GetFullPath(OutputLibrary));
        if (!string.IsNullOrEmpty(outputDir)) Directory.CreateDirectory(outputDir);

        var units = new List<SourceUnit>();
        var byObjectName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ITaskItem item in Sources)
        {
            string source = Path.GetFullPath(item.ItemSpec);
            string name = Path.GetFileNameWithoutExtension(source);
            if (byObjectName.TryGetValue(name, out string? other))
            {
                // Objects live in one flat folder, so two sources may not share a file name.
                Log.LogError(null, BadInputCode, null, source, 0, 0, 0, 0,
                    "two sources would compile to the same object {0}.o: {1} and {2}; rename one", name, other, source);
                return null;
            }
            byObjectName[name] = source;
            string obj = Path.Combine(intermediate, name + ".o");
            string dep = Path.Combine(intermediate, name + ".d");
            List<string> arguments = CompileArguments(source, obj, dep);
            var unit = new SourceUnit(source, obj, dep, obj + ".cmd", arguments, StampText(arguments));
            unit.StaleReason = ObjectStaleReason(unit);
            units.Add(unit);
        }
        return units;
    }

    private List<string> CompileArguments(string source, string obj, string dep)
    {
        var arguments = new List<string>(BaseCompileFlags);
        foreach (ITaskItem define in Defines) arguments.Add("-D" + define.ItemSpec);
        foreach (ITaskItem include in IncludeDirs)
        {
            string dir = Path.GetFullPath(include.ItemSpec).TrimEnd('/');
            if (ImplicitIncludeDirs.Contains(RealPath.Resolve(dir).TrimEnd('/'))) continue;
            arguments.Add("-isystem");
            arguments.Add(dir);
        }
        arguments.AddRange(SplitFlags(ExtraCompileFlags));
        arguments.AddRange(new[] { "-MMD", "-MF", dep, "-c", source, "-o", obj });
        return arguments;
    }

    private List<string> LinkArguments(List<SourceUnit> units, string output)
    {
        // --no-undefined: a missing definition fails the build here instead of at load time.
        var arguments = new List<string> { "-shared", "-Wl,--no-undefined", "-o", output };
        arguments.AddRange(units.Select(u => u.Object));
        if (!string.IsNullOrEmpty(LibDir))
        {
            string dir = Path.GetFullPath(LibDir);
            arguments.Add("-L" + dir);
            arguments.Add("-Wl,-rpath," + dir);
        }
        var keepLoaded = new List<string>();
        foreach (ITaskItem library in Libraries)
        {
            if (string.Equals(library.GetMetadata("NoAsNeeded"), "true", StringComparison.OrdinalIgnoreCase))
                keepLoaded.Add("-l" + library.ItemSpec);
            else
                arguments.Add("-l" + library.ItemSpec);
        }
        if (keepLoaded.Count > 0)
        {
            arguments.Add("-Wl,--push-state,--no-as-needed");
            arguments.AddRange(keepLoaded);
            arguments.Add("-Wl,--pop-state");
        }
        arguments.AddRange(SplitFlags(ExtraLinkFlags));
        return arguments;
    }

    private static IEnumerable<string> SplitFlags(string? flags) =>
        (flags ?? "").Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);

    private string StampText(List<string> arguments) =>
        Compiler + " " + CommandLine.Join(arguments) + "\n" + (BuildFingerprint ?? "") + "\n";

    private static string? ObjectStaleReason(SourceUnit unit)
    {
        if (!File.Exists(unit.Object)) return "no object yet";
        if (ReadOrNull(unit.StampFile) != unit.Stamp) return "compile command changed";
        List<string>? prerequisites = DepFile.ReadPrerequisites(unit.DepFile);
        if (prerequisites is null) return "no dependency file";
        DateTime built = File.GetLastWriteTimeUtc(unit.Object);
        string directory = Path.GetDirectoryName(unit.Object)!;
        foreach (string prerequisite in prerequisites.Append(unit.Source))
        {
            string path = Path.IsPathRooted(prerequisite) ? prerequisite : Path.Combine(directory, prerequisite);
            if (!File.Exists(path)) return Path.GetFileName(path) + " is gone";
            if (File.GetLastWriteTimeUtc(path) > built) return Path.GetFileName(path) + " changed";
        }
        return null;
    }

    private static string? LinkStaleReason(List<SourceUnit> units, string library, string stampFile, string expectedStamp, int compiled)
    {
        if (!File.Exists(library)) return "no library yet";
        if (ReadOrNull(stampFile) != expectedStamp) return "link command changed";
        if (compiled > 0) return compiled + " object(s) recompiled";
        DateTime built = File.GetLastWriteTimeUtc(library);
        return units.Any(u => File.GetLastWriteTimeUtc(u.Object) > built) ? "an object is newer" : null;
    }

    /// <summary>Runs the stale compiles, at most MaxParallel at a time; logs from this thread only.</summary>
    private bool CompileAll(List<SourceUnit> stale)
    {
        int parallel = MaxParallel > 0 ? MaxParallel : Environment.ProcessorCount;
        var pending = new Queue<SourceUnit>(stale);
        var running = new Dictionary<Task<ToolResult>, SourceUnit>();
        bool ok = true;
        while (pending.Count > 0 || running.Count > 0)
        {
            // Like a C# build, go on after a failed file so one build reports every file's errors;
            // a compiler that cannot start would only fail the same way again.
            while (!_compilerMissingReported && pending.Count > 0 && running.Count < parallel)
            {
                SourceUnit unit = pending.Dequeue();
                TryDelete(unit.StampFile); // until it succeeds, the object does not count as built
                Log.LogMessage(MessageImportance.High, "PruneGen native: compiling {0} ({1})", Path.GetFileName(unit.Source), unit.StaleReason);
                Log.LogMessage(MessageImportance.Low, "{0} {1}", Compiler, CommandLine.Join(unit.Arguments));
                running.Add(_runner.RunAsync(Compiler, unit.Arguments), unit);
            }
            if (running.Count == 0) break;
            Task<ToolResult> done = running.Keys.ElementAt(Task.WaitAny(running.Keys.ToArray()));
            SourceUnit finished = running[done];
            running.Remove(done);
            ok &= Report(finished, done);
        }
        return ok;
    }

    private bool Report(SourceUnit unit, Task<ToolResult> run)
    {
        ToolResult? result = Unwrap(run);
        if (result is null) return false;
        List<GccDiagnostic> diagnostics = GccDiagnostic.Parse(result.Output);
        foreach (GccDiagnostic d in diagnostics)
        {
            switch (d.Kind)
            {
                case DiagnosticKind.Error:
                    Log.LogError(null, null, null, d.File, d.Line, d.Column, 0, 0, d.Message);
                    break;
                case DiagnosticKind.Warning:
                    Log.LogWarning(null, null, null, d.File, d.Line, d.Column, 0, 0, d.Message);
                    break;
                default:
                    Log.LogMessage(null, null, null, d.File, d.Line, d.Column, 0, 0, MessageImportance.Normal, d.Message);
                    break;
            }
        }
        if (result.Output.Trim().Length > 0)
        {
            // The full text keeps g++'s context lines (include chains, template instantiations).
            Log.LogMessage(MessageImportance.Normal, result.Output.TrimEnd());
        }
        if (result.ExitCode == 0)
        {
            File.WriteAllText(unit.StampFile, unit.Stamp);
            return true;
        }
        TryDelete(unit.Object);
        if (!diagnostics.Any(d => d.Kind == DiagnosticKind.Error))
        {
            Log.LogError(null, CompileFailedCode, null, unit.Source, 0, 0, 0, 0,
                "{0} failed on {1} (exit {2}):\n{3}", Compiler, Path.GetFileName(unit.Source), result.ExitCode, result.Output.Trim());
        }
        return false;
    }

    private ToolResult? RunTool(List<string> arguments) => Unwrap(_runner.RunAsync(Compiler, arguments));

    private ToolResult? Unwrap(Task<ToolResult> run)
    {
        try
        {
            return run.GetAwaiter().GetResult();
        }
        catch (Win32Exception e)
        {
            // Parallel compiles all hit this; one error says it.
            if (_compilerMissingReported) return null;
            _compilerMissingReported = true;
            Log.LogError(null, CompilerMissingCode, null, null, 0, 0, 0, 0,
                "the C++ compiler '{0}' could not be started ({1}). Install g++ (`./dev.sh setup` does) or set PruneGenCxx to a compiler.",
                Compiler, e.Message);
            return null;
        }
    }

    private static string? ReadOrNull(string path)
    {
        try { return File.Exists(path) ? File.ReadAllText(path) : null; }
        catch (IOException) { return null; }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* best effort: a later build notices the stale file */ }
    }
}
