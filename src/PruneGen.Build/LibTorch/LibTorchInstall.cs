using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;

namespace PruneGen.Build.LibTorch;

/// <summary>
/// Where one libtorch lives: the two include roots, the library folder, and what the files there say
/// about it (version, C++ ABI, CUDA). Probing never throws; what is missing is reported by path.
/// </summary>
internal sealed class LibTorchInstall
{
    /// <summary>Libraries every build links.</summary>
    internal static readonly string[] CoreLibraries = { "torch", "torch_cpu", "c10" };

    /// <summary>
    /// CUDA libraries, linked only when present. Nothing in the shim references their symbols, so a
    /// plain link would drop them; they must stay loaded for their static initialisers to register
    /// the CUDA hooks (hence --no-as-needed). The _cpp/_cu pair is how some 1.x CUDA builds split
    /// libtorch_cuda.
    /// </summary>
    internal static readonly string[] CudaLibraries = { "torch_cuda", "torch_cuda_cpp", "torch_cuda_cu", "c10_cuda" };

    private LibTorchInstall(string includeDir, string apiIncludeDir, string libDir)
    {
        IncludeDir = includeDir;
        ApiIncludeDir = apiIncludeDir;
        LibDir = libDir;
    }

    public string IncludeDir { get; }
    public string ApiIncludeDir { get; }
    public string LibDir { get; }
    public string Version { get; private set; } = "unknown";

    /// <summary>0 or 1 when a TorchConfig.cmake states it; null leaves the compiler's default (1).</summary>
    public int? CxxAbi { get; private set; }

    public string? CxxAbiSource { get; private set; }
    public bool HasCuda { get; private set; }
    public List<string> CudaLibrariesFound { get; } = new List<string>();

    /// <summary>The marker files whose absence means "not a libtorch here", in the order reported.</summary>
    public static IEnumerable<string> RequiredFiles(string includeDir, string apiIncludeDir, string libDir)
    {
        yield return Path.Combine(includeDir, "ATen", "ATen.h");
        yield return Path.Combine(apiIncludeDir, "torch", "version.h");
        foreach (string lib in CoreLibraries) yield return Path.Combine(libDir, "lib" + lib + ".so");
    }

    /// <summary>
    /// Returns the install when every required file exists; otherwise null, with the missing paths
    /// added to <paramref name="missing"/>.
    /// </summary>
    public static LibTorchInstall? Probe(string includeDir, string apiIncludeDir, string libDir,
        IEnumerable<string> cmakeConfigCandidates, List<string> missing)
    {
        int before = missing.Count;
        foreach (string file in RequiredFiles(includeDir, apiIncludeDir, libDir))
        {
            if (!File.Exists(file)) missing.Add(file);
        }
        if (missing.Count > before) return null;

        var install = new LibTorchInstall(includeDir, apiIncludeDir, libDir);
        install.Version = ReadVersion(Path.Combine(apiIncludeDir, "torch", "version.h"));
        foreach (string config in cmakeConfigCandidates)
        {
            int? abi = ReadCxxAbi(config);
            if (abi is null) continue;
            install.CxxAbi = abi;
            install.CxxAbiSource = config;
            break;
        }
        foreach (string lib in CudaLibraries)
        {
            if (File.Exists(Path.Combine(libDir, "lib" + lib + ".so"))) install.CudaLibrariesFound.Add(lib);
        }
        install.HasCuda = install.CudaLibrariesFound.Contains("torch_cuda") || install.CudaLibrariesFound.Contains("torch_cuda_cu");
        return install;
    }

    /// <summary>Version, folders and the size and time of the files an upgrade would replace.</summary>
    public string Fingerprint()
    {
        var parts = new List<string> { "libtorch " + Version, IncludeDir, ApiIncludeDir, LibDir };
        foreach (string file in RequiredFiles(IncludeDir, ApiIncludeDir, LibDir))
        {
            var info = new FileInfo(file);
            parts.Add(info.Name + " " + info.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " +
                info.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return string.Join("; ", parts);
    }

    // version.h spells it either on one line or continued with a backslash onto the next.
    private static readonly Regex VersionString = new Regex(@"#define\s+TORCH_VERSION\s*\\?\s*""([^""]+)""", RegexOptions.CultureInvariant);
    private static readonly Regex VersionPart = new Regex(@"#define\s+TORCH_VERSION_(MAJOR|MINOR|PATCH)\s+(\d+)", RegexOptions.CultureInvariant);

    internal static string ReadVersion(string versionHeader)
    {
        string text;
        try { text = File.ReadAllText(versionHeader); }
        catch (IOException) { return "unknown"; }
        Match whole = VersionString.Match(text);
        if (whole.Success) return whole.Groups[1].Value;
        var parts = new Dictionary<string, string>();
        foreach (Match m in VersionPart.Matches(text)) parts[m.Groups[1].Value] = m.Groups[2].Value;
        return parts.TryGetValue("MAJOR", out string? major) && parts.TryGetValue("MINOR", out string? minor)
            ? major + "." + minor + "." + (parts.TryGetValue("PATCH", out string? patch) ? patch : "0")
            : "unknown";
    }

    private static readonly Regex CxxAbiFlag = new Regex(@"_GLIBCXX_USE_CXX11_ABI=([01])", RegexOptions.CultureInvariant);

    /// <summary>The ABI libtorch was built with, as its CMake config tells dependants to use.</summary>
    internal static int? ReadCxxAbi(string torchConfigCmake)
    {
        if (!File.Exists(torchConfigCmake)) return null;
        string text;
        try { text = File.ReadAllText(torchConfigCmake); }
        catch (IOException) { return null; }
        Match m = CxxAbiFlag.Match(text);
        return m.Success ? m.Groups[1].Value[0] - '0' : (int?)null;
    }
}
