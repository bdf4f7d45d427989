using PruneGen.Methods.Importance;
using PruneGen.Methods.Mdp;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Mdp;

/// <summary>
/// Taylor importance against a hand computation: γ ∂L/∂γ + β ∂L/∂β summed over a group's BNs is the
/// derivative of the loss when the group's γ_c and β_c are all scaled by (1 + ε), so a central finite
/// difference in float64 gives each channel's signed term without using any gradient.
/// </summary>
public class TaylorImportanceTests
{
    // The BNs that write each group of ToyResNet, read off its declaration: the stem and both blocks'
    // second convs write the stage's residual stream; each block's first conv writes its own group.
    private static readonly Dictionary<string, string[]> Writers = new()
    {
        ["Stage1"] = ["stem.bn", "stage1.0.conv2.bn", "stage1.1.conv2.bn"],
        ["Stage1Block0Conv1"] = ["stage1.0.conv1.bn"],
        ["Stage1Block1Conv1"] = ["stage1.1.conv1.bn"],
    };

    [Fact]
    public void ScoresAreTheMeanOverIterationsOfTheAbsoluteCoupledSum()
    {
        manual_seed(12);
        using var network = new ToyResNet();
        Tests.Networks.NetworkTestKit.RandomizeBatchNorm(network);
        network.to(ScalarType.Float64);
        network.eval();
        Dictionary<string, nn.Parameter> parameters = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Tensor[] inputs = [randn([4, 2, 6, 6], ScalarType.Float64), randn([4, 2, 6, 6], ScalarType.Float64)];
        Tensor labels = tensor(new long[] { 0, 1, 2, 1 });

        double Loss(Tensor input)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            return nn.functional.cross_entropy(network.forward(input), labels).ToDouble();
        }

        // Hand computation: per batch and channel, dL/dε by central differences, then |.| and the mean over batches.
        const double epsilon = 1e-5;
        double[] HandScores(string[] writers)
        {
            var values = new double[8];
            foreach (Tensor input in inputs)
            {
                for (int c = 0; c < 8; c++)
                {
                    Scale(parameters, writers, c, 1 + epsilon);
                    double up = Loss(input);
                    Scale(parameters, writers, c, 1 / (1 + epsilon));
                    Scale(parameters, writers, c, 1 - epsilon);
                    double down = Loss(input);
                    Scale(parameters, writers, c, 1 / (1 - epsilon));
                    values[c] += Math.Abs((up - down) / (2 * epsilon)) / inputs.Length;
                }
            }
            return values;
        }
        var expected = Writers.ToDictionary(w => w.Key, w => HandScores(w.Value));
        // Each writer alone: its own |term|, the weight of its share of the group.
        var expectedWriters = Writers.ToDictionary(w => w.Key, w => w.Value.Select(writer => HandScores([writer])).ToArray());

        var importance = new TaylorImportance(network);
        foreach (Tensor input in inputs)
        {
            network.zero_grad();
            using var scope = NewDisposeScope();
            nn.functional.cross_entropy(network.forward(input), labels).backward();
            importance.Accumulate();
        }
        ImportanceScores scores = importance.Scores();

        Assert.Equal(2, importance.Iterations);
        foreach (var (group, values) in expected)
        {
            GroupImportance actual = scores[ToyResNet.Structure.Group(group).Index];
            Assert.True(values.Max() > 1e-4, $"group {group}: the hand computation is all ~0, the test would prove nothing");
            for (int c = 0; c < 8; c++)
                Assert.True(Math.Abs(values[c] - actual.Channels[c]) <= 1e-6 * Math.Max(1, values[c]),
                    $"group {group}, channel {c}: finite differences {values[c]}, Taylor {actual.Channels[c]}");
        }
        Assert.Null(scores.Groups[ToyResNet.Structure.Group("Input").Index]);

        double[][]?[] writerSums = importance.ProducerSums();
        foreach (var (group, writers) in expectedWriters)
        {
            GroupInfo info = ToyResNet.Structure.Group(group);
            // The structure lists a group's writers in forward order, as Writers does.
            Assert.Equal(writers.Length, info.Producers.Count);
            for (int w = 0; w < writers.Length; w++)
                for (int c = 0; c < 8; c++)
                    Assert.True(Math.Abs(writers[w][c] - writerSums[info.Index]![w][c] / 2) <= 1e-6 * Math.Max(1, writers[w][c]),
                        $"group {group}, writer {w}, channel {c}: finite differences {writers[w][c]}, Taylor {writerSums[info.Index]![w][c] / 2}");
            // The shares follow those weights and add up to the group's importance.
            GroupImportance actual = scores[info.Index];
            for (int width = 1; width <= 8; width++)
                Assert.Equal(actual.Kept(width), Enumerable.Range(0, writers.Length).Sum(w => actual.WriterKept(w, width)), 12);
            int top = actual.Ranking[0];
            double total = writers.Sum(w => w[top]);
            for (int w = 0; w < writers.Length; w++)
                Assert.Equal(actual.Channels[top] * writers[w][top] / total, actual.WriterKept(w, 1), 6);
        }
    }

    [Fact]
    public void RestoredWindowGivesTheSameScoresAndShares()
    {
        manual_seed(14);
        using var network = new ToyResNet();
        Tests.Networks.NetworkTestKit.RandomizeBatchNorm(network);
        var importance = new TaylorImportance(network);
        for (int i = 0; i < 2; i++)
        {
            network.zero_grad();
            using var scope = NewDisposeScope();
            nn.functional.cross_entropy(network.forward(randn([3, 2, 6, 6])), tensor(new long[] { 0, 1, 2 })).backward();
            importance.Accumulate();
        }
        var restored = new TaylorImportance(network);
        restored.Restore(importance.Iterations, importance.Sums(), importance.ProducerSums());

        ImportanceScores expected = importance.Scores(), actual = restored.Scores();
        GroupInfo stream = ToyResNet.Structure.Group("Stage1");
        Assert.Equal(expected[stream.Index].Channels, actual[stream.Index].Channels);
        for (int w = 0; w < stream.Producers.Count; w++)
            Assert.Equal(expected[stream.Index].WriterKept(w, 4), actual[stream.Index].WriterKept(w, 4));
        double[][]?[] truncated = importance.ProducerSums();
        truncated[stream.Index] = truncated[stream.Index]![..2];
        var error = Assert.Throws<ArgumentException>(() => restored.Restore(importance.Iterations, importance.Sums(), truncated));
        Assert.Contains("Stage1", error.Message);
    }

    [Fact]
    public void AccumulatingWithoutGradientsSaysWhatToDo()
    {
        using var network = new ToyResNet();
        var importance = new TaylorImportance(network);
        var error = Assert.Throws<InvalidOperationException>(importance.Accumulate);
        Assert.Contains("after backward()", error.Message);
        Assert.Throws<InvalidOperationException>(importance.Scores);
    }

    [Fact]
    public void GroupsOfRemovedBlocksHaveNoScoreAndTheRestStillCount()
    {
        manual_seed(13);
        using var full = new ToyResNet();
        PruneMasks masks = full.NewMasks().KeepBlock(ToyResNet.Structure.Group("Stage1Block1Conv1").Producers.Select(p => ToyResNet.Structure.Layers[p].Block).Single(), false);
        var slim = (ToyResNet)full.Slim(masks);
        using (slim)
        {
            var importance = new TaylorImportance(slim);
            using (var scope = NewDisposeScope())
            {
                nn.functional.cross_entropy(slim.forward(randn([3, 2, 6, 6])), tensor(new long[] { 0, 1, 2 })).backward();
            }
            importance.Accumulate();
            ImportanceScores scores = importance.Scores();

            Assert.Null(scores.Groups[ToyResNet.Structure.Group("Stage1Block1Conv1").Index]);
            Assert.NotNull(scores.Groups[ToyResNet.Structure.Group("Stage1Block0Conv1").Index]);
            Assert.Equal(8, scores[ToyResNet.Structure.Group("Stage1").Index].Width);
        }
    }

    private static void Scale(Dictionary<string, nn.Parameter> parameters, string[] writers, int channel, double factor)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (string writer in writers)
        {
            foreach (string name in new[] { writer + ".weight", writer + ".bias" })
            {
                nn.Parameter p = parameters[name];
                double[] values = p.data<double>();
                values[channel] *= factor;
                p.copy_(tensor(values));
            }
        }
    }
}
