using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;
using static PruneGen.Tests.Networks.NetworkTestKit;
using PruneGen.Zoo;

namespace PruneGen.Tests.Networks;

/// <summary>A slimmed network computes exactly what the masked full network computes, and survives a checkpoint round trip.</summary>
public class SlimmingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Networks => new() { nameof(ResNet20), nameof(TinyMobileNet), nameof(TinyBottleneckNet), nameof(TinyVgg) };

    private static (nn.Module<Tensor, Tensor> Module, IPrunableNetwork Network, long[] InputShape) Create(string name) => name switch
    {
        nameof(ResNet20) => Pair(new ResNet20(), [3, 1, 28, 28]),
        nameof(TinyMobileNet) => Pair(new TinyMobileNet(), [3, 1, 16, 16]),
        nameof(TinyBottleneckNet) => Pair(new TinyBottleneckNet(), [3, 2, 12, 12]),
        _ => Pair(new TinyVgg(), [3, 1, 16, 16]),
    };

    private static (nn.Module<Tensor, Tensor>, IPrunableNetwork, long[]) Pair<T>(T network, long[] shape) where T : nn.Module<Tensor, Tensor>, IPrunableNetwork =>
        (network, network, shape);

    [Theory]
    [MemberData(nameof(Networks))]
    public void SlimmedOutputEqualsMaskedOutputForRandomMasks(string name)
    {
        var random = new Random(name.Length * 31 + 1);
        for (int trial = 0; trial < 4; trial++)
        {
            torch.manual_seed(100 + trial);
            var (module, network, shape) = Create(name);
            using var full = module;
            RandomizeBatchNorm(full);
            full.eval();
            using var scope = NewDisposeScope();
            Tensor input = torch.randn(shape);

            PruneMasks masks = RandomMasks(network, random);
            var slimNetwork = network.Slim(masks);
            using var slim = (nn.Module<Tensor, Tensor>)slimNetwork;
            Assert.False(slim.training);
            Assert.Equal(masks.KeptWidths(), slimNetwork.GroupWidths);
            Assert.Equal(masks.BlocksKept(), slimNetwork.BlocksKept);
            // The slim network really is smaller, as the closed form says.
            Assert.Equal(slimNetwork.Params(), WeightCount(slim));
            Assert.True(slimNetwork.Macs() < network.Macs());

            EnforceMasks(network, masks);
            Tensor masked = full.forward(input);
            Tensor slimmed = slim.forward(input);
            double difference = MaxAbsDifference(masked, slimmed);
            Assert.True(difference < 1e-4, $"{name} trial {trial}: max |masked - slim| = {difference}");
            output.WriteLine($"{name} trial {trial}: widths {string.Join(",", slimNetwork.GroupWidths)}, MACs {slimNetwork.Macs()} of {network.Macs()}, max |masked - slim| = {difference:E2}");

            // Slimming a slim network again (masks relative to its own widths) stays exact.
            PruneMasks again = RandomMasks(slimNetwork, random, keepUnit: 0.7, keepBlock: 0.7);
            using var slimmer = (nn.Module<Tensor, Tensor>)slimNetwork.Slim(again);
            EnforceMasks(slimNetwork, again);
            double second = MaxAbsDifference(slim.forward(input), slimmer.forward(input));
            Assert.True(second < 1e-4, $"{name} trial {trial}, second slimming: {second}");
        }
    }

    [Fact]
    public void SlimWithArraysInWidthsOrderEqualsSlimWithMasks()
    {
        torch.manual_seed(31);
        using var full = new ResNet20();
        PruneMasks masks = RandomMasks(full, new Random(8));
        NetworkStructure s = ResNet20.Structure;
        bool[]?[] units = s.PrunableGroups.Select(g => masks.UnitMask(g.Index)?.ToArray()).ToArray();
        bool[] blocks = s.RemovableBlocks.Select(b => masks.BlockKept(b.Index)).ToArray();
        using var fromMasks = full.Slim(masks);
        using var fromArrays = full.Slim(units, blocks);
        Assert.Equal(fromMasks.CurrentWidths, fromArrays.CurrentWidths);
        var expected = fromMasks.state_dict();
        foreach (var (name, tensor) in fromArrays.state_dict().Where(p => p.Value.dtype == ScalarType.Float32))
            Assert.Equal(expected[name].data<float>(), tensor.data<float>());
        Assert.Throws<ArgumentException>(() => full.Slim(units.Skip(1).ToArray(), blocks));
    }

    [Fact]
    public void MasksFromAnotherInstanceOrResurrectingABlockAreRejected()
    {
        using var full = new ResNet20();
        using var small = new ResNet20(ResNet20.Widths.Full with { Stage1 = 8, Stage1Block1 = false });
        var e = Assert.Throws<ArgumentException>(() => small.Slim(full.NewMasks()));
        Assert.Contains("'Stage1' has 16 units, but this one has 8", e.Message);
        Assert.Throws<ArgumentException>(() => small.NewMasks().KeepBlock(1, true));
        Assert.Throws<ArgumentException>(() => full.NewMasks().KeepUnits("Stage1", new bool[16]));
        Assert.Throws<ArgumentException>(() => full.NewMasks().KeepBlock(3 + 4, false).KeepUnits("Stage2", new bool[3]));
    }

    [Fact]
    public void SlimmedNetworkReloadsThroughItsWidthsSidecar()
    {
        torch.manual_seed(21);
        using var full = new ResNet20();
        RandomizeBatchNorm(full);
        PruneMasks masks = RandomMasks(full, new Random(5));
        using var slim = full.Slim(masks);
        slim.eval();
        string directory = Path.Combine(Path.GetTempPath(), "prunegen-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "model.safetensors");
            slim.SaveCheckpoint(path);
            Assert.True(File.Exists(Path.Combine(directory, "model.widths.json")));
            using var loaded = ResNet20.LoadCheckpoint(path);
            loaded.eval();
            Assert.Equal(slim.CurrentWidths, loaded.CurrentWidths);
            using var scope = NewDisposeScope();
            Tensor input = torch.randn([4, 1, 28, 28]);
            Assert.Equal(0.0, MaxAbsDifference(slim.forward(input), loaded.forward(input)));
            // The gate probabilities travel with the weights.
            Assert.Equal(slim.Gates.Units[0].Theta.data<float>(), loaded.Gates.Units[0].Theta.data<float>());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
