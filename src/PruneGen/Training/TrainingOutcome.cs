using System.Text.Json.Nodes;
using PruneGen.Training.Checkpoints;

namespace PruneGen.Training;

public enum TrainingStatus
{
    /// <summary>Every epoch ran.</summary>
    Completed,
    /// <summary>Stopped on request (Ctrl-C) after a checkpoint; resume continues where it stopped.</summary>
    Interrupted,
}

/// <summary>The end of a <see cref="Trainer"/> run. The caller owns <see cref="Network"/> and disposes it.</summary>
public sealed record TrainingOutcome(
    TrainingStatus Status,
    TrainableNetwork Network,
    IReadOnlyList<EpochMetrics> Metrics,
    JsonObject Facts,
    long GlobalStep,
    double ElapsedSeconds,
    CheckpointInfo? LastCheckpoint,
    IReadOnlyList<CorruptCheckpoint> SkippedCheckpoints)
{
    /// <summary>Test accuracy after the last finished epoch (NaN when never evaluated).</summary>
    public double TestAccuracy => Metrics.Count > 0 && Metrics[^1][MetricNames.TestAccuracy] is double a ? a : double.NaN;
}
