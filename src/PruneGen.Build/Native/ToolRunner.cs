using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace PruneGen.Build.Native;

internal sealed class ToolResult
{
    public ToolResult(int exitCode, string output)
    {
        ExitCode = exitCode;
        Output = output;
    }

    public int ExitCode { get; }

    /// <summary>stderr then stdout, as g++ writes its diagnostics to stderr.</summary>
    public string Output { get; }
}

/// <summary>Runs one compiler or linker process and collects what it prints; can kill all it started.</summary>
internal sealed class ToolRunner
{
    private readonly object _gate = new object();
    private readonly HashSet<Process> _running = new HashSet<Process>();
    private bool _cancelled;

    public Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> arguments) => Task.Run(() => Run(tool, arguments));

    private ToolResult Run(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool, CommandLine.Join(arguments))
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            CreateNoWindow = true,
        };
        // Plain ASCII English diagnostics, whatever the user's locale, so they parse.
        start.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = start };
        lock (_gate)
        {
            if (_cancelled) return new ToolResult(-1, "cancelled");
            process.Start();
            _running.Add(process);
        }
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return new ToolResult(process.ExitCode, stderr + stdout.Result);
        }
        finally
        {
            lock (_gate) _running.Remove(process);
        }
    }

    public void CancelAll()
    {
        lock (_gate)
        {
            _cancelled = true;
            foreach (Process process in _running)
            {
                try { process.Kill(); }
                catch (System.InvalidOperationException) { /* already exited */ }
            }
        }
    }
}
