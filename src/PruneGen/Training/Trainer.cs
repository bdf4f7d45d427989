using System.Diagnostics;
using PruneGen.Data;
using PruneGen.Torch.Serialization;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>
/// The epoch/step loop around a <see cref="TrainingMethod"/>: learning-rate schedule, evaluation,
/// metrics, checkpoints at every epoch end (and every <see cref="TrainerSettings.CheckpointEvery"/>
/// steps), a clean stop on request, and deterministic resume.
/// <para>
/// Resume is exact: a checkpoint holds the model and optimizer tensors, the position (epoch, batch,
/// global step), libtorch's RNG state, the partial-epoch sums, the metrics so far, the widths and the
/// method's state; the data order is a pure function of (seed, epoch) and the learning rate a pure
/// function of the step. So a run stopped (or killed) after step k and resumed takes exactly the steps
/// an uninterrupted run would have taken, given the same thread count and deterministic kernels.
/// </para>
/// </summary>
public sealed class Trainer
{
    private readonly TrainerSettings _settings;
    private readonly NetworkFactory _networkFactory;
    private readonly TrainingMethod _method;
    private readonly DataLoader _train;
    private readonly DataLoader? _test;
    private readonly CheckpointStore? _checkpoints;
    private readonly ITrainingObserver _observer;

    public Trainer(TrainerSettings settings, NetworkFactory networkFactory, TrainingMethod method, DataLoader train, DataLoader? test = null,
        CheckpointStore? checkpoints = null, ITrainingObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(networkFactory);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(train);
        settings.Validate();
        if (train.BatchesPerEpoch < 1) throw new ArgumentException($"the training set '{train.Dataset.Name}' yields no batch", nameof(train));
        _settings = settings;
        _networkFactory = networkFactory;
        _method = method;
        _train = train;
        _test = test;
        _checkpoints = checkpoints;
        _observer = observer ?? NullTrainingObserver.Instance;
        StepsPerEpoch = settings.StepsPerEpoch == 0 ? train.BatchesPerEpoch : Math.Min(settings.StepsPerEpoch, train.BatchesPerEpoch);
    }

    /// <summary>Optimizer steps in each epoch (the setting, capped at the loader's batches).</summary>
    public int StepsPerEpoch { get; }

    private LearningRateSchedule CreateSchedule() =>
        new(_settings.Schedule, (long)_settings.Epochs * StepsPerEpoch, (long)_settings.WarmupEpochs * StepsPerEpoch);

    /// <summary>
    /// Trains from scratch: builds the full network (seed libtorch before calling, for reproducible
    /// weights) and runs every epoch, or until <paramref name="stop"/> is signalled.
    /// </summary>
    public TrainingOutcome Run(CancellationToken stop = default)
    {
        TrainableNetwork network = _networkFactory(null);
        var context = new TrainingContext(_settings, network, _method, CreateSchedule(), _observer) { StepsPerEpoch = StepsPerEpoch, EvaluationData = _test, TrainingData = _train };
        try
        {
            context.ApplyMemoryFormat();
            context.BuildOptimizer();
            RecordDenseFacts(context.Facts, network);
            return Loop(context, new Position(0, 0, 0, 0, 0, 0, 0), [], stop, []);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Continues from the newest intact checkpoint (a corrupt latest one is reported and the previous
    /// one used). Throws <see cref="InvalidOperationException"/> when there is none.
    /// </summary>
    public TrainingOutcome Resume(CancellationToken stop = default)
    {
        if (_checkpoints is null) throw new InvalidOperationException("the trainer has no checkpoint store to resume from");
        var loaded = _checkpoints.LoadLatest(c => TrainerCheckpoint.Read(c.Path));
        if (loaded is null)
            throw new InvalidOperationException($"no usable checkpoint in '{_checkpoints.Directory}'");
        (TrainerCheckpoint state, CheckpointInfo checkpoint, IReadOnlyList<CorruptCheckpoint> skipped) = loaded.Value;
        foreach (CorruptCheckpoint bad in skipped)
            _observer.OnMessage($"checkpoint {Path.GetFileName(bad.Checkpoint.Path)} is corrupt ({bad.Reason}); using an earlier one");
        if (state.StepsPerEpoch != StepsPerEpoch)
            throw new InvalidOperationException($"the checkpoint was taken with {state.StepsPerEpoch} steps per epoch but this run has {StepsPerEpoch}; resume with the same configuration");
        if (state.Method != _method.Name)
            throw new InvalidOperationException($"the checkpoint belongs to method '{state.Method}', not '{_method.Name}'");

        TrainableNetwork network = _networkFactory(state.Widths);
        var context = new TrainingContext(_settings, network, _method, CreateSchedule(), _observer)
        {
            StepsPerEpoch = StepsPerEpoch,
            EvaluationData = _test,
            TrainingData = _train,
            Epoch = state.Epoch,
            GlobalStep = state.GlobalStep,
            Facts = state.Facts,
        };
        try
        {
            context.ApplyMemoryFormat();
            using (SafetensorsContent model = Safetensors.Load(Path.Combine(checkpoint.Path, TrainerCheckpoint.ModelFile)))
                network.Module.load_state_dict(new Dictionary<string, Tensor>(model.Tensors));
            context.BuildOptimizer();
            context.Optimizer.load_state_dict(Path.Combine(checkpoint.Path, TrainerCheckpoint.OptimizerFile));
            context.ApplyLearningRate();
            if (state.MethodState is { } methodState) _method.LoadState(methodState);
            using (Tensor rng = tensor(state.RngState)) random.set_rng_state(rng);
            _observer.OnMessage($"resumed from {Path.GetFileName(checkpoint.Path)}: epoch {state.Epoch + 1}, batch {state.Batch}, step {state.GlobalStep}");
            var position = new Position(state.Epoch, state.Batch, state.GlobalStep, state.RunningLossSum, state.RunningCorrect, state.RunningCount, state.EpochSeconds);
            return Loop(context, position, state.Metrics.ToList(), stop, skipped, state.ElapsedSeconds, checkpoint);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Well-known run facts that summaries lift to top-level fields: the network as built, before any
    /// pruning (the reference point), and figures only a method knows.
    /// </summary>
    public static class Facts
    {
        public const string DenseMacs = "dense_macs";
        public const string DenseParams = "dense_params";
        public const string DenseWidths = "dense_widths";
        public const string DenseTestAccuracy = "dense_test_accuracy";

        /// <summary>Set by latency-targeted methods: the LUT latency (ms) of the final structure, shown beside the measured one.</summary>
        public const string PredictedLatencyMs = "predicted_latency_ms";
    }

    private static void RecordDenseFacts(System.Text.Json.Nodes.JsonObject facts, TrainableNetwork network)
    {
        facts[Facts.DenseMacs] = network.Macs;
        facts[Facts.DenseParams] = network.Params;
        facts[Facts.DenseWidths] = System.Text.Json.Nodes.JsonNode.Parse(network.Widths.ToJson());
    }

    /// <summary>Where the loop stands; the running sums cover the current epoch's finished steps.</summary>
    private record struct Position(int Epoch, int Batch, long GlobalStep, double LossSum, long Correct, long Count, double EpochSeconds);

    private TrainingOutcome Loop(TrainingContext context, Position at, List<EpochMetrics> metrics, CancellationToken stop,
        IReadOnlyList<CorruptCheckpoint> skipped, double elapsedBefore = 0, CheckpointInfo? lastCheckpoint = null)
    {
        _observer.OnStart(new TrainingPlan(_settings.Epochs, StepsPerEpoch, at.Epoch, at.Batch, metrics.ToArray()));
        _method.OnStart(context);
        var session = Stopwatch.StartNew();
        double Elapsed() => elapsedBefore + session.Elapsed.TotalSeconds;

        TrainingOutcome Finish(TrainingStatus status)
        {
            context.Optimizer.Dispose();
            return new TrainingOutcome(status, context.Network, metrics, context.Facts, context.GlobalStep, Elapsed(), lastCheckpoint, skipped);
        }

        context.Network.Module.train();
        while (at.Epoch < _settings.Epochs)
        {
            context.Epoch = at.Epoch;
            var epochClock = Stopwatch.StartNew();
            double epochSecondsBefore = at.EpochSeconds;
            foreach (Batch batch in _train.Epoch(at.Epoch, at.Batch))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    double lr = context.ApplyLearningRate();
                    StepResult step = _method.TrainStep(context, batch);
                    at = at with
                    {
                        Batch = at.Batch + 1,
                        GlobalStep = at.GlobalStep + 1,
                        LossSum = at.LossSum + step.Loss * step.Count,
                        Correct = at.Correct + step.Correct,
                        Count = at.Count + step.Count,
                    };
                    context.GlobalStep = at.GlobalStep;
                    _observer.OnStep(new StepProgress(at.Epoch, at.Batch, StepsPerEpoch, at.GlobalStep, step.Loss,
                        at.LossSum / at.Count, (double)at.Correct / at.Count, lr, context.Network.Macs, context.Network.Params));
                }
                at = at with { EpochSeconds = epochSecondsBefore + epochClock.Elapsed.TotalSeconds };
                bool epochDone = at.Batch >= StepsPerEpoch;
                if (stop.IsCancellationRequested && !epochDone)
                {
                    lastCheckpoint = SaveCheckpoint(context, at, metrics, Elapsed(), midEpoch: true) ?? lastCheckpoint;
                    return Finish(TrainingStatus.Interrupted);
                }
                if (!epochDone && _settings.CheckpointEvery > 0 && at.GlobalStep % _settings.CheckpointEvery == 0)
                    lastCheckpoint = SaveCheckpoint(context, at, metrics, Elapsed(), midEpoch: true) ?? lastCheckpoint;
                if (epochDone) break;
            }

            // End of the epoch: the method may slim the network, then evaluate and record.
            var values = new OrderedDictionary<string, double>
            {
                [MetricNames.LearningRate] = context.Optimizer.ParamGroups.First().LearningRate,
                [MetricNames.TrainLoss] = at.Count > 0 ? at.LossSum / at.Count : double.NaN,
                [MetricNames.TrainAccuracy] = at.Count > 0 ? (double)at.Correct / at.Count : double.NaN,
            };
            var methodValues = new OrderedDictionary<string, double>();
            _method.OnEpochEnd(context, methodValues);
            bool last = at.Epoch + 1 == _settings.Epochs;
            if (_test is not null && (_settings.EvaluateEveryEpoch || last))
            {
                _observer.OnEvaluating(at.Epoch);
                EvaluationResult test = _method.Evaluate(context, _test);
                values[MetricNames.TestLoss] = test.Loss;
                values[MetricNames.TestAccuracy] = test.Accuracy;
            }
            values[MetricNames.Macs] = context.Network.Macs;
            values[MetricNames.Params] = context.Network.Params;
            double seconds = epochSecondsBefore + epochClock.Elapsed.TotalSeconds;
            values[MetricNames.EpochSeconds] = seconds;
            values[MetricNames.ImagesPerSecond] = at.Count / Math.Max(seconds, 1e-9);
            foreach ((string name, double value) in methodValues) values[name] = value;

            var epochMetrics = new EpochMetrics(at.Epoch + 1, at.GlobalStep, values);
            metrics.Add(epochMetrics);
            _observer.OnEpochEnd(epochMetrics, metrics);

            at = new Position(at.Epoch + 1, 0, at.GlobalStep, 0, 0, 0, 0);
            context.Epoch = at.Epoch;
            if (at.Epoch == _settings.Epochs) _method.OnFinish(context);
            lastCheckpoint = SaveCheckpoint(context, at, metrics, Elapsed(), midEpoch: false) ?? lastCheckpoint;
            if (stop.IsCancellationRequested && at.Epoch < _settings.Epochs) return Finish(TrainingStatus.Interrupted);
        }
        return Finish(TrainingStatus.Completed);
    }

    private CheckpointInfo? SaveCheckpoint(TrainingContext context, Position at, IReadOnlyList<EpochMetrics> metrics, double elapsed, bool midEpoch)
    {
        if (_checkpoints is null) return null;
        using Tensor rng = random.get_rng_state();
        var state = new TrainerCheckpoint
        {
            Network = context.Network.Name,
            Method = _method.Name,
            Epoch = at.Epoch,
            Batch = at.Batch,
            GlobalStep = at.GlobalStep,
            Epochs = _settings.Epochs,
            StepsPerEpoch = StepsPerEpoch,
            RunningLossSum = at.LossSum,
            RunningCorrect = at.Correct,
            RunningCount = at.Count,
            EpochSeconds = at.EpochSeconds,
            ElapsedSeconds = elapsed,
            RngState = rng.data<byte>(),
            Widths = context.Network.Widths,
            Metrics = metrics.ToArray(),
            Facts = context.Facts,
            MethodState = _method.SaveState(),
        };
        CheckpointInfo info = _checkpoints.Save(at.GlobalStep, folder =>
        {
            Safetensors.Save(Path.Combine(folder, TrainerCheckpoint.ModelFile), context.Network.Module.state_dict(),
                new Dictionary<string, string> { ["network"] = context.Network.Name });
            context.Optimizer.save_state_dict(Path.Combine(folder, TrainerCheckpoint.OptimizerFile));
            state.Write(folder);
        });
        _observer.OnCheckpoint(info.Path, midEpoch);
        return info;
    }
}
