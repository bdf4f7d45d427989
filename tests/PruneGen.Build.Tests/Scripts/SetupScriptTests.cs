using System.Diagnostics;
using PruneGen.Build.Tests.Support;

namespace PruneGen.Build.Tests.Scripts;

/// <summary>
/// Runs scripts/setup.sh against stand-ins for dpkg-query, apt-get and sudo that keep the
/// "installed" packages in a file, so the real machine is never touched.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SetupScriptTests : IDisposable
{
    private static readonly string[] Required = { "libtorch-dev", "coinor-cbc", "dataset-fashion-mnist", "g++" };

    private readonly TempDir _temp = new();

    public SetupScriptTests()
    {
        _temp.Write("installed");
        _temp.Write("apt.log");
        Stub("dpkg-query", """
            #!/usr/bin/env bash
            # dpkg-query -W -f=FORMAT PACKAGE
            package=${!#}
            if grep -qx "$package" "$STUB_DIR/installed"; then
                echo "install ok installed 1.0-stub"
            else
                echo "dpkg-query: no packages found matching $package" >&2
                exit 1
            fi
            """);
        Stub("apt-get", """
            #!/usr/bin/env bash
            echo "$*" >> "$STUB_DIR/apt.log"
            if [[ $1 == install ]]; then
                for arg in "$@"; do
                    [[ $arg == -* || $arg == install ]] || echo "$arg" >> "$STUB_DIR/installed"
                done
            fi
            """);
        Stub("sudo", "#!/usr/bin/env bash\nexec \"$@\"\n");
    }

    public void Dispose() => _temp.Dispose();

    private void Stub(string name, string script)
    {
        string path = _temp.Write("bin/" + name, script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private (int ExitCode, string Output) RunSetup(params string[] extraPackages)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoRoot.Path, "scripts", "setup.sh"));
        foreach (string package in extraPackages) start.ArgumentList.Add(package);
        start.Environment["PATH"] = _temp.Combine("bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["STUB_DIR"] = _temp.Path;
        start.Environment["TMPDIR"] = _temp.Path;
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private string[] AptCalls() => File.ReadAllLines(_temp.Combine("apt.log"));

    [Fact]
    public void WhenEverythingIsInstalledItPrintsOneLinePerPackageAndNeverCallsApt()
    {
        File.WriteAllLines(_temp.Combine("installed"), Required);

        var (exitCode, output) = RunSetup();

        Assert.Equal(0, exitCode);
        Assert.Empty(AptCalls());
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Required.Select(p => $"setup: {p} 1.0-stub already installed"), lines);
    }

    [Fact]
    public void ItInstallsOnlyWhatIsMissingAfterOneUpdateAndIsANoOpTheSecondTime()
    {
        File.WriteAllLines(_temp.Combine("installed"), new[] { "libtorch-dev", "g++" });

        var first = RunSetup();

        Assert.Equal(0, first.ExitCode);
        string[] calls = AptCalls();
        Assert.Equal(2, calls.Length);
        Assert.Equal("update", calls[0]);
        Assert.Equal("install -y --no-install-recommends coinor-cbc dataset-fashion-mnist", calls[1]);
        Assert.Contains("setup: coinor-cbc 1.0-stub installed now", first.Output);
        Assert.Contains("setup: libtorch-dev 1.0-stub already installed", first.Output);

        var second = RunSetup();
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(2, AptCalls().Length);
    }

    [Fact]
    public void ExtraPackagesAreInstalledOnlyWhenAsked()
    {
        File.WriteAllLines(_temp.Combine("installed"), Required);

        Assert.Equal(0, RunSetup().ExitCode);
        Assert.Empty(AptCalls());

        var bench = RunSetup("python3-torch");
        Assert.Equal(0, bench.ExitCode);
        Assert.Equal(new[] { "update", "install -y --no-install-recommends python3-torch" }, AptCalls());
    }

    [Fact]
    public void APackageThatAptCannotProvideFailsTheScript()
    {
        File.WriteAllLines(_temp.Combine("installed"), Required);
        // apt-get "succeeds" but the package still is not there afterwards.
        Stub("apt-get", "#!/usr/bin/env bash\necho \"$*\" >> \"$STUB_DIR/apt.log\"\n");

        var (exitCode, output) = RunSetup("no-such-package");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no-such-package is still not installed", output);
    }
}
