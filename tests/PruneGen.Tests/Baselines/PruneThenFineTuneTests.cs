using PruneGen.Data;
using PruneGen.Methods.Baselines;
using PruneGen.Structure;
using PruneGen.Tests.Networks;
using PruneGen.Training;
using PruneGen.Torch;
using static PruneGen.Torch.torch;
using static PruneGen.Tests.Networks.NetworkTestKit;
using PruneGen.Zoo;

namespace PruneGen.Tests.Baselines;

/// <summary>Pruning by a baseline yields a slim network equal to the masked one, carries momentum, and trains end to end.</summary>
[Collection(TorchGlobalState.Name)]
public class PruneThenFineTuneTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Networks => new() { nameof(ResNet20), nameof(TinyVgg), nameof(TinyMobileNet), nameof(TinyBottleneckNet) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void SlimmedNetworkAfterPruningEqualsTheMaskedNetwork(string name)
    {
        manual_seed(21);
        var (module, network) = ChannelSelectorTests.Create(name);
        using var full = module;
        RandomizeBatchNorm(full);
        full.eval();
        using var scope = NewDisposeScope();
        NetworkStructure s = network.Structure;
        long[] shape = [3, s.InputChannels, s.InputSize, s.InputSize];
        Tensor input = randn(shape);
        foreach (ChannelSelection selection in new[]
                 {
                     ChannelSelector.Select(network, ChannelScores.L1(network), 0.5),
                     ChannelSelector.Select(network, ChannelScores.BatchNormScale(network), 0.4),
                     UniformWidths.Select(network, 0.6),
                 })
        {
            IPrunableNetwork slimNetwork = network.Slim(selection.Masks);
            using var slim = (nn.Module<Tensor, Tensor>)slimNetwork;
            Assert.Equal(selection.Widths, slimNetwork.GroupWidths);
            Assert.Equal(selection.Macs, slimNetwork.Macs());
            EnforceMasks(network, selection.Masks);
            double difference = MaxAbsDifference(full.forward(input), slim.forward(input));
            Assert.True(difference < 1e-4, $"{name}: max |masked - slim| = {difference}");
            network.Gates.Mode = Gates.GateMode.Off;
        }
    }

    [Fact]
    public void MomentumOfKeptWeightsIsCarriedIntoTheSlimNetwork()
    {
        manual_seed(22);
        using var network = new ResNet20();
        using var optimizer = optim.SGD(network.parameters(), 0.1, momentum: 0.9);
        using (NewDisposeScope())
        {
            Tensor loss = nn.functional.cross_entropy(network.forward(randn(4, 1, 28, 28)), tensor(new long[] { 0, 1, 2, 3 }));
            loss.backward();
            optimizer.step();
        }
        ChannelSelection selection = ChannelSelector.Select(network, ChannelScores.Random(network, 5), 0.5);
        var before = network.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

        using SlimmedOptimizerState state = SlimmedOptimizerState.Capture(optimizer, network, selection.Masks);
        // Capturing borrows the parameters and must give them back untouched.
        foreach (var (name, p) in network.named_parameters()) Assert.Equal(0, MaxAbsDifference(before[name], p));

        using ResNet20 slim = network.Slim(selection.Masks);
        using var slimOptimizer = optim.SGD(slim.parameters(), 0.1, momentum: 0.9);
        int applied = state.ApplyTo(slimOptimizer, slim);
        Assert.True(applied > 0);
        Assert.Equal(network.named_parameters().Count(p => optimizer.GetState(p.parameter).Count > 0), applied);

        NetworkStructure s = ResNet20.Structure;
        var wide = network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var narrow = slim.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (string layerName in new[] { "stem", "stage1.0.conv1", "stage2.0.conv2", "stage3.2.conv1" })
        {
            LayerInfo layer = s.Layer(layerName);
            using Tensor wideMomentum = optimizer.GetState(wide[layerName + ".conv.weight"])["momentum_buffer"];
            using Tensor slimMomentum = slimOptimizer.GetState(narrow[layerName + ".conv.weight"])["momentum_buffer"];
            Tensor expected = wideMomentum;
            if (selection.Masks.KeptIndices(layer.OutputGroup) is { } rows) expected = expected.index_select(0, tensor(rows));
            if (selection.Masks.KeptIndices(layer.InputGroup) is { } columns) expected = expected.index_select(1, tensor(columns));
            Assert.Equal(0, MaxAbsDifference(expected, slimMomentum));
            Assert.True(wideMomentum.abs().sum().ToDouble() > 0, $"{layerName}: momentum should be non-zero after a step");
        }
    }

    public static TheoryData<BaselineCriterion> Criteria => new()
    {
        BaselineCriterion.Uniform, BaselineCriterion.L1, BaselineCriterion.BnScale, BaselineCriterion.Taylor, BaselineCriterion.Random,
    };

    [Theory]
    [MemberData(nameof(Criteria))]
    public void PruneAndFineTuneOnSyntheticDataReachesTheTargetAndLearns(BaselineCriterion criterion)
    {
        const int classes = 6;
        ImageDataset trainSet = SyntheticImages.Create(seed: 11, count: 960, classes: classes, channels: 1, size: 16, noise: 0.5f);
        ImageDataset testSet = SyntheticImages.Create(seed: 11, count: 240, classes: classes, channels: 1, size: 16, noise: 0.5f, split: SyntheticSplit.Test);
        // Channels-last, as the experiment runner trains by default.
        var train = new DataLoader(trainSet, new DataLoaderOptions { BatchSize = 32, Seed = 3, DropLast = true, MemoryFormat = MemoryFormat.ChannelsLast });
        var test = new DataLoader(testSet, new DataLoaderOptions { BatchSize = 120, Shuffle = false, MemoryFormat = MemoryFormat.ChannelsLast });
        var options = new BaselineOptions { Criterion = criterion, TargetMacs = 0.4, PruneEpoch = 2, TaylorBatches = 5, Seed = 7 };
        var method = new PruneThenFineTune(options); // measures the dense accuracy on the trainer's test set
        var settings = new TrainerSettings { Epochs = 4, LearningRate = 0.1, Schedule = LearningRateScheduleKind.Cosine, MemoryFormat = MemoryFormat.ChannelsLast };

        manual_seed(12);
        var trainer = new Trainer(settings, _ => { var n = new TinyVgg(); return TrainableNetwork.FromPrunable(n, n.CurrentWidths.ToSidecar()); }, method, train, test);
        TrainingOutcome outcome = trainer.Run();
        using TrainableNetwork network = outcome.Network;

        NetworkStructure s = TinyVgg.Structure;
        long dense = CostModel.Macs(s, s.FullGroupWidths(), s.AllBlocksKept());
        Assert.Equal(dense, outcome.Metrics[0][MetricNames.Macs]);
        // Epoch 2 ends with the pruning, before its evaluation: its metrics already describe the slim network.
        Assert.True(outcome.Metrics[1].Values.ContainsKey("prune_macs"));
        Assert.False(outcome.Metrics[0].Values.ContainsKey("prune_macs"));
        Assert.Equal(network.Macs, outcome.Metrics[1][MetricNames.Macs]);
        Assert.True(network.Macs <= Math.Floor(0.4 * dense), $"{network.Macs} MACs > target");
        Assert.Equal(network.Macs, outcome.Metrics[^1][MetricNames.Macs]);
        Assert.Equal(network.Macs, outcome.Metrics[1]["prune_macs"]);
        Assert.Equal(network.Params, outcome.Metrics[1]["prune_params"]);
        IPrunableNetwork pruned = network.Prunable!;
        foreach (GroupInfo g in s.PrunableGroups)
        {
            Assert.Equal(pruned.GroupWidths[g.Index], outcome.Metrics[1][$"width_{g.Name}"]);
            Assert.Equal(pruned.GroupWidths[g.Index], network.Widths.Widths[g.Name]);
        }
        Assert.True(outcome.Metrics[1]["optimizer_state_carried"] > 0);
        Assert.Equal(BaselineOptions.MethodName(criterion), outcome.Facts[PruneThenFineTune.PruningFact]!["criterion"]!.GetValue<string>());
        double denseAccuracy = outcome.Facts[Trainer.Facts.DenseTestAccuracy]!.GetValue<double>();
        output.WriteLine($"{criterion}: dense test accuracy {denseAccuracy:P1}, pruned to {network.Macs:N0} of {dense:N0} MACs " +
                         $"({(double)network.Macs / dense:P1}), after pruning {outcome.Metrics[1][MetricNames.TestAccuracy]:P1}, after fine-tuning {outcome.TestAccuracy:P1}");
        Assert.True(outcome.TestAccuracy > 2.0 / classes, $"test accuracy {outcome.TestAccuracy:P1} is not above chance");
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Equal("target_macs", Assert.Throws<ArgumentOutOfRangeException>(() => new PruneThenFineTune(new BaselineOptions { TargetMacs = 0 })).ParamName);
        Assert.Equal("target_macs", Assert.Throws<ArgumentOutOfRangeException>(() => new PruneThenFineTune(new BaselineOptions { TargetMacs = 1.01 })).ParamName);
        Assert.Equal("target_macs", Assert.Throws<ArgumentOutOfRangeException>(() => new PruneThenFineTune(new BaselineOptions { TargetMacs = double.NaN })).ParamName);
        Assert.Equal("prune_epoch", Assert.Throws<ArgumentOutOfRangeException>(() => new PruneThenFineTune(new BaselineOptions { PruneEpoch = 0 })).ParamName);

        ImageDataset data = SyntheticImages.Create(seed: 1, count: 32, classes: 6, channels: 1, size: 16);
        var loader = new DataLoader(data, new DataLoaderOptions { BatchSize = 16 });
        var trainer = new Trainer(new TrainerSettings { Epochs = 2 }, _ => { var n = new TinyVgg(); return TrainableNetwork.FromPrunable(n, n.CurrentWidths.ToSidecar()); },
            new PruneThenFineTune(new BaselineOptions { PruneEpoch = 3 }), loader);
        Assert.Equal("prune_epoch", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Run()).ParamName);
    }
}
