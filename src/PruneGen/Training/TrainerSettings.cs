namespace PruneGen.Training;

/// <summary>Learning-rate schedules over a whole run.</summary>
public enum LearningRateScheduleKind
{
    Constant,
    /// <summary>Cosine annealing from the peak to zero.</summary>
    Cosine,
    /// <summary>×0.1 at 50% and again at 75% of the steps.</summary>
    Step,
    /// <summary>PyTorch's OneCycleLR defaults: up from peak/25 over 30% of the steps, then down to peak/25/1e4 (cosine both ways).</summary>
    OneCycle,
}

/// <summary>How the trainer runs: budget, optimizer hyperparameters, schedule and checkpointing.</summary>
public sealed record TrainerSettings
{
    public int Epochs { get; init; } = 1;

    /// <summary>Optimizer steps per epoch; 0 = every batch of the training loader. Larger values are capped at the loader's batches.</summary>
    public int StepsPerEpoch { get; init; }

    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 5e-4;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    public int WarmupEpochs { get; init; }

    /// <summary>Also checkpoint every N steps inside an epoch (0 = at epoch ends only).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>
    /// Layout of the network's 4-D weights during training. Channels-last trains CNNs 1.25-1.38x faster on
    /// these CPUs (ARCHITECTURE.md); feed it channels-last batches too (<c>DataLoaderOptions.MemoryFormat</c>).
    /// </summary>
    public PruneGen.Torch.torch.MemoryFormat MemoryFormat { get; init; } = PruneGen.Torch.torch.MemoryFormat.Contiguous;

    /// <summary>Evaluate on the test loader at the end of every epoch (otherwise only after the last).</summary>
    public bool EvaluateEveryEpoch { get; init; } = true;

    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "a run has at least one epoch");
        if (StepsPerEpoch < 0) throw new ArgumentOutOfRangeException(nameof(StepsPerEpoch), StepsPerEpoch, "steps per epoch cannot be negative");
        if (!(LearningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "the learning rate cannot be negative");
        if (WarmupEpochs < 0 || WarmupEpochs > Epochs) throw new ArgumentOutOfRangeException(nameof(WarmupEpochs), WarmupEpochs, "warm-up epochs must lie in [0, epochs]");
        if (CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "checkpoint interval cannot be negative");
    }
}
