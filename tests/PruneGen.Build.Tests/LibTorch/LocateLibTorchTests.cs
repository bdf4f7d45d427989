using Microsoft.Build.Framework;
using PruneGen.Build.LibTorch;
using PruneGen.Build.Tests.Support;

namespace PruneGen.Build.Tests.LibTorch;

public sealed class LocateLibTorchTests : IDisposable
{
    // version.h as Debian's libtorch-dev 1.13 ships it: the string continues on the next line.
    private const string DebianVersionHeader = "#pragma once\n#define TORCH_VERSION_MAJOR 1\n#define TORCH_VERSION_MINOR 13\n" +
        "#define TORCH_VERSION_PATCH 0\n#define TORCH_VERSION \\\n  \"1.13.0\"\n";

    private readonly TempDir _temp = new();
    private readonly FakeBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Writes the files LocateLibTorch looks for under the given include and lib folders.</summary>
    private void FakeLibTorch(string include, string lib, string versionHeader = DebianVersionHeader, params string[] extraLibraries)
    {
        _temp.Write(Path.Combine(include, "ATen", "ATen.h"));
        _temp.Write(Path.Combine(include, "torch", "csrc", "api", "include", "torch", "version.h"), versionHeader);
        foreach (string name in new[] { "torch", "torch_cpu", "c10" }.Concat(extraLibraries))
            _temp.Write(Path.Combine(lib, "lib" + name + ".so"));
    }

    private LocateLibTorch Task(string? libTorchDir = null) => new()
    {
        BuildEngine = _engine,
        LibTorchDir = libTorchDir,
        SystemRoot = _temp.Combine("root"),
        MultiarchTriplet = "x86_64-linux-gnu",
    };

    [Fact]
    public void FindsTheDebianLayoutWithItsVersionAndAbi()
    {
        FakeLibTorch("root/usr/include", "root/usr/lib/x86_64-linux-gnu");
        _temp.Write("root/usr/lib/x86_64-linux-gnu/cmake/Torch/TorchConfig.cmake",
            "if(CMAKE_SYSTEM_NAME STREQUAL \"Linux\")\n  set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=1\")\nendif()\n");

        var task = Task();
        Assert.True(task.Execute());

        Assert.Empty(_engine.Errors);
        Assert.Equal(new[] { _temp.Combine("root/usr/include"), _temp.Combine("root/usr/include/torch/csrc/api/include") },
            task.IncludeDirs.Select(i => i.ItemSpec));
        Assert.Equal(_temp.Combine("root/usr/lib/x86_64-linux-gnu"), task.LibDir);
        Assert.Equal(new[] { "torch", "torch_cpu", "c10" }, task.Libraries.Select(l => l.ItemSpec));
        Assert.Equal(new[] { "_GLIBCXX_USE_CXX11_ABI=1" }, task.Defines.Select(d => d.ItemSpec));
        Assert.Equal("1.13.0", task.Version);
        Assert.False(task.HasCuda);
    }

    [Fact]
    public void PruneGenLibTorchWinsOverTheSystemAndBringsItsAbiAndCudaLibraries()
    {
        FakeLibTorch("root/usr/include", "root/usr/lib/x86_64-linux-gnu");
        // A pip torch package of the 1.x series: old C++ ABI, CUDA libraries beside the CPU ones.
        FakeLibTorch("site-packages/torch/include", "site-packages/torch/lib",
            "#define TORCH_VERSION \"1.13.1+cu117\"\n", "torch_cuda", "c10_cuda");
        _temp.Write("site-packages/torch/share/cmake/Torch/TorchConfig.cmake", "set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=0\")\n");

        var task = Task(_temp.Combine("site-packages/torch") + "/");
        Assert.True(task.Execute());

        Assert.Empty(_engine.Errors);
        Assert.Equal(_temp.Combine("site-packages/torch/lib"), task.LibDir);
        Assert.Equal(_temp.Combine("site-packages/torch/include"), task.IncludeDirs[0].ItemSpec);
        Assert.Equal("1.13.1+cu117", task.Version);
        Assert.True(task.HasCuda);
        Assert.Equal(new[] { "_GLIBCXX_USE_CXX11_ABI=0" }, task.Defines.Select(d => d.ItemSpec));
        Assert.Equal(new[] { "torch_cuda", "c10_cuda" },
            task.Libraries.Where(l => l.GetMetadata("NoAsNeeded") == "true").Select(l => l.ItemSpec));
        Assert.Equal(new[] { "torch", "torch_cpu", "c10" },
            task.Libraries.Where(l => l.GetMetadata("NoAsNeeded") != "true").Select(l => l.ItemSpec));
    }

    [Fact]
    public void WithoutACMakeConfigNoAbiIsImposedAndTheVersionComesFromItsParts()
    {
        FakeLibTorch("libtorch/include", "libtorch/lib",
            "#define TORCH_VERSION_MAJOR 2\n#define TORCH_VERSION_MINOR 1\n#define TORCH_VERSION_PATCH 3\n");

        var task = Task(_temp.Combine("libtorch"));
        Assert.True(task.Execute());

        Assert.Empty(task.Defines);
        Assert.Equal("2.1.3", task.Version);
    }

    [Fact]
    public void NothingFoundIsExactlyOneErrorThatSaysWhatToInstallAndWhereItLooked()
    {
        var task = Task();
        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal(LocateLibTorch.NotFoundCode, error.Code);
        Assert.Equal("PGB001", error.Code);
        Assert.Contains("libtorch-dev", error.Message);
        Assert.Contains("./dev.sh setup", error.Message);
        Assert.Contains("PRUNEGEN_LIBTORCH", error.Message);
        Assert.Contains(_temp.Combine("root/usr/include"), error.Message);
        Assert.Contains(_temp.Combine("root/usr/lib/x86_64-linux-gnu"), error.Message);
        Assert.Contains(_temp.Combine("root/usr/lib/x86_64-linux-gnu/libtorch_cpu.so"), error.Message);
        Assert.Empty(_engine.Warnings);
    }

    [Fact]
    public void ABrokenPruneGenLibTorchIsAnErrorEvenWhenTheSystemHasOne()
    {
        FakeLibTorch("root/usr/include", "root/usr/lib/x86_64-linux-gnu");
        _temp.Write("half/include/ATen/ATen.h");

        var task = Task(_temp.Combine("half"));
        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("PGB001", error.Code);
        Assert.Contains("PRUNEGEN_LIBTORCH=" + _temp.Combine("half"), error.Message);
        Assert.Contains(_temp.Combine("half/lib/libtorch.so"), error.Message);
        Assert.DoesNotContain("root/usr", error.Message);
    }

    [Fact]
    public void TheFingerprintChangesWhenLibTorchIsReplacedInPlace()
    {
        FakeLibTorch("root/usr/include", "root/usr/lib/x86_64-linux-gnu");
        var before = Task();
        Assert.True(before.Execute());

        string library = _temp.Combine("root/usr/lib/x86_64-linux-gnu/libtorch_cpu.so");
        File.WriteAllText(library, "a newer build");
        var after = Task();
        Assert.True(after.Execute());

        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
        Assert.Equal(before.Version, after.Version);
    }
}
