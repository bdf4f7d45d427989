using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PruneGen.Solvers;

/// <summary>Settings of a CBC run.</summary>
public sealed record CbcOptions
{
    /// <summary>The CBC executable: a path or a name looked up on PATH (Debian's coinor-cbc installs <c>cbc</c>).</summary>
    public string Executable { get; init; } = Environment.GetEnvironmentVariable("PRUNEGEN_CBC") is { Length: > 0 } path ? path : "cbc";

    /// <summary>Wall-clock limit of the branch and bound; the best feasible point found by then is returned. Null: none.</summary>
    public TimeSpan? TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stop when (bound − best) / best falls below this; 0 asks for proven optimality.</summary>
    public double RelativeGap { get; init; }

    /// <summary>Stop when |bound − best| falls below this (CBC's allowableGap).</summary>
    public double AbsoluteGap { get; init; } = 1e-9;

    /// <summary>More CBC command-line arguments, placed before <c>solve</c> (e.g. <c>["feas", "off"]</c>).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Keep the LP, log and solution files in this folder (for inspection); null: a temporary folder, deleted after the solve.</summary>
    public string? KeepFilesIn { get; init; }
}

/// <summary>
/// Solves a <see cref="MilpModel"/> with COIN-OR CBC through its LP-file interface: writes the model,
/// runs <c>cbc</c> as a process, reads the solution file and the log's bound.
/// </summary>
public sealed class CbcSolver(CbcOptions? options = null) : IMilpSolver
{
    // The process is killed this long after the solver's own time limit (CBC checks its clock between
    // nodes and may overrun a little; a hung process must not hang the caller).
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(30);

    public CbcOptions Options { get; } = options ?? new CbcOptions();

    public TimeSpan? TimeLimit => Options.TimeLimit;

    public MilpSolution Solve(MilpModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string folder = Options.KeepFilesIn ?? Path.Combine(Path.GetTempPath(), "prunegen-cbc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string lpPath = Path.Combine(folder, "model.lp");
            string solutionPath = Path.Combine(folder, "model.sol");
            File.Delete(solutionPath);
            LpFileWriter.Write(model, lpPath);
            string? startPath = null;
            if (model.Start is { } start)
            {
                startPath = Path.Combine(folder, "start.sol");
                WriteStart(model, start, startPath);
            }

            var stopwatch = Stopwatch.StartNew();
            string log = Run(lpPath, solutionPath, startPath);
            stopwatch.Stop();
            if (Options.KeepFilesIn is not null) File.WriteAllText(Path.Combine(folder, "model.log"), log);

            if (!File.Exists(solutionPath))
                throw new MilpSolverException($"CBC wrote no solution file for model '{model.Name}'; the end of its log:\n{Tail(log)}");
            return ReadSolution(model, File.ReadAllLines(solutionPath), log, stopwatch.Elapsed);
        }
        finally
        {
            if (Options.KeepFilesIn is null)
            {
                try { Directory.Delete(folder, recursive: true); }
                catch (IOException) { } // a leftover temp folder is harmless
            }
        }
    }

    // CBC's own solution format (what "solu" writes): a status line, then "<index> <name> <value>" per
    // variable; "mipstart" reads it back and takes the integer variables' values as its first incumbent.
    private static void WriteStart(MilpModel model, IReadOnlyList<double> start, string path)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Feasible - objective value {model.EvaluateObjective(start):R}\n");
        foreach (Variable v in model.Variables)
            text.Append(CultureInfo.InvariantCulture, $"{v.Index} x{v.Index} {start[v.Index]:R} 0\n");
        File.WriteAllText(path, text.ToString());
    }

    private string Run(string lpPath, string solutionPath, string? startPath)
    {
        var start = new ProcessStartInfo(Options.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(lpPath)!,
        };
        start.ArgumentList.Add(lpPath);
        if (startPath is not null) AddArguments(start, "mipstart", startPath);
        if (Options.TimeLimit is { } limit)
        {
            if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Options.TimeLimit), limit, "the CBC time limit must be positive");
            AddArguments(start, "timeMode", "elapsed", "sec", Number(limit.TotalSeconds));
        }
        AddArguments(start, "ratioGap", Number(Options.RelativeGap), "allowableGap", Number(Options.AbsoluteGap));
        AddArguments(start, [.. Options.ExtraArguments]);
        AddArguments(start, "solve", "solu", solutionPath, "quit");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new MilpSolverException($"could not start CBC ('{Options.Executable}')");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MilpSolverException(
                $"could not start CBC ('{Options.Executable}'): {e.Message}. Install Debian's coinor-cbc (./dev.sh setup) or set PRUNEGEN_CBC to the executable.", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = new StringBuilder();
            // Both streams are drained concurrently so a full pipe never blocks CBC.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            TimeSpan wait = (Options.TimeLimit ?? TimeSpan.FromDays(1)) + KillGrace;
            if (!process.WaitForExit(wait))
            {
                process.Kill(entireProcessTree: true);
                throw new MilpSolverException($"CBC did not finish within {wait.TotalSeconds:F0} s and was stopped");
            }
            process.WaitForExit();
            output.Append(stdout.Result).Append(stderr.Result);
            return output.ToString();
        }
    }

    /// <summary>Reads CBC's solution file (and the bound from its log) into a solution of <paramref name="model"/>.</summary>
    public static MilpSolution ReadSolution(MilpModel model, IReadOnlyList<string> solutionLines, string log, TimeSpan solveTime)
    {
        string statusText = solutionLines.Count > 0 ? solutionLines[0].Trim() : "";
        MilpStatus status = ParseStatus(statusText);
        var values = new double[model.Variables.Count];
        bool hasPoint = status is MilpStatus.Optimal or MilpStatus.TimeLimit;
        if (hasPoint)
        {
            for (int i = 1; i < solutionLines.Count; i++)
            {
                // "<row> <name> <value> <reduced cost>", with "**" in front of values outside their bounds.
                string[] fields = solutionLines[i].Replace("**", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 3) continue;
                string name = fields[1];
                if (name.Length < 2 || name[0] != 'x' || !int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= values.Length)
                    throw new MilpSolverException($"CBC's solution names an unknown variable '{name}' (line {i + 1}: '{solutionLines[i]}')");
                if (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out values[index]))
                    throw new MilpSolverException($"CBC's solution has an unreadable value on line {i + 1}: '{solutionLines[i]}'");
            }
        }
        // The file prints 8 decimals; the objective is recomputed from the values at full precision.
        double objective = hasPoint ? model.EvaluateObjective(values) : double.NaN;
        double bound = status == MilpStatus.Optimal ? objective : ParseBound(log, model) + model.ObjectiveConstant;
        double reported = ParseNumberAfter(log, "Total time (CPU seconds):", "(Wallclock seconds):");
        return new MilpSolution(status, objective, bound, values, solveTime, statusText,
            double.IsFinite(reported) ? TimeSpan.FromSeconds(reported) : null);
    }

    // "Total time (CPU seconds):       0.00   (Wallclock seconds):       0.02"
    private static double ParseNumberAfter(string log, string linePrefix, string label)
    {
        foreach (string line in log.Split('\n'))
        {
            string trimmed = line.Trim();
            int at = trimmed.IndexOf(label, StringComparison.Ordinal);
            if (!trimmed.StartsWith(linePrefix, StringComparison.Ordinal) || at < 0) continue;
            if (double.TryParse(trimmed.AsSpan(at + label.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return value;
        }
        return double.NaN;
    }

    /// <summary>The ending a CBC solution file's first line reports.</summary>
    public static MilpStatus ParseStatus(string statusText)
    {
        if (statusText.StartsWith("Optimal", StringComparison.Ordinal)) return MilpStatus.Optimal;
        if (statusText.StartsWith("Infeasible", StringComparison.Ordinal) || statusText.StartsWith("Integer infeasible", StringComparison.Ordinal))
            return MilpStatus.Infeasible;
        if (statusText.StartsWith("Unbounded", StringComparison.Ordinal)) return MilpStatus.Unbounded;
        if (statusText.StartsWith("Stopped on time", StringComparison.Ordinal) || statusText.StartsWith("Stopped on iterations or time", StringComparison.Ordinal))
            // Without an integer point CBC reports the LP relaxation's values ("continuous used"), which are not a solution.
            return statusText.Contains("no integer solution", StringComparison.Ordinal) ? MilpStatus.TimeLimitNoSolution : MilpStatus.TimeLimit;
        return MilpStatus.Other;
    }

    // CBC's summary prints "Upper bound:" when maximising and "Lower bound:" when minimising.
    private static double ParseBound(string log, MilpModel model)
    {
        string label = model.Sense == ObjectiveSense.Maximize ? "Upper bound:" : "Lower bound:";
        foreach (string line in log.Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith(label, StringComparison.Ordinal)
                && double.TryParse(trimmed.AsSpan(label.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double bound))
                return bound;
        }
        return double.NaN;
    }

    private static void AddArguments(ProcessStartInfo start, params string[] arguments)
    {
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Tail(string log) => log.Length <= 2000 ? log : log[^2000..];
}
