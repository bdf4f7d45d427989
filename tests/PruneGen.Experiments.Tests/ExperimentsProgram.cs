using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace PruneGen.Experiments.Tests;

/// <summary>The built FashionMnist experiments program, started as a child process (<c>dotnet PruneGen.FashionMnist.dll ...</c>).</summary>
internal static class ExperimentsProgram
{
    public static string Path { get; } =
        typeof(ExperimentsProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ExperimentsProgram").Value!;

    public sealed record Result(int ExitCode, string Output, string Error);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        Assert.True(File.Exists(Path), $"the experiments program is not built at {Path}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path);
        foreach (string a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Runs to the end (or fails the test after <paramref name="timeout"/>).</summary>
    public static Result Run(TimeSpan timeout, params string[] args)
    {
        using Process process = Process.Start(StartInfo(args))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{string.Join(' ', args)}' did not finish within {timeout.TotalSeconds} s; output so far:\n{output.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Starts the program and sends SIGKILL (Process.Kill on Linux) as soon as an output line matches
    /// <paramref name="killWhen"/>; returns the output seen. Fails if the program ends by itself first.
    /// </summary>
    public static string RunUntilKilled(Func<string, bool> killWhen, TimeSpan timeout, params string[] args)
    {
        using Process process = Process.Start(StartInfo(args))!;
        var seen = new StringBuilder();
        Task<string> error = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (process.StandardOutput.ReadLine() is string line)
        {
            seen.AppendLine(line);
            if (killWhen(line))
            {
                process.Kill();
                process.WaitForExit();
                return seen.ToString();
            }
            if (deadline.Elapsed > timeout)
            {
                process.Kill();
                Assert.Fail($"no line to kill at within {timeout.TotalSeconds} s; output:\n{seen}");
            }
        }
        process.WaitForExit();
        Assert.Fail($"the run ended (exit {process.ExitCode}) before the kill point; output:\n{seen}\nerrors:\n{error.Result}");
        return "";
    }
}
