namespace PruneGen.Training;

/// <summary>What a run is about to do; given to observers when training starts or resumes.</summary>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="StepsPerEpoch">Optimizer steps in each epoch.</param>
/// <param name="StartEpoch">0-based epoch training starts in (non-zero when resuming).</param>
/// <param name="StartBatch">Batch within that epoch (non-zero when resuming mid-epoch).</param>
/// <param name="MetricsSoFar">Metrics of the epochs already finished (restored from a checkpoint).</param>
public sealed record TrainingPlan(int Epochs, int StepsPerEpoch, int StartEpoch, int StartBatch, IReadOnlyList<EpochMetrics> MetricsSoFar);

/// <summary>One optimizer step as seen by progress displays.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Batch">Steps done in this epoch (1-based after the step).</param>
/// <param name="StepsInEpoch">Steps the epoch will have.</param>
/// <param name="GlobalStep">Steps done in the whole run.</param>
/// <param name="Loss">This step's mean loss.</param>
/// <param name="RunningLoss">Mean loss over the epoch so far.</param>
/// <param name="RunningAccuracy">Training accuracy over the epoch so far.</param>
/// <param name="LearningRate">The step's learning rate.</param>
/// <param name="Macs">The network's current MACs per image (-1 when unknown).</param>
/// <param name="Params">The network's current parameter count.</param>
public readonly record struct StepProgress(
    int Epoch, int Batch, int StepsInEpoch, long GlobalStep, double Loss, double RunningLoss, double RunningAccuracy,
    double LearningRate, long Macs, long Params);

/// <summary>Receives training events (progress display, metrics files). All calls come from the training thread.</summary>
public interface ITrainingObserver
{
    void OnStart(TrainingPlan plan) { }
    void OnStep(in StepProgress step) { }
    void OnEvaluating(int epoch) { }
    void OnEpochEnd(EpochMetrics metrics, IReadOnlyList<EpochMetrics> all) { }
    void OnCheckpoint(string path, bool midEpoch) { }
    void OnMessage(string message) { }
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullTrainingObserver : ITrainingObserver
{
    public static NullTrainingObserver Instance { get; } = new();
}
