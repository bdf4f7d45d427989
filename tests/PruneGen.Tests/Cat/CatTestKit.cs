using PruneGen.Data;
using PruneGen.Layers;
using PruneGen.Methods.Cat;
using PruneGen.Training;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Cat;

/// <summary>A small residual network for CAT tests: unit-level steps, removable blocks in both stages, 8x8 input.</summary>
[Network(InputChannels = 1, InputSize = 8, Classes = 4)]
public partial class CatTinyResNet
{
    [Conv(8, Kernel = 3), Prune(Step = 1, Min = 1)]
    public partial ConvBnRelu Stem { get; }

    [Stage(Width = 8, Blocks = 2), Prune(Step = 1, Min = 1), RemovableBlocks]
    public partial BasicStage Stage1 { get; }

    [Stage(Width = 16, Blocks = 2, Stride = 2), Prune(Step = 1, Min = 1), RemovableBlocks]
    public partial BasicStage Stage2 { get; }

    [Classifier]
    public partial Head Head { get; }
}

internal static class CatTestKit
{
    public static TrainableNetwork Factory(Structure.WidthsSidecar? widths) =>
        TrainableNetwork.FromPrunable(widths is null ? new CatTinyResNet() : new CatTinyResNet(CatTinyResNet.Widths.FromSidecar(widths)));

    public static DataLoader Train(int count = 256, int batch = 32) =>
        new(SyntheticImages.Create(seed: 3, count: count, classes: 4, channels: 1, size: 8), new DataLoaderOptions { BatchSize = batch, Seed = 7 });

    public static DataLoader Test() =>
        new(SyntheticImages.Create(seed: 3, count: 64, classes: 4, channels: 1, size: 8, split: SyntheticSplit.Test), new DataLoaderOptions { BatchSize = 64, Shuffle = false });

    public static TrainerSettings Settings(int epochs) => new() { Epochs = epochs, LearningRate = 0.05 };

    /// <summary>Trains the tiny network from seed 1 with CAT; the caller disposes the outcome's network.</summary>
    public static TrainingOutcome Run(CatOptions options, int epochs = 6, CheckpointStore? store = null, ITrainingObserver? observer = null, CancellationToken stop = default,
        int count = 256, int batch = 32)
    {
        set_num_threads(1);
        manual_seed(1);
        var trainer = new Trainer(Settings(epochs), Factory, new ComplexityAwareTraining(options), Train(count, batch), Test(), store, observer);
        return trainer.Run(stop);
    }
}
