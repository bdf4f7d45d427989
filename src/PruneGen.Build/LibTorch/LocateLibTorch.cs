using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PruneGen.Build.LibTorch;

/// <summary>
/// Finds the libtorch the native shim compiles and links against: the directory named by
/// PRUNEGEN_LIBTORCH when set (an unpacked libtorch zip or a pip torch package), otherwise Debian's
/// libtorch-dev. Reports include folders, library folder and names, preprocessor defines, version
/// and whether CUDA libraries are present. When nothing is found it logs exactly one error, PGB001.
/// </summary>
public sealed class LocateLibTorch : Task
{
    public const string NotFoundCode = "PGB001";

    /// <summary>Value of PRUNEGEN_LIBTORCH; empty selects the system libtorch.</summary>
    public string? LibTorchDir { get; set; }

    /// <summary>Root under which the system (Debian) layout is searched; "/" except in tests.</summary>
    public string SystemRoot { get; set; } = "/";

    /// <summary>Debian multiarch folder name; derived from the running architecture when empty.</summary>
    public string? MultiarchTriplet { get; set; }

    [Output] public ITaskItem[] IncludeDirs { get; private set; } = Array.Empty<ITaskItem>();
    [Output] public string LibDir { get; private set; } = "";

    /// <summary>Library names without lib/.so; metadata NoAsNeeded="true" marks the CUDA ones.</summary>
    [Output] public ITaskItem[] Libraries { get; private set; } = Array.Empty<ITaskItem>();

    [Output] public ITaskItem[] Defines { get; private set; } = Array.Empty<ITaskItem>();
    [Output] public string Version { get; private set; } = "";
    [Output] public bool HasCuda { get; private set; }

    /// <summary>
    /// Changes when the libtorch in use changes (another folder, or an upgrade in place), so builds
    /// against it can tell their outputs are stale.
    /// </summary>
    [Output] public string Fingerprint { get; private set; } = "";

    public override bool Execute()
    {
        var missing = new List<string>();
        _searched.Clear();
        bool fromEnvironment = !string.IsNullOrWhiteSpace(LibTorchDir);
        LibTorchInstall? install = fromEnvironment ? ProbeDirectory(LibTorchDir!.Trim(), missing) : ProbeSystem(missing);
        if (install is null)
        {
            Log.LogError(null, NotFoundCode, null, null, 0, 0, 0, 0,
                fromEnvironment ? EnvironmentMessage(LibTorchDir!.Trim(), missing) : SystemMessage(missing));
            return false;
        }

        IncludeDirs = new ITaskItem[] { new TaskItem(install.IncludeDir), new TaskItem(install.ApiIncludeDir) };
        LibDir = install.LibDir;
        var libraries = LibTorchInstall.CoreLibraries.Select(name => (ITaskItem)new TaskItem(name)).ToList();
        foreach (string cuda in install.CudaLibrariesFound)
        {
            var item = new TaskItem(cuda);
            item.SetMetadata("NoAsNeeded", "true");
            libraries.Add(item);
        }
        Libraries = libraries.ToArray();
        Defines = install.CxxAbi is int abi
            ? new ITaskItem[] { new TaskItem("_GLIBCXX_USE_CXX11_ABI=" + abi) }
            : Array.Empty<ITaskItem>();
        Version = install.Version;
        HasCuda = install.HasCuda;
        Fingerprint = install.Fingerprint();

        Log.LogMessage(MessageImportance.Normal,
            "PruneGen native: libtorch {0} ({1}) from {2}{3}{4}", Version, HasCuda ? "CUDA" : "CPU",
            fromEnvironment ? "PRUNEGEN_LIBTORCH=" + LibTorchDir!.Trim() : "the system (libtorch-dev)",
            install.CxxAbi is int a ? ", C++ ABI " + a + " per " + install.CxxAbiSource : "",
            install.CudaLibrariesFound.Count > 0 ? ", CUDA libraries: " + string.Join(" ", install.CudaLibrariesFound) : "");
        return true;
    }

    // Folders looked in, for the not-found message.
    private readonly List<string> _searched = new List<string>();

    private LibTorchInstall? Probe(string include, string apiInclude, string lib, string[] cmakeConfigs, List<string> missing)
    {
        _searched.AddRange(new[] { include, apiInclude, lib });
        return LibTorchInstall.Probe(include, apiInclude, lib, cmakeConfigs, missing);
    }

    private LibTorchInstall? ProbeDirectory(string dir, List<string> missing)
    {
        string root = Path.GetFullPath(dir);
        string include = Path.Combine(root, "include");
        return Probe(include, Path.Combine(include, "torch", "csrc", "api", "include"), Path.Combine(root, "lib"),
            new[] { Path.Combine(root, "share", "cmake", "Torch", "TorchConfig.cmake") }, missing);
    }

    private LibTorchInstall? ProbeSystem(List<string> missing)
    {
        string usr = Path.Combine(SystemRoot, "usr");
        string include = Path.Combine(usr, "include");
        string lib = Path.Combine(usr, "lib", string.IsNullOrEmpty(MultiarchTriplet) ? DefaultTriplet() : MultiarchTriplet);
        return Probe(include, Path.Combine(include, "torch", "csrc", "api", "include"), lib,
            new[]
            {
                Path.Combine(lib, "cmake", "Torch", "TorchConfig.cmake"),
                Path.Combine(usr, "share", "cmake", "Torch", "TorchConfig.cmake"),
            }, missing);
    }

    private static string DefaultTriplet() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 => "aarch64-linux-gnu",
        _ => "x86_64-linux-gnu",
    };

    private string SystemMessage(List<string> missing) =>
        "libtorch was not found. Searched " + string.Join(", ", _searched) + " (Debian's libtorch-dev layout); missing: " +
        string.Join(", ", missing) + ". " +
        "Install it with `./dev.sh setup` (or `sudo apt-get install libtorch-dev`), " +
        "or set PRUNEGEN_LIBTORCH to a libtorch directory (an unpacked libtorch zip or a pip torch package, " +
        "e.g. .../site-packages/torch) that holds include/, include/torch/csrc/api/include/ and lib/.";

    private string EnvironmentMessage(string dir, List<string> missing) =>
        "libtorch was not found at PRUNEGEN_LIBTORCH=" + dir + ". Searched " + string.Join(", ", _searched) +
        "; missing: " + string.Join(", ", missing) + ". " +
        "Point PRUNEGEN_LIBTORCH at an unpacked libtorch zip or a pip torch package (e.g. .../site-packages/torch) " +
        "that holds include/, include/torch/csrc/api/include/ and lib/ (libtorch.so, libtorch_cpu.so, libc10.so), " +
        "or unset it to use Debian's libtorch-dev (`./dev.sh setup` installs it).";
}
