using PruneGen.Training;
using PruneGen.Training.Checkpoints;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Tests.Training;

[Collection(TorchGlobalState.Name)]
public sealed class TrainerResumeTests : IDisposable
{
    private const long Seed = 42;
    private readonly string _root = Directory.CreateTempSubdirectory("prunegen-trainer-").FullName;

    private static readonly TrainerSettings Settings = new()
    {
        Epochs = 3,
        LearningRate = 0.05,
        Momentum = 0.9,
        WeightDecay = 5e-4,
        Schedule = LearningRateScheduleKind.Cosine,
        CheckpointEvery = 4,
    };

    // One thread: on a shared, loaded machine OpenMP's spinning threads make tiny steps 100x slower,
    // and a fixed thread count is part of what makes CPU runs reproducible anyway.
    public TrainerResumeTests() => set_num_threads(1);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private bool _channelsLast;

    private Trainer CreateTrainer(string name, ITrainingObserver? observer = null, bool slim = false)
    {
        MemoryFormat format = _channelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous;
        return new(Settings with { MemoryFormat = format }, TinyNetwork.FromSidecar, slim ? new HalveAfterFirstEpoch() : new DenseTraining(),
            TinyNetwork.TrainLoader(format: format), TinyNetwork.TestLoader(), new CheckpointStore(Path.Combine(_root, name)), observer);
    }

    private (Dictionary<string, object> Parameters, IReadOnlyList<EpochMetrics> Metrics) Uninterrupted(bool slim = false)
    {
        manual_seed(Seed);
        TrainingOutcome outcome = CreateTrainer(slim ? "reference-slim" : "reference", slim: slim).Run();
        using (outcome.Network)
        {
            Assert.Equal(TrainingStatus.Completed, outcome.Status);
            return (TinyNetwork.Snapshot(outcome.Network.Module), outcome.Metrics);
        }
    }

    /// <summary>Stops (like Ctrl-C) after <paramref name="stopAfter"/> steps, then resumes with a new trainer and network.</summary>
    private TrainingOutcome StopAndResume(string name, int stopAfter, bool slim = false)
    {
        manual_seed(Seed);
        using var stop = new CancellationTokenSource();
        TrainingOutcome first = CreateTrainer(name, new StopAt(stopAfter, stop), slim).Run(stop.Token);
        first.Network.Dispose();
        Assert.Equal(TrainingStatus.Interrupted, first.Status);
        Assert.Equal(stopAfter, first.GlobalStep);

        manual_seed(999); // the resumed process starts from unrelated RNG state; the checkpoint must restore it
        return CreateTrainer(name, slim: slim).Resume();
    }

    [Theory]
    [InlineData(4, false)]   // before the slimming: the resumed run must slim at the same point
    [InlineData(9, false)]   // after it: the checkpoint's widths rebuild the smaller network before loading
    [InlineData(9, true)]    // the same in channels-last layout (the trainer's fast path)
    public void Resume_across_slimming_matches_an_uninterrupted_run(int stopAfter, bool channelsLast)
    {
        _channelsLast = channelsLast;
        var (expected, expectedMetrics) = Uninterrupted(slim: true);
        TrainingOutcome resumed = StopAndResume($"slim-{stopAfter}-{channelsLast}", stopAfter, slim: true);
        using (resumed.Network)
        {
            Assert.Equal(TinyNetwork.FullWidth / 2, resumed.Network.Widths.Widths["conv"]);
            Tensor convWeight = resumed.Network.Module.named_parameters().Single(p => p.name == "conv.weight").parameter;
            Assert.Equal(channelsLast, convWeight.is_contiguous(MemoryFormat.ChannelsLast) && !convWeight.is_contiguous());
            TinyNetwork.AssertBitIdentical(expected, TinyNetwork.Snapshot(resumed.Network.Module));
            AssertSameMetrics(expectedMetrics, resumed.Metrics);
            // Metrics are taken after the end-of-epoch hook, so epoch 1 already reports the halved network.
            Assert.Equal(8 * 8 * 4 * 3 * 9 + 4 * 4, expectedMetrics[0][MetricNames.Macs]);
        }
    }

    [Theory]
    [InlineData(3)]   // mid-epoch, before any checkpoint of the interval
    [InlineData(6)]   // end of epoch 1 (6 batches per epoch)
    [InlineData(9)]   // mid-epoch 2, after an interval checkpoint at step 8
    public void Stopped_and_resumed_run_matches_an_uninterrupted_run_bit_for_bit(int stopAfter)
    {
        var (expected, expectedMetrics) = Uninterrupted();
        TrainingOutcome resumed = StopAndResume($"stop-{stopAfter}", stopAfter);
        using (resumed.Network)
        {
            Assert.Equal(TrainingStatus.Completed, resumed.Status);
            Assert.Equal(18, resumed.GlobalStep);
            TinyNetwork.AssertBitIdentical(expected, TinyNetwork.Snapshot(resumed.Network.Module));
            AssertSameMetrics(expectedMetrics, resumed.Metrics);
        }
    }

    [Fact]
    public void Killed_run_resumes_from_its_last_checkpoint_and_ends_identical()
    {
        var (expected, expectedMetrics) = Uninterrupted();
        // A kill loses everything since the last checkpoint: throw out of the loop at step 11, after
        // the interval checkpoint at step 8 and nothing else.
        manual_seed(Seed);
        Assert.Throws<SimulatedKill>(() => CreateTrainer("killed", new KillAt(11)).Run());
        Assert.Equal(8, new CheckpointStore(Path.Combine(_root, "killed")).List()[0].Step);

        manual_seed(7);
        TrainingOutcome resumed = CreateTrainer("killed").Resume();
        using (resumed.Network)
        {
            TinyNetwork.AssertBitIdentical(expected, TinyNetwork.Snapshot(resumed.Network.Module));
            AssertSameMetrics(expectedMetrics, resumed.Metrics);
        }
    }

    [Fact]
    public void Corrupt_latest_checkpoint_is_reported_and_the_previous_one_used()
    {
        var (expected, _) = Uninterrupted();
        manual_seed(Seed);
        using var stop = new CancellationTokenSource();
        CreateTrainer("corrupt", new StopAt(10, stop)).Run(stop.Token).Network.Dispose();

        var store = new CheckpointStore(Path.Combine(_root, "corrupt"));
        IReadOnlyList<CheckpointInfo> checkpoints = store.List();
        Assert.Equal([10L, 8L], checkpoints.Select(c => c.Step));
        string model = Path.Combine(checkpoints[0].Path, "model.safetensors");
        byte[] bytes = File.ReadAllBytes(model);
        bytes[^3] ^= 0x40; // a flipped bit in the weights: only the manifest's hash can tell
        File.WriteAllBytes(model, bytes);

        var messages = new Messages();
        TrainingOutcome resumed = CreateTrainer("corrupt", messages).Resume();
        using (resumed.Network)
        {
            CorruptCheckpoint skipped = Assert.Single(resumed.SkippedCheckpoints);
            Assert.Equal(10, skipped.Checkpoint.Step);
            Assert.Contains("SHA-256", skipped.Reason);
            Assert.Contains(messages.Lines, m => m.Contains("corrupt") && m.Contains("step-0000000010"));
            Assert.Contains(messages.Lines, m => m.Contains("step 8"));
            TinyNetwork.AssertBitIdentical(expected, TinyNetwork.Snapshot(resumed.Network.Module));
        }
    }

    [Fact]
    public void Resume_without_any_checkpoint_says_so()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CreateTrainer("empty").Resume());
        Assert.Contains("no usable checkpoint", e.Message);
    }

    [Fact]
    public void Metrics_hold_trainer_values_for_every_epoch()
    {
        var (_, metrics) = Uninterrupted();
        Assert.Equal([1, 2, 3], metrics.Select(m => m.Epoch));
        Assert.Equal([6L, 12L, 18L], metrics.Select(m => m.Step));
        foreach (EpochMetrics m in metrics)
        {
            Assert.InRange(m[MetricNames.TrainAccuracy]!.Value, 0, 1);
            Assert.InRange(m[MetricNames.TestAccuracy]!.Value, 0, 1);
            Assert.True(m[MetricNames.TrainLoss] > 0);
            Assert.Equal(8 * 3 * 3 * 3 + 8 + 2 * 8 + 8 * 4 + 4, m[MetricNames.Params]);
        }
        // Cosine schedule: the recorded rate falls epoch by epoch.
        Assert.True(metrics[0][MetricNames.LearningRate] > metrics[1][MetricNames.LearningRate]);
    }

    private static void AssertSameMetrics(IReadOnlyList<EpochMetrics> expected, IReadOnlyList<EpochMetrics> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        string[] timing = [MetricNames.EpochSeconds, MetricNames.ImagesPerSecond];
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Epoch, actual[i].Epoch);
            Assert.Equal(expected[i].Step, actual[i].Step);
            foreach ((string name, double value) in expected[i].Values)
                if (!timing.Contains(name)) Assert.True(value.Equals(actual[i].Values[name]), $"epoch {i + 1} '{name}': {value:R} vs {actual[i].Values[name]:R}");
        }
    }

    private sealed class StopAt(int steps, CancellationTokenSource stop) : ITrainingObserver
    {
        public void OnStep(in StepProgress step)
        {
            if (step.GlobalStep == steps) stop.Cancel();
        }
    }

    private sealed class SimulatedKill : Exception;

    private sealed class KillAt(int steps) : ITrainingObserver
    {
        public void OnStep(in StepProgress step)
        {
            if (step.GlobalStep == steps) throw new SimulatedKill();
        }
    }

    private sealed class Messages : ITrainingObserver
    {
        public List<string> Lines { get; } = new();
        public void OnMessage(string message) => Lines.Add(message);
    }
}
