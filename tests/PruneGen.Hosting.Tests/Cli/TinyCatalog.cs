using PruneGen.Experiments;
using PruneGen.Hosting.Tests.Training;
using PruneGen.Training;

namespace PruneGen.Hosting.Tests.Cli;

public sealed class TinyOptions : ExperimentOptions
{
    public int KeepWidth { get; set; }
}

/// <summary>What a generated entry point would register: two experiments on the tiny network and synthetic data.</summary>
internal static class TinyCatalog
{
    private static IEnumerable<OptionDescriptor<TinyOptions>> Options() =>
    [
        .. CommonOptions.Descriptors<TinyOptions>(),
        Option.Int<TinyOptions>("keep_width", o => o.KeepWidth, (o, v) => o.KeepWidth = v, 4, "conv channels kept after the first epoch", min: 1, max: 8),
    ];

    private static readonly ExperimentDataset Data = ExperimentDataset.Synthetic(trainCount: 48, testCount: 16, classes: 4, channels: 3, size: 8);

    public static ExperimentCatalog Create() => new ExperimentCatalog()
        .Add(new Experiment<TinyOptions>("tiny-dense", "plain training of the tiny CNN", "Tiny", "dense", Data,
            new ExperimentBudget(Epochs: 2, BatchSize: 8), () => new TinyOptions(), Options(),
            (o, widths) => TinyNetwork.FromSidecar(widths), o => new DenseTraining()))
        .Add(new Experiment<TinyOptions>("tiny-halve", "halves the conv after one epoch", "Tiny", "halve", Data,
            new ExperimentBudget(Epochs: 3, BatchSize: 8), () => new TinyOptions(), Options(),
            (o, widths) => TinyNetwork.FromSidecar(widths), o => new HalveAfterFirstEpoch()))
        .AddNetwork("Tiny", () => TinyNetwork.Create());
}
