using PruneGen.Data;

namespace PruneGen.Experiments;

/// <summary>The training and test sets of an experiment, and how batches are prepared.</summary>
public sealed class ExperimentDataset
{
    public ExperimentDataset(string name, Func<ExperimentOptions, (ImageDataset Train, ImageDataset Test)> load,
        Normalization? normalization = null, Augmentation? trainAugmentation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(load);
        Name = name;
        _load = load;
        Normalization = normalization;
        TrainAugmentation = trainAugmentation;
    }

    private readonly Func<ExperimentOptions, (ImageDataset Train, ImageDataset Test)> _load;

    public string Name { get; }
    public Normalization? Normalization { get; }
    public Augmentation? TrainAugmentation { get; }

    /// <summary>Loads both sets and applies <c>train_subset</c> / <c>test_subset</c> (stratified, seeded).</summary>
    public (ImageDataset Train, ImageDataset Test) Load(ExperimentOptions options)
    {
        (ImageDataset train, ImageDataset test) = _load(options);
        if (options.TrainSubset > 0 && options.TrainSubset < train.Count) train = train.Subset(options.TrainSubset, options.Seed);
        if (options.TestSubset > 0 && options.TestSubset < test.Count) test = test.Subset(options.TestSubset, options.Seed);
        return (train, test);
    }

    /// <summary>Fashion-MNIST from the Debian package (normalised; crop-and-flip augmentation unless disabled).</summary>
    public static ExperimentDataset FashionMnist(bool augment = true, string? directory = null) =>
        new("fashion-mnist",
            _ => (Data.FashionMnist.Load(FashionMnistSplit.Train, directory), Data.FashionMnist.Load(FashionMnistSplit.Test, directory)),
            Data.FashionMnist.Normalization, augment ? Augmentation.CropAndFlip(4) : null);

    /// <summary>
    /// The deterministic synthetic set (same class patterns in train and test) for tests and smoke runs;
    /// its content depends on nothing but these arguments.
    /// </summary>
    public static ExperimentDataset Synthetic(int trainCount = 2048, int testCount = 512, int classes = 10, int channels = 1, int size = 28, long dataSeed = 1) =>
        new($"synthetic-{channels}x{size}x{size}",
            _ => (SyntheticImages.Create(dataSeed, trainCount, classes, channels, size),
                  SyntheticImages.Create(dataSeed, testCount, classes, channels, size, split: SyntheticSplit.Test)));
}
