using PruneGen.Methods.Importance;
using PruneGen.Methods.Baselines;
using PruneGen.Structure;
using PruneGen.Tests.Networks;
using PruneGen.Torch;
using static PruneGen.Torch.torch;
using static PruneGen.Tests.Networks.NetworkTestKit;
using PruneGen.Zoo;

namespace PruneGen.Tests.Baselines;

/// <summary>The criteria score what they claim, computed independently here from the parameters.</summary>
public class ChannelScoresTests
{
    private static Dictionary<string, nn.Parameter> Parameters(nn.Module module) => module.named_parameters().ToDictionary(p => p.name, p => p.parameter);

    /// <summary>Σ|w| of each output channel of a [out, ...] weight, summed in plain C#.</summary>
    private static double[] RowL1(Tensor weight)
    {
        using Tensor cpu = weight.detach().contiguous();
        float[] values = cpu.data<float>();
        int rows = (int)weight.shape[0], per = values.Length / rows;
        return Enumerable.Range(0, rows).Select(r => values.Skip(r * per).Take(per).Sum(v => (double)Math.Abs(v))).ToArray();
    }

    [Fact]
    public void L1PicksTheObviouslyLargestFilters()
    {
        manual_seed(5);
        using var network = new TinyVgg();
        NetworkStructure s = TinyVgg.Structure;
        // Conv1 (8 filters of 1x3x3): filters 1, 3, 4 and 6 are large, the others tiny.
        float[] magnitude = [0.01f, 1f, 0.02f, 1.5f, 2f, 0.03f, 1.2f, 0.04f];
        using (no_grad())
        {
            Tensor weight = network.Conv1.Conv.weight;
            for (int c = 0; c < magnitude.Length; c++)
                using (Tensor row = weight.select(0, c)) row.fill_(c % 2 == 0 ? magnitude[c] : -magnitude[c]);
        }
        double[]?[] scores = ChannelScores.L1(network);
        GroupInfo conv1 = s.Group("Conv1");
        for (int c = 0; c < magnitude.Length; c++) Assert.Equal(9 * magnitude[c], scores[conv1.Index]![c], 4);

        // A target that needs Conv1 at half width: exactly the four tiny filters go.
        int[] widths = s.FullGroupWidths();
        widths[conv1.Index] = 4;
        long dense = CostModel.Macs(s, s.FullGroupWidths(), s.AllBlocksKept());
        double fraction = (CostModel.Macs(s, widths, s.AllBlocksKept()) + 0.5) / dense;
        ChannelSelection selection = ChannelSelector.Select(network, scores, fraction);
        Assert.Equal(4, selection.Widths[conv1.Index]);
        Assert.Equal(new long[] { 1, 3, 4, 6 }, selection.Masks.KeptIndices(conv1.Index));
    }

    [Fact]
    public void L1OfAStreamSumsEveryConvWritingIt()
    {
        manual_seed(6);
        using var network = new ResNet20();
        NetworkStructure s = ResNet20.Structure;
        var parameters = Parameters(network);
        double[]?[] scores = ChannelScores.L1(network);
        foreach (string name in new[] { "Stage1", "Stage2", "Stage3", "Stage2Block0Conv1" })
        {
            GroupInfo group = s.Group(name);
            var expected = new double[group.Size];
            foreach (int producer in group.Producers)
            {
                double[] rows = RowL1(parameters[s.Layers[producer].Name + ".conv.weight"]);
                for (int c = 0; c < rows.Length; c++) expected[c] += rows[c];
            }
            if (name.StartsWith("Stage", StringComparison.Ordinal) && !name.Contains("Block")) Assert.True(group.Producers.Count > 1, $"{name} should be a stream");
            for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], scores[group.Index]![c], 3);
        }
    }

    [Fact]
    public void BatchNormScaleSumsAbsoluteGammaOverTheGroup()
    {
        manual_seed(7);
        using var network = new ResNet20();
        RandomizeBatchNorm(network);
        NetworkStructure s = ResNet20.Structure;
        var parameters = Parameters(network);
        using (no_grad()) parameters["stage2.1.conv2.bn.weight"].neg_(); // |γ| must count a negative scale
        double[]?[] scores = ChannelScores.BatchNormScale(network);
        foreach (GroupInfo group in s.PrunableGroups)
        {
            var expected = new double[group.Size];
            foreach (int producer in group.Producers)
            {
                float[] gamma = parameters[s.Layers[producer].Name + ".bn.weight"].detach().data<float>();
                for (int c = 0; c < gamma.Length; c++) expected[c] += Math.Abs(gamma[c]);
            }
            for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], scores[group.Index]![c], 5);
        }
    }

    [Fact]
    public void BatchNormScaleFallsBackToL1ForALinearGroup()
    {
        using var network = new TinyVgg();
        GroupInfo fc = TinyVgg.Structure.Group("Fc");
        Assert.Equal(ChannelScores.L1(network)[fc.Index], ChannelScores.BatchNormScale(network)[fc.Index]);
    }

    [Fact]
    public void RandomScoresAreSeeded()
    {
        using var network = new ResNet20();
        double[]?[] a = ChannelScores.Random(network, 42), b = ChannelScores.Random(network, 42), c = ChannelScores.Random(network, 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        ChannelSelection first = ChannelSelector.Select(network, a, 0.5), again = ChannelSelector.Select(network, b, 0.5), other = ChannelSelector.Select(network, c, 0.5);
        var groups = ResNet20.Structure.PrunableGroups;
        Assert.All(groups, g => Assert.Equal(first.Masks.UnitMask(g.Index), again.Masks.UnitMask(g.Index)));
        Assert.Contains(groups, g => !Equals(first.Masks.KeptIndices(g.Index)?.Sum(), other.Masks.KeptIndices(g.Index)?.Sum()));
        Assert.All(a.Where(x => x is not null).SelectMany(x => x!), v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void TaylorIsTheAbsoluteSumOfGammaGradPlusBetaGradPerStep()
    {
        manual_seed(8);
        using var network = new ResNet20();
        RandomizeBatchNorm(network);
        NetworkStructure s = ResNet20.Structure;
        var parameters = Parameters(network);
        var taylor = new TaylorImportance(network);
        var expected = s.PrunableGroups.ToDictionary(g => g.Index, g => new double[g.Size]);
        for (int step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            foreach (var p in parameters.Values) p.zero_grad();
            Tensor input = randn(4, 1, 28, 28);
            Tensor labels = tensor(new long[] { 0, 1, 2, 3 });
            nn.functional.cross_entropy(network.forward(input), labels).backward();
            taylor.Accumulate();
            foreach (GroupInfo group in s.PrunableGroups)
            {
                var signed = new double[group.Size];
                foreach (int producer in group.Producers)
                {
                    string bn = s.Layers[producer].Name + ".bn.";
                    float[] gamma = parameters[bn + "weight"].detach().data<float>(), beta = parameters[bn + "bias"].detach().data<float>();
                    float[] dGamma = parameters[bn + "weight"].grad!.data<float>(), dBeta = parameters[bn + "bias"].grad!.data<float>();
                    for (int c = 0; c < group.Size; c++) signed[c] += (double)gamma[c] * dGamma[c] + (double)beta[c] * dBeta[c];
                }
                for (int c = 0; c < group.Size; c++) expected[group.Index][c] += Math.Abs(signed[c]);
            }
        }
        Assert.Equal(2, taylor.Iterations);
        double[]?[] scores = taylor.Sums();
        foreach (GroupInfo group in s.PrunableGroups)
            for (int c = 0; c < group.Size; c++)
                Assert.Equal(expected[group.Index][c], scores[group.Index]![c], 1e-6 + 1e-4 * Math.Abs(expected[group.Index][c]));
        Assert.Contains(scores.Where(x => x is not null).SelectMany(x => x!), v => v > 0);
    }
}
