using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Latency;
using PruneGen.Methods.Baselines;
using PruneGen.Methods.Mdp;
using PruneGen.Structure;
using PruneGen.Tests.Data;
using PruneGen.Training;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;
using static PruneGen.Tests.Networks.NetworkTestKit;

namespace PruneGen.Tests.Mdp;

/// <summary>
/// MDP's one-shot schedule (PruneThenFineTune with a LatencyTargetStep) on the toy residual network
/// (a stream, two removable blocks) and synthetic images: the plan is what gets slimmed, the predicted latency is the LUT's for the final structure,
/// and a run can start from a saved dense network.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class OneShotScheduleTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    // A MAC-shaped table with little fixed cost per layer, so every planner can reach r = 0.5 without blocks.
    private static readonly LatencyTable Table = MdpTestKit.OverheadTable(ToyResNet.Structure, 0.0002, 0.1);

    /// <summary>Cancels the run once the given global step is done.</summary>
    private sealed class StopAt(int step, CancellationTokenSource stop) : ITrainingObserver
    {
        public void OnStep(in StepProgress progress)
        {
            if (progress.GlobalStep == step) stop.Cancel();
        }
    }

    /// <summary>Records the loss of every step.</summary>
    private sealed class Losses : ITrainingObserver
    {
        public List<double> Values { get; } = [];
        public void OnStep(in StepProgress progress) => Values.Add(progress.Loss);
    }

    private static (DataLoader Train, DataLoader Test) Data()
    {
        ImageDataset trainSet = SyntheticImages.Create(seed: 5, count: 48, classes: 3, channels: 2, size: 6);
        ImageDataset testSet = SyntheticImages.Create(seed: 5, count: 32, classes: 3, channels: 2, size: 6, split: SyntheticSplit.Test);
        return (new DataLoader(trainSet, new DataLoaderOptions { BatchSize = 16, Seed = 3, DropLast = true }), // 3 steps per epoch
            new DataLoader(testSet, new DataLoaderOptions { BatchSize = 32, Shuffle = false }));
    }

    private static TrainableNetwork Factory(WidthsSidecar? widths)
    {
        ToyResNet network = widths is null ? new ToyResNet() : new ToyResNet(ToyResNet.Widths.FromSidecar(widths));
        return TrainableNetwork.FromPrunable(network, network.CurrentWidths.ToSidecar());
    }

    private static Trainer NewTrainer(PruneThenFineTune method, CheckpointStore? store = null, ITrainingObserver? observer = null, double learningRate = 0.05)
    {
        var (train, test) = Data();
        return new Trainer(new TrainerSettings { Epochs = 2, LearningRate = learningRate }, Factory, method, train, test, store, observer);
    }

    private static PruneThenFineTune Method(LatencyPlanner planner, DenseStart? dense = null, int importanceSteps = 0) =>
        new(new LatencyTargetStep(new LatencyTargetOptions { Planner = planner, LatencyReduction = 0.5, ImportanceSteps = importanceSteps, Table = Table }),
            new OneShotSchedule { PruneEpoch = 1, DenseStart = dense });

    [Theory]
    [InlineData(LatencyPlanner.Mdp)]
    [InlineData(LatencyPlanner.MdpChannels)]
    [InlineData(LatencyPlanner.Halp)]
    [InlineData(LatencyPlanner.Uniform)]
    public void TheSlimNetworkIsThePlanAndItsPredictedLatencyIsTheLutsForTheFinalStructure(LatencyPlanner planner)
    {
        PruneThenFineTune method = Method(planner);
        manual_seed(31);
        TrainingOutcome outcome = NewTrainer(method).Run();
        using TrainableNetwork network = outcome.Network;
        var step = (LatencyTargetStep)method.Step;
        PruningPlan plan = step.Plan!;
        IPrunableNetwork final = network.Prunable!;

        Assert.Equal(plan.GroupWidths, final.GroupWidths);
        Assert.Equal(plan.BlocksKept, final.BlocksKept);
        Assert.True(final.Macs() < CostModel.Macs(ToyResNet.Structure, ToyResNet.Structure.FullGroupWidths(), ToyResNet.Structure.AllBlocksKept()));

        double expected = LatencyModel.Predict(ToyResNet.Structure, final.GroupWidths, final.BlocksKept, Table);
        Assert.Equal(expected, outcome.Facts[Trainer.Facts.PredictedLatencyMs]!.GetValue<double>());
        Assert.True(expected <= plan.BudgetMs, $"predicted {expected} ms > budget {plan.BudgetMs} ms");
        double dense = LatencyModel.Predict(ToyResNet.Structure, ToyResNet.Structure.FullGroupWidths(), ToyResNet.Structure.AllBlocksKept(), Table);
        Assert.Equal(0.5 * dense, plan.BudgetMs, 9);

        var fact = (JsonObject)outcome.Facts[PruneThenFineTune.PruningFact]!;
        Assert.Equal(LatencyTargetOptions.MethodName(planner), fact["criterion"]!.GetValue<string>());
        Assert.Equal(expected, fact[Trainer.Facts.PredictedLatencyMs]!.GetValue<double>());
        // The whole pruning epoch (3 steps) is the default importance window.
        Assert.Equal(3, fact["importance_steps"]!.GetValue<int>());
        foreach (GroupInfo g in ToyResNet.Structure.PrunableGroups)
            Assert.Equal(final.GroupWidths[g.Index], fact["widths"]![g.Name]!.GetValue<int>());
        Assert.Equal(ToyResNet.Structure.RemovableBlocks.Count(b => !final.BlocksKept[b.Index]), fact["blocks_removed"]!.AsArray().Count);
        if (planner is LatencyPlanner.Mdp or LatencyPlanner.MdpChannels)
        {
            Assert.Equal("Optimal", fact["solver"]!["status"]!.GetValue<string>());
            Assert.Equal(0, fact["solver"]!["gap"]!.GetValue<double>());
            // The toy is a residual network: the stream decomposition proves the optimum without a MILP.
            Assert.Equal("decomposition", fact["solver"]!["name"]!.GetValue<string>());
        }
        else
        {
            Assert.Null(fact["solver"]);
            Assert.All(final.BlocksKept, Assert.True);
        }
        // The epoch that pruned already reports the slim network.
        Assert.Equal(final.Macs(), outcome.Metrics[0][MetricNames.Macs]);
    }

    [Fact]
    public void TheImportanceWindowIsTheLastStepsOfThePruningEpoch()
    {
        PruneThenFineTune method = Method(LatencyPlanner.Mdp, importanceSteps: 2);
        manual_seed(32);
        TrainingOutcome outcome = NewTrainer(method).Run();
        outcome.Network.Dispose();
        Assert.Equal(2, outcome.Facts[PruneThenFineTune.PruningFact]!["importance_steps"]!.GetValue<int>());
    }

    /// <summary>A saved toy network (random weights, randomised BN statistics) as a dense run leaves it: model/model.safetensors + sidecar.</summary>
    private string SaveDenseRun(int seed, Func<ToyResNet>? create = null)
    {
        manual_seed(seed);
        using ToyResNet network = (create ?? (() => new ToyResNet()))();
        RandomizeBatchNorm(network);
        string run = _folder.File($"dense-{seed}");
        string model = Path.Combine(run, "model", "model.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        Checkpoint.Save(network, model, network.CurrentWidths.ToSidecar());
        return run;
    }

    private static DenseStart StartFrom(string run) => new(run, Path.Combine(run, "model", "model.safetensors"));

    [Fact]
    public void ADenseRunLoadsIntoTheNetworkWithTheSavedModelsOutputs()
    {
        string run = SaveDenseRun(41);
        using var scope = NewDisposeScope();
        Tensor input = randn(4, 2, 6, 6);
        manual_seed(41);
        using ToyResNet saved = new();
        Checkpoint.LoadWeights(saved, Path.Combine(run, "model", "model.safetensors"));
        saved.eval();

        manual_seed(999); // different initial weights: only the loading can make them equal
        using TrainableNetwork network = Factory(null);
        network.Module.eval();
        Assert.True(MaxAbsDifference(saved.forward(input), network.Module.forward(input)) > 1e-3);
        StartFrom(run).LoadInto(network);
        Assert.Equal(0, MaxAbsDifference(saved.forward(input), network.Module.forward(input)));
    }

    [Fact]
    public void TheScheduleStartsFromTheDenseRunBeforeItsFirstStep()
    {
        string run = SaveDenseRun(42);
        var losses = new Losses();
        manual_seed(7);
        TrainingOutcome outcome = NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(run)), observer: losses).Run();
        outcome.Network.Dispose();
        Assert.Equal(run, outcome.Facts[DenseStart.Fact]!.GetValue<string>());

        // The first step's loss is the saved network's on the first batch (training mode, as the trainer runs it).
        using var scope = NewDisposeScope();
        using ToyResNet saved = new();
        Checkpoint.LoadWeights(saved, Path.Combine(run, "model", "model.safetensors"));
        var (train, _) = Data();
        using Batch first = train.Epoch(0, 0).First();
        double expected = nn.functional.cross_entropy(saved.forward(first.Images), first.Labels).ToDouble();
        Assert.Equal(expected, losses.Values[0], 5);
    }

    [Fact]
    public void AResumedRunDoesNotReloadTheDenseRun()
    {
        string run = SaveDenseRun(43);
        manual_seed(8);
        TrainingOutcome reference = NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(run))).Run();
        using TrainableNetwork expected = reference.Network;

        using var checkpoints = new TempDirectory();
        using var stop = new CancellationTokenSource();
        manual_seed(8);
        // Stopped inside the importance window of epoch 1, before the pruning.
        TrainingOutcome first = NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(run)), new CheckpointStore(checkpoints.Path), new StopAt(2, stop)).Run(stop.Token);
        first.Network.Dispose();
        Assert.Equal(TrainingStatus.Interrupted, first.Status);
        TrainingOutcome resumed = NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(run)), new CheckpointStore(checkpoints.Path)).Resume();
        using TrainableNetwork actual = resumed.Network;

        Assert.Equal(expected.Widths.Widths, actual.Widths.Widths);
        Assert.Equal(expected.Widths.Blocks, actual.Widths.Blocks);
        Assert.Equal(reference.Metrics[^1][MetricNames.TrainLoss], resumed.Metrics[^1][MetricNames.TrainLoss]);
        Assert.Equal(reference.Facts[Trainer.Facts.PredictedLatencyMs]!.GetValue<double>(), resumed.Facts[Trainer.Facts.PredictedLatencyMs]!.GetValue<double>());
    }

    [Fact]
    public void AMissingDenseRunIsAnErrorNamingIt()
    {
        string missing = _folder.File("no-such-run");
        var error = Assert.Throws<DirectoryNotFoundException>(() => NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(missing))).Run());
        Assert.Contains($"dense_run '{missing}' does not exist", error.Message);
    }

    [Fact]
    public void AnIncompleteDenseRunIsAnErrorNamingItAndTheMissingFile()
    {
        string unfinished = _folder.File("unfinished");
        Directory.CreateDirectory(unfinished);
        var error = Assert.Throws<FileNotFoundException>(() => NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(unfinished))).Run());
        Assert.Contains($"dense_run '{unfinished}' is incomplete", error.Message);
        Assert.Contains("model.safetensors", error.Message);
    }

    [Fact]
    public void ADenseRunOfAnotherStructureIsAnErrorNamingTheDifference()
    {
        // A pruned network (one block gone) is not the dense network the run builds.
        string pruned = SaveDenseRun(44, () =>
        {
            using var full = new ToyResNet();
            PruneMasks masks = full.NewMasks();
            BlockInfo block = ToyResNet.Structure.RemovableBlocks[0];
            masks.KeepBlock(block.Index, false);
            return full.Slim(masks);
        });
        var error = Assert.Throws<InvalidDataException>(() => NewTrainer(Method(LatencyPlanner.Mdp, StartFrom(pruned))).Run());
        Assert.Contains($"dense_run '{pruned}' does not hold this run's network", error.Message);
        Assert.Contains($"block {ToyResNet.Structure.RemovableBlocks[0].WidthsName} is removed, expected kept", error.Message);
    }
}
