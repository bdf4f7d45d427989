using PruneGen.Data;
using System.Text.Json.Nodes;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>
/// What a <see cref="TrainingMethod"/> sees while training: the current network and optimizer, the
/// position in the run, and a place to record facts for the run summary.
/// </summary>
public sealed class TrainingContext : IDisposable
{
    private readonly TrainingMethod _method;
    private double[] _peakLearningRates = [];

    internal TrainingContext(TrainerSettings settings, TrainableNetwork network, TrainingMethod method, LearningRateSchedule schedule, ITrainingObserver observer)
    {
        Settings = settings;
        Network = network;
        _method = method;
        Schedule = schedule;
        Observer = observer;
        Optimizer = null!; // set by BuildOptimizer before training starts
    }

    public TrainerSettings Settings { get; }
    public TrainableNetwork Network { get; private set; }
    public optim.Optimizer Optimizer { get; private set; }
    public LearningRateSchedule Schedule { get; }
    public ITrainingObserver Observer { get; }

    /// <summary>
    /// The run's evaluation set (null when the run has none), e.g. for a method that measures the
    /// dense network just before it prunes it.
    /// </summary>
    public DataLoader? EvaluationData { get; internal init; }

    /// <summary>
    /// Evaluates the live network on <see cref="EvaluationData"/> (when the run has any) and records the
    /// result as the fact and metric <c>dense_test_accuracy</c>: a pruning method calls it just before it
    /// prunes, the last moment the dense network exists.
    /// </summary>
    public void RecordDenseAccuracy(IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (EvaluationData is not { } evaluation) return;
        double accuracy = Accuracy.Evaluate(Network.Module, evaluation).Accuracy;
        Facts[Trainer.Facts.DenseTestAccuracy] = accuracy;
        metrics[Trainer.Facts.DenseTestAccuracy] = accuracy;
    }

    /// <summary>
    /// The run's training set loader (null when a context is built without one), e.g. for a method that
    /// draws a calibration subset from the training images.
    /// </summary>
    public DataLoader? TrainingData { get; internal init; }

    /// <summary>0-based epoch in progress.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Optimizer steps taken so far in the whole run.</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>Optimizer steps in each epoch.</summary>
    public int StepsPerEpoch { get; internal set; }

    /// <summary>
    /// Facts for the run summary that only the method knows, e.g. <c>dense_test_accuracy</c> measured
    /// before pruning. Saved in checkpoints.
    /// </summary>
    public JsonObject Facts { get; internal set; } = new();

    /// <summary>
    /// Swaps in a new network (typically a physically slimmed copy of the current one), disposes the
    /// old one and rebuilds the optimizer over the new parameters. Optimizer state (momentum) starts
    /// afresh: the slimmed tensors are new parameters. The learning-rate schedule continues.
    /// </summary>
    public void ReplaceNetwork(TrainableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (ReferenceEquals(network, Network)) return;
        TrainableNetwork old = Network;
        Network = network;
        ApplyMemoryFormat();
        Network.Module.train(old.Module.training);
        old.Dispose();
        BuildOptimizer();
        Observer.OnMessage($"network replaced: {network.Params:N0} parameters" + (network.Macs >= 0 ? $", {network.Macs:N0} MACs" : ""));
    }

    /// <summary>Lays the current network out in the configured memory format (before its optimizer exists).</summary>
    internal void ApplyMemoryFormat()
    {
        if (Settings.MemoryFormat != MemoryFormat.Contiguous) Network.Module.to(Settings.MemoryFormat);
    }

    /// <summary>Creates the optimizer through the method and records each group's peak learning rate.</summary>
    internal void BuildOptimizer()
    {
        Optimizer?.Dispose();
        Optimizer = _method.CreateOptimizer(this);
        _peakLearningRates = Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        ApplyLearningRate();
    }

    /// <summary>Sets every group's rate for the step about to be taken; returns the first group's.</summary>
    internal double ApplyLearningRate()
    {
        double factor = Schedule.Factor(GlobalStep);
        int i = 0;
        double first = double.NaN;
        foreach (optim.ILearningRateController group in Optimizer.ParamGroups)
        {
            double lr = _peakLearningRates[i++] * factor;
            group.LearningRate = lr;
            if (i == 1) first = lr;
        }
        return first;
    }

    internal void Log(string message) => Observer.OnMessage(message);

    public void Dispose()
    {
        Optimizer?.Dispose();
        Network.Dispose();
    }
}
