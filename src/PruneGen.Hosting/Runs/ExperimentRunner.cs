using System.Diagnostics;
using System.Text.Json.Nodes;
using PruneGen.Data;
using PruneGen.Experiments;
using PruneGen.Hosting.Progress;
using PruneGen.Hosting.Reports;
using PruneGen.Structure;
using PruneGen.Training;
using PruneGen.Torch;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Runs;

/// <summary>Exit codes of the command line.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    /// <summary>Stopped by Ctrl-C after a checkpoint (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}

/// <summary>
/// Runs a resolved experiment in its run folder: sets threads, determinism and seed, loads the data,
/// trains (or resumes) with progress and metrics files, then saves the final model, measures latency,
/// and writes summary.json and report.md.
/// </summary>
public sealed class ExperimentRunner
{
    private readonly TextWriter _output;
    private readonly Func<TextWriter, TrainingProgress> _progress;

    public ExperimentRunner(TextWriter output, Func<TextWriter, TrainingProgress>? progress = null)
    {
        _output = output;
        _progress = progress ?? TrainingProgress.Create;
    }

    /// <summary>Runs or resumes; <paramref name="stop"/> ends training cleanly after a checkpoint.</summary>
    public int Execute(ResolvedExperiment experiment, RunDirectory run, bool resume, CancellationToken stop, IReadOnlyList<string>? commandLine = null)
    {
        ExperimentOptions options = experiment.Options;
        ExperimentDefinition definition = experiment.Definition;
        set_num_threads(options.EffectiveThreads);
        use_deterministic_algorithms(options.Deterministic);

        JsonObject info = run.ReadRunInfo() ?? new JsonObject();
        info["experiment"] = definition.Name;
        info["status"] = "running";
        info["threads"] = options.EffectiveThreads;
        info["libtorch"] = __version__;
        info["machine"] = Environment.MachineName;
        info["processors"] = Environment.ProcessorCount;
        var sessions = info["sessions"] as JsonArray ?? new JsonArray();
        sessions.Add(new JsonObject { ["started"] = DateTime.UtcNow.ToString("O"), ["command"] = string.Join(' ', commandLine ?? []), ["resume"] = resume });
        info["sessions"] = sessions;
        run.WriteRunInfo(info);

        (ImageDataset trainSet, ImageDataset testSet) = definition.Dataset.Load(options);
        MemoryFormat format = options.ChannelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous;
        var train = new DataLoader(trainSet, new DataLoaderOptions
        {
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            Shuffle = true,
            // A last batch of one image would break batch norm's training statistics.
            DropLast = trainSet.Count > options.BatchSize,
            Normalization = definition.Dataset.Normalization,
            Augmentation = definition.Dataset.TrainAugmentation,
            MemoryFormat = format,
        });
        var test = new DataLoader(testSet, new DataLoaderOptions
        {
            BatchSize = Math.Max(256, options.BatchSize),
            Shuffle = false,
            Normalization = definition.Dataset.Normalization,
            MemoryFormat = format,
        });
        _output.WriteLine($"{definition.Name}: {definition.Network} / {definition.Method} on {definition.Dataset.Name} " +
                          $"({trainSet.Count} training, {testSet.Count} test images), {options.EffectiveThreads} threads, run folder {run.Path}");

        var settings = new TrainerSettings
        {
            Epochs = options.Epochs,
            StepsPerEpoch = options.StepsPerEpoch,
            LearningRate = options.LearningRate,
            Momentum = options.Momentum,
            WeightDecay = options.WeightDecay,
            Schedule = options.LrSchedule,
            WarmupEpochs = Math.Min(options.WarmupEpochs, options.Epochs),
            CheckpointEvery = options.CheckpointEvery,
            MemoryFormat = format,
        };
        var store = new CheckpointStore(run.CheckpointsPath);
        TrainingProgress progress = _progress(_output);
        var observer = new RunObserver(run, progress);
        var trainer = new Trainer(settings, experiment.CreateNetwork, experiment.CreateMethod(), train, test, store, observer);

        TrainingOutcome outcome = progress.Run(() =>
        {
            if (resume && store.List().Count > 0) return trainer.Resume(stop);
            if (resume) progress.OnMessage("no checkpoint to resume from; starting the run from the beginning");
            manual_seed(options.Seed);
            return trainer.Run(stop);
        });

        using TrainableNetwork network = outcome.Network;
        if (outcome.Status == TrainingStatus.Interrupted)
        {
            info["status"] = "interrupted";
            info["steps"] = outcome.GlobalStep;
            run.WriteRunInfo(info);
            _output.WriteLine($"interrupted after step {outcome.GlobalStep}; checkpoint {outcome.LastCheckpoint?.Path ?? "(none)"}");
            _output.WriteLine($"continue with: resume {run.Path}");
            return ExitCodes.Interrupted;
        }

        RunSummary summary = Finish(experiment, run, network, outcome, trainSet);
        info["status"] = "completed";
        info["steps"] = outcome.GlobalStep;
        info["finished"] = DateTime.UtcNow.ToString("O");
        run.WriteRunInfo(info);

        string report = RunReport.Write([ReportedRun.Load(run)], run.Path);
        _output.WriteLine($"test accuracy {Units.Percent(summary.TestAccuracy)}, {Units.Count(summary.Macs)} MACs ({Units.Count(summary.DenseMacs)} dense), " +
                          $"{Units.Count(summary.Params)} params, latency {summary.LatencyMs:0.00} ms at batch {summary.LatencyBatch} on {summary.Threads} threads");
        _output.WriteLine($"report: {report}");
        return ExitCodes.Success;
    }

    private RunSummary Finish(ResolvedExperiment experiment, RunDirectory run, TrainableNetwork network, TrainingOutcome outcome, ImageDataset data)
    {
        ExperimentOptions options = experiment.Options;
        Directory.CreateDirectory(Path.GetDirectoryName(run.ModelPath)!);
        Checkpoint.Save(network.Module, run.ModelPath, network.Widths);

        _output.WriteLine($"measuring latency (batch {options.LatencyBatch}, {options.EffectiveLatencyThreads} threads, median of {options.LatencyRepeats})...");
        set_num_threads(options.EffectiveLatencyThreads);
        double Latency(TrainableNetwork n) =>
            LatencyMeter.MeasureMilliseconds(n.Module, options.LatencyBatch, data.Channels, data.Height, data.Width, options.LatencyRepeats,
                memoryFormat: options.ChannelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous);
        double latency = Latency(network);

        JsonObject facts = outcome.Facts;
        long denseMacs = facts[Trainer.Facts.DenseMacs]?.GetValue<long>() ?? network.Macs;
        long denseParams = facts[Trainer.Facts.DenseParams]?.GetValue<long>() ?? network.Params;
        WidthsSidecar denseWidths = facts[Trainer.Facts.DenseWidths] is JsonObject w ? WidthsSidecar.Parse(w.ToJsonString()) : network.Widths;
        bool unchanged = denseMacs == network.Macs && denseParams == network.Params
            && denseWidths.Widths.All(kv => network.Widths.Widths.GetValueOrDefault(kv.Key) == kv.Value)
            && network.RemovedBlocks.Count == 0;
        double? denseLatency = latency;
        if (!unchanged)
        {
            using TrainableNetwork dense = experiment.CreateNetwork(null);
            if (options.ChannelsLast) dense.Module.to(MemoryFormat.ChannelsLast);
            denseLatency = Latency(dense);
        }
        double? denseAccuracy = facts[Trainer.Facts.DenseTestAccuracy]?.GetValue<double>() ?? (unchanged ? outcome.TestAccuracy : null);

        var summary = new RunSummary
        {
            Experiment = experiment.Definition.Name,
            Network = network.Name,
            Method = experiment.Definition.Method,
            Dataset = experiment.Definition.Dataset.Name,
            Seed = options.Seed,
            Epochs = options.Epochs,
            Steps = outcome.GlobalStep,
            DenseTestAccuracy = denseAccuracy,
            TestAccuracy = outcome.TestAccuracy,
            DenseMacs = denseMacs,
            Macs = network.Macs,
            DenseParams = denseParams,
            Params = network.Params,
            LatencyMs = latency,
            DenseLatencyMs = denseLatency,
            LatencyBatch = options.LatencyBatch,
            LatencyRepeats = options.LatencyRepeats,
            Threads = options.EffectiveLatencyThreads,
            Libtorch = __version__,
            WallSeconds = outcome.ElapsedSeconds,
            Widths = network.Widths.Widths,
            DenseWidths = denseWidths.Widths,
            RemovedBlocks = network.RemovedBlocks,
            PredictedLatencyMs = facts[Trainer.Facts.PredictedLatencyMs]?.GetValue<double>(),
            Facts = MethodFacts(facts),
        };
        run.WriteSummary(summary);
        return summary;
    }

    /// <summary>The run facts not already lifted to a summary field; null when there are none.</summary>
    private static JsonObject? MethodFacts(JsonObject facts)
    {
        string[] lifted = [Trainer.Facts.DenseMacs, Trainer.Facts.DenseParams, Trainer.Facts.DenseWidths, Trainer.Facts.DenseTestAccuracy, Trainer.Facts.PredictedLatencyMs];
        var rest = new JsonObject();
        foreach ((string name, JsonNode? value) in facts)
            if (!lifted.Contains(name)) rest[name] = value?.DeepClone();
        return rest.Count > 0 ? rest : null;
    }

    /// <summary>Forwards to the progress display and keeps the metrics files current.</summary>
    private sealed class RunObserver(RunDirectory run, TrainingProgress progress) : ITrainingObserver
    {
        public void OnStart(TrainingPlan plan)
        {
            run.WriteMetrics(plan.MetricsSoFar);
            progress.OnStart(plan);
        }

        public void OnStep(in StepProgress step) => progress.OnStep(step);
        public void OnEvaluating(int epoch) => progress.OnEvaluating(epoch);

        public void OnEpochEnd(EpochMetrics metrics, IReadOnlyList<EpochMetrics> all)
        {
            run.WriteMetrics(all);
            progress.OnEpochEnd(metrics, all);
        }

        public void OnCheckpoint(string path, bool midEpoch) => progress.OnCheckpoint(path, midEpoch);
        public void OnMessage(string message) => progress.OnMessage(message);
    }
}
