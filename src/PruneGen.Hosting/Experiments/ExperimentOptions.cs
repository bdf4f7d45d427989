using PruneGen.Training;

namespace PruneGen.Experiments;

/// <summary>
/// Options every experiment accepts. An experiment's own options class derives from this one and adds
/// its method's options; <see cref="CommonOptions.Descriptors{T}"/> describes these keys.
/// </summary>
public class ExperimentOptions
{
    // ---- the budget and data --------------------------------------------------------------------
    public int Epochs { get; set; }
    public int StepsPerEpoch { get; set; }
    public int BatchSize { get; set; }
    public long Seed { get; set; }
    public int Threads { get; set; }
    public int TrainSubset { get; set; }
    public int TestSubset { get; set; }

    // ---- optimisation -----------------------------------------------------------------------------
    public double LearningRate { get; set; }
    public double Momentum { get; set; }
    public double WeightDecay { get; set; }
    public LearningRateScheduleKind LrSchedule { get; set; }
    public int WarmupEpochs { get; set; }

    // ---- running ----------------------------------------------------------------------------------
    public int CheckpointEvery { get; set; }
    public bool Deterministic { get; set; }
    public bool ChannelsLast { get; set; }
    public int LatencyBatch { get; set; }
    public int LatencyRepeats { get; set; }
    public int LatencyThreads { get; set; }

    /// <summary>The thread count to use: <see cref="Threads"/>, or every core when it is 0.</summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>
    /// The thread count latency is measured (and latency tables profiled) at: <see cref="LatencyThreads"/>,
    /// or the training threads when it is 0. Training on one thread per run while targeting a two-thread
    /// deployment is the usual reason to set it.
    /// </summary>
    public int EffectiveLatencyThreads => LatencyThreads > 0 ? LatencyThreads : EffectiveThreads;
}

/// <summary>Descriptors of the keys in <see cref="ExperimentOptions"/>, written by hand.</summary>
public static class CommonOptions
{
    public const string Epochs = "epochs";
    public const string StepsPerEpoch = "steps_per_epoch";
    public const string BatchSize = "batch_size";
    public const string Seed = "seed";
    public const string Threads = "threads";
    public const string TrainSubset = "train_subset";

    public static IReadOnlyList<OptionDescriptor<T>> Descriptors<T>() where T : ExperimentOptions =>
    [
        Option.Int<T>(Epochs, o => o.Epochs, (o, v) => o.Epochs = v, 10, "training epochs", min: 1, max: 100_000),
        Option.Int<T>(StepsPerEpoch, o => o.StepsPerEpoch, (o, v) => o.StepsPerEpoch = v, 0, "optimizer steps per epoch (0 = the whole training set)", min: 0),
        Option.Int<T>(BatchSize, o => o.BatchSize, (o, v) => o.BatchSize = v, 128, "training mini-batch size", min: 1, max: 65_536),
        Option.Long<T>(Seed, o => o.Seed, (o, v) => o.Seed = v, 0, "seed of weights, data order and sampling", min: 0),
        Option.Int<T>(Threads, o => o.Threads, (o, v) => o.Threads = v, 0, "libtorch threads (0 = every core)", min: 0, max: 1024),
        Option.Int<T>(TrainSubset, o => o.TrainSubset, (o, v) => o.TrainSubset = v, 0, "training images used (0 = all; a stratified seeded subset otherwise)", min: 0),
        Option.Int<T>("test_subset", o => o.TestSubset, (o, v) => o.TestSubset = v, 0, "test images used for evaluation (0 = all)", min: 0),
        Option.Double<T>("lr", o => o.LearningRate, (o, v) => o.LearningRate = v, 0.1, "peak learning rate of the weights", min: 0, max: 100),
        Option.Double<T>("momentum", o => o.Momentum, (o, v) => o.Momentum = v, 0.9, "SGD momentum", min: 0, max: 1),
        Option.Double<T>("weight_decay", o => o.WeightDecay, (o, v) => o.WeightDecay = v, 5e-4, "L2 weight decay", min: 0, max: 1),
        Option.Choice<T, LearningRateScheduleKind>("lr_schedule", o => o.LrSchedule, (o, v) => o.LrSchedule = v, LearningRateScheduleKind.Cosine,
            "learning-rate schedule over the whole run",
            ("constant", LearningRateScheduleKind.Constant), ("cosine", LearningRateScheduleKind.Cosine), ("step", LearningRateScheduleKind.Step), ("one_cycle", LearningRateScheduleKind.OneCycle)),
        Option.Int<T>("warmup_epochs", o => o.WarmupEpochs, (o, v) => o.WarmupEpochs = v, 0, "linear warm-up epochs before the schedule", min: 0),
        Option.Int<T>("checkpoint_every", o => o.CheckpointEvery, (o, v) => o.CheckpointEvery = v, 0,
            "also checkpoint every N steps inside an epoch (0 = at epoch ends only)", min: 0),
        Option.Bool<T>("deterministic", o => o.Deterministic, (o, v) => o.Deterministic = v, true,
            "deterministic kernels, so a resumed run matches an uninterrupted one"),
        Option.Bool<T>("channels_last", o => o.ChannelsLast, (o, v) => o.ChannelsLast = v, true,
            "train and measure in channels-last memory format (faster for CNNs on CPU)"),
        Option.Int<T>("latency_batch", o => o.LatencyBatch, (o, v) => o.LatencyBatch = v, 128, "batch size of the final latency measurement", min: 1),
        Option.Int<T>("latency_repeats", o => o.LatencyRepeats, (o, v) => o.LatencyRepeats = v, 20, "timed repetitions of the latency measurement (median reported)", min: 1),
        Option.Int<T>("latency_threads", o => o.LatencyThreads, (o, v) => o.LatencyThreads = v, 0,
            "libtorch threads of the latency measurement and latency tables (0 = the training threads)", min: 0, max: 1024),
    ];
}
