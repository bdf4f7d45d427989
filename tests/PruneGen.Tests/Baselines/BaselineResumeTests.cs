using PruneGen.Data;
using PruneGen.Methods.Baselines;
using PruneGen.Structure;
using PruneGen.Tests.Data;
using PruneGen.Tests.Networks;
using PruneGen.Training;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Baselines;

/// <summary>A baseline run stopped mid-way (inside the Taylor window, or after pruning) and resumed ends exactly like an uninterrupted run.</summary>
[Collection(TorchGlobalState.Name)]
public class BaselineResumeTests
{
    /// <summary>Cancels the run once the given global step is done.</summary>
    private sealed class StopAt(int step, CancellationTokenSource stop) : ITrainingObserver
    {
        public void OnStep(in StepProgress progress)
        {
            if (progress.GlobalStep == step) stop.Cancel();
        }
    }

    private static Trainer NewTrainer(BaselineCriterion criterion, CheckpointStore? store, ITrainingObserver? observer)
    {
        ImageDataset trainSet = SyntheticImages.Create(seed: 4, count: 192, classes: 4, channels: 1, size: 16);
        ImageDataset testSet = SyntheticImages.Create(seed: 4, count: 64, classes: 4, channels: 1, size: 16, split: SyntheticSplit.Test);
        var train = new DataLoader(trainSet, new DataLoaderOptions { BatchSize = 16, Seed = 2, DropLast = true }); // 12 steps per epoch
        var test = new DataLoader(testSet, new DataLoaderOptions { BatchSize = 64, Shuffle = false });
        var options = new BaselineOptions { Criterion = criterion, TargetMacs = 0.5, PruneEpoch = 2, TaylorBatches = 4, Seed = 1 };
        var settings = new TrainerSettings { Epochs = 3, LearningRate = 0.05 };
        // Built at the checkpoint's widths when resuming after the pruning.
        TrainableNetwork Factory(WidthsSidecar? widths)
        {
            TinyVgg n = widths is null ? new TinyVgg() : new TinyVgg(TinyVgg.Widths.FromSidecar(widths));
            return TrainableNetwork.FromPrunable(n, n.CurrentWidths.ToSidecar());
        }
        return new Trainer(settings, Factory, new PruneThenFineTune(options), train, test, store, observer);
    }

    [Theory]
    [InlineData(BaselineCriterion.Taylor, 22)] // inside the Taylor window (steps 21-24 of 36)
    [InlineData(BaselineCriterion.L1, 30)]     // after the pruning at step 24
    public void StoppedAndResumedRunEqualsUninterruptedRun(BaselineCriterion criterion, int stopStep)
    {
        manual_seed(9);
        TrainingOutcome reference = NewTrainer(criterion, null, null).Run();
        using TrainableNetwork expected = reference.Network;

        using var folder = new TempDirectory();
        using var stop = new CancellationTokenSource();
        manual_seed(9);
        TrainingOutcome first = NewTrainer(criterion, new CheckpointStore(folder.Path), new StopAt(stopStep, stop)).Run(stop.Token);
        first.Network.Dispose();
        Assert.Equal(TrainingStatus.Interrupted, first.Status);

        TrainingOutcome resumed = NewTrainer(criterion, new CheckpointStore(folder.Path), null).Resume();
        using TrainableNetwork actual = resumed.Network;
        Assert.Equal(TrainingStatus.Completed, resumed.Status);
        Assert.Equal(expected.Widths.Widths, actual.Widths.Widths);
        Assert.Equal(expected.Macs, actual.Macs);
        Assert.Equal(reference.Metrics[^1][MetricNames.TestAccuracy], resumed.Metrics[^1][MetricNames.TestAccuracy]);
        Assert.Equal(reference.Metrics[^1][MetricNames.TrainLoss], resumed.Metrics[^1][MetricNames.TrainLoss]);
        var weights = expected.Module.state_dict();
        foreach (var (name, tensor) in actual.Module.state_dict())
            if (tensor.dtype == ScalarType.Float32) Assert.Equal(weights[name].data<float>(), tensor.data<float>());
    }
}
