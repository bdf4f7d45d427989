using PruneGen.Methods.Baselines;
using PruneGen.Structure;
using PruneGen.Tests.Networks;
using PruneGen.Torch;
using static PruneGen.Torch.torch;
using PruneGen.Zoo;

namespace PruneGen.Tests.Baselines;

/// <summary>The shared selector meets a MAC target within one chunk and never goes below a group's minimum width.</summary>
public class ChannelSelectorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string, double> Cases => new()
    {
        { nameof(ResNet20), 0.7 }, { nameof(ResNet20), 0.5 }, { nameof(ResNet20), 0.25 }, { nameof(ResNet20), 0.12 },
        { nameof(TinyVgg), 0.6 }, { nameof(TinyVgg), 0.3 },
        { nameof(TinyMobileNet), 0.5 }, { nameof(TinyBottleneckNet), 0.5 },
    };

    internal static (nn.Module<Tensor, Tensor> Module, IPrunableNetwork Network) Create(string name) => name switch
    {
        nameof(ResNet20) => Pair(new ResNet20()),
        nameof(TinyVgg) => Pair(new TinyVgg()),
        nameof(TinyMobileNet) => Pair(new TinyMobileNet()),
        _ => Pair(new TinyBottleneckNet()),
    };

    private static (nn.Module<Tensor, Tensor>, IPrunableNetwork) Pair<T>(T network) where T : nn.Module<Tensor, Tensor>, IPrunableNetwork => (network, network);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeetsTheTargetWithinOneChunkAndKeepsMinimumWidths(string name, double fraction)
    {
        manual_seed(3);
        var (module, network) = Create(name);
        using var _ = module;
        NetworkStructure s = network.Structure;
        foreach (long seed in new long[] { 1, 2, 3 })
        {
            ChannelSelection selection = ChannelSelector.Select(network, ChannelScores.Random(network, seed), fraction);
            long dense = CostModel.Macs(s, s.FullGroupWidths(), s.AllBlocksKept());
            long target = (long)Math.Floor(fraction * dense);
            Assert.Equal(dense, selection.DenseMacs);
            Assert.Equal(target, selection.TargetMacs);
            // The reported MACs are the cost model's at the kept widths, and the masks agree with the widths.
            Assert.Equal(CostModel.Macs(s, selection.Widths, s.AllBlocksKept()), selection.Macs);
            Assert.Equal(selection.Masks.KeptWidths(), selection.Widths);
            Assert.True(selection.Macs <= target, $"{selection.Macs} > target {target}");
            // Stopping one chunk earlier would have missed the target: the overshoot is under one chunk.
            Assert.True(selection.Macs + selection.LastChunkMacs > target, $"{selection.Macs} + last chunk {selection.LastChunkMacs} <= target {target}");
            foreach (GroupInfo g in s.PrunableGroups)
            {
                Assert.True(g.IsReachable(selection.Widths[g.Index]), $"{g.Name}: width {selection.Widths[g.Index]} is not reachable");
                Assert.True(selection.Widths[g.Index] >= g.Min, $"{g.Name}: {selection.Widths[g.Index]} < min {g.Min}");
            }
            foreach (GroupInfo g in s.Groups.Where(g => !g.Prunable)) Assert.Equal(g.Size, selection.Widths[g.Index]);
            Assert.All(selection.Masks.BlocksKept(), Assert.True); // channels only
            output.WriteLine($"{name} target {fraction}: {selection.MacsFraction:F4} of dense after {selection.RemovedChunks} chunks, widths {string.Join(",", s.PrunableGroups.Select(g => selection.Widths[g.Index]))}");
        }
    }

    [Fact]
    public void TargetAtTheMinimumWidthsPutsEveryGroupAtItsMinimumAndBelowItThrows()
    {
        using var network = new ResNet20();
        NetworkStructure s = ResNet20.Structure;
        int[] minimum = s.FullGroupWidths();
        foreach (GroupInfo g in s.PrunableGroups) minimum[g.Index] = g.ReachableWidths()[0];
        long dense = CostModel.Macs(s, s.FullGroupWidths(), s.AllBlocksKept());
        long floor = CostModel.Macs(s, minimum, s.AllBlocksKept());
        double fraction = (floor + 0.5) / dense;

        ChannelSelection selection = ChannelSelector.Select(network, ChannelScores.Random(network, 9), fraction);
        Assert.Equal(minimum, selection.Widths);
        Assert.Equal(floor, selection.Macs);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ChannelSelector.Select(network, ChannelScores.Random(network, 9), (floor - 1.0) / dense));
        Assert.Equal("target_macs", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelSelector.Select(network, ChannelScores.Random(network, 9), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChannelSelector.Select(network, ChannelScores.Random(network, 9), 1.5));
    }

    [Fact]
    public void TargetOneRemovesNothing()
    {
        using var network = new TinyVgg();
        ChannelSelection selection = ChannelSelector.Select(network, ChannelScores.Random(network, 1), 1.0);
        Assert.Equal(0, selection.RemovedChunks);
        Assert.Equal(TinyVgg.Structure.FullGroupWidths(), selection.Widths);
    }

    [Fact]
    public void ScalingOneGroupsScoresChangesNothing()
    {
        // Scores are normalised per group, so a group's raw scale does not decide how much it loses.
        using var network = new ResNet20();
        double[]?[] scores = ChannelScores.Random(network, 4);
        ChannelSelection before = ChannelSelector.Select(network, scores, 0.4);
        int stream = ResNet20.Structure.Group("Stage3").Index;
        scores[stream] = scores[stream]!.Select(v => v * 1000).ToArray();
        ChannelSelection after = ChannelSelector.Select(network, scores, 0.4);
        Assert.Equal(before.Widths, after.Widths);
        for (int g = 0; g < before.Widths.Length; g++) Assert.Equal(before.Masks.UnitMask(g), after.Masks.UnitMask(g));
    }

    [Fact]
    public void LeastImportantChunksGoFirst()
    {
        // Channels scored zero in one group and one elsewhere: with a target needing exactly one chunk of
        // that group, the selector removes exactly its zero-scored channels.
        using var network = new TinyVgg();
        NetworkStructure s = TinyVgg.Structure;
        GroupInfo conv2 = s.Group("Conv2");
        double[]?[] scores = s.Groups.Select(g => g.Prunable ? Enumerable.Repeat(1.0, g.Size).ToArray() : null).ToArray();
        int[] zero = [1, 6, 9, 14];
        foreach (int c in zero) scores[conv2.Index]![c] = 0;
        int[] widths = s.FullGroupWidths();
        widths[conv2.Index] -= conv2.Step;
        long dense = CostModel.Macs(s, s.FullGroupWidths(), s.AllBlocksKept());
        double fraction = (CostModel.Macs(s, widths, s.AllBlocksKept()) + 0.5) / dense;

        ChannelSelection selection = ChannelSelector.Select(network, scores, fraction);
        Assert.Equal(widths, selection.Widths);
        bool[] keep = selection.Masks.UnitMask(conv2.Index)!.ToArray();
        Assert.Equal(zero, Enumerable.Range(0, keep.Length).Where(c => !keep[c]).ToArray());
    }

    [Fact]
    public void BadScoresAreRejected()
    {
        using var network = new TinyVgg();
        double[]?[] scores = ChannelScores.Random(network, 1);
        int g = TinyVgg.Structure.Group("Conv1").Index;
        scores[g]![0] = double.NaN;
        Assert.Contains("Conv1", Assert.Throws<ArgumentException>(() => ChannelSelector.Select(network, scores, 0.5)).Message);
        scores[g] = new double[3];
        Assert.Contains("Conv1", Assert.Throws<ArgumentException>(() => ChannelSelector.Select(network, scores, 0.5)).Message);
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(0.5)]
    [InlineData(0.3)]
    public void UniformUsesOneRatioAndTheLargestFeasibleOne(double fraction)
    {
        using var network = new ResNet20();
        NetworkStructure s = ResNet20.Structure;
        double ratio = UniformWidths.Ratio(s, fraction);
        ChannelSelection selection = UniformWidths.Select(network, fraction);
        Assert.Equal(UniformWidths.At(s, ratio), selection.Widths);
        Assert.True(selection.Macs <= selection.TargetMacs);
        // Every group is at round(ratio * size / step) * step (ResNet-20's minimum, 4, is one step).
        foreach (GroupInfo g in s.PrunableGroups)
            Assert.Equal(Math.Max(g.Step, (int)Math.Round(ratio * g.Size / g.Step, MidpointRounding.AwayFromZero) * g.Step), selection.Widths[g.Index]);
        // A slightly larger ratio that changes any width misses the target.
        double larger = ratio + 1e-6;
        while (UniformWidths.At(s, larger).SequenceEqual(selection.Widths)) larger += 1e-3;
        Assert.True(CostModel.Macs(s, UniformWidths.At(s, larger), s.AllBlocksKept()) > selection.TargetMacs);
        output.WriteLine($"uniform {fraction}: ratio {ratio:F4}, {selection.MacsFraction:F4} of dense");
    }
}
