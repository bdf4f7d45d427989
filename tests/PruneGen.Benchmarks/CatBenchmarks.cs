using System.Diagnostics;
using System.Globalization;
using PruneGen.Data;
using PruneGen.Gates;
using PruneGen.Methods.Cat;
using PruneGen.Torch;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Benchmarks;


/// <summary>
/// Gate overhead of a CAT training step: ResNet-20 (PruneGen.Zoo) at full width, batch 128, random
/// 1x28x28 inputs, the same widths both ways. "off": gates Off, plain SGD step (momentum 0.9, weight
/// decay 5e-4). "cat": gates sampled per example, backward to the sampled ξ, the same SGD step on the
/// weights, then γ from the closed-form expectations and the projected θ step. The two are timed in
/// interleaved rounds so drift of a shared machine hits both alike; the overhead is the median of the
/// per-round ratios. Also timed: the sampled-gate step without the θ step, and the θ step alone.
/// </summary>
internal static class CatBenchmarks
{
    public static void Run(int threads, int steps, int warmup, int rounds, int batch, MemoryFormat format)
    {
        if (steps < 1 || rounds < 1 || batch < 1) throw new ArgumentOutOfRangeException(nameof(steps), "steps, rounds and batch must be positive");
        set_num_threads(threads);
        manual_seed(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CAT gate overhead: ResNet-20 full width, batch {batch}, {threads} libtorch threads, {TrainThroughput.Format(format)}, {steps} timed steps per round after {warmup} warm-up, {rounds} interleaved rounds"));

        using var plain = new PruneGen.Zoo.ResNet20();
        using var gated = new PruneGen.Zoo.ResNet20();
        plain.to(format);
        gated.to(format);
        plain.train();
        gated.train();
        using var plainOptimizer = optim.SGD(CatPruning.Weights(plain).Select(w => w.Parameter), 0.05, momentum: 0.9, weight_decay: 5e-4);
        using var gatedOptimizer = optim.SGD(CatPruning.Weights(gated).Select(w => w.Parameter), 0.05, momentum: 0.9, weight_decay: 5e-4);
        // ν small enough that no θ reaches 0 during the benchmark: the widths stay full.
        var updater = new GateUpdater(new CatOptions { Nu = 0.01, Alpha = 0.5, ThetaLr = 0.001 }, PruneGen.Zoo.ResNet20.Structure);

        using Tensor images = randn([batch, 1, 28, 28]).contiguous(format).DetachFromDisposeScope();
        using Tensor labels = randint(0, 10, [batch]).DetachFromDisposeScope();

        void PlainStep()
        {
            using var scope = NewDisposeScope();
            plain.Gates.Mode = GateMode.Off;
            Tensor loss = nn.functional.cross_entropy(plain.call(images), labels);
            plainOptimizer.zero_grad();
            loss.backward();
            plainOptimizer.step();
        }

        void CatStep()
        {
            using var scope = NewDisposeScope();
            updater.Step(gated, gatedOptimizer, images, labels);
        }

        // Breakdown: the sampled-gate step without the θ step, and the θ step alone (γ from the closed
        // form and the projected update, reading the ĝ left by the last sampled backward).
        void GatesOnlyStep()
        {
            using var scope = NewDisposeScope();
            gated.Gates.Mode = GateMode.Sample;
            Tensor loss = nn.functional.cross_entropy(gated.call(images), labels);
            gatedOptimizer.zero_grad();
            loss.backward();
            gatedOptimizer.step();
        }

        void ThetaStep()
        {
            using var scope = NewDisposeScope();
            updater.UpdateThetas(gated);
        }

        for (int i = 0; i < warmup; i++)
        {
            PlainStep();
            CatStep();
        }
        var off = new List<double>();
        var cat = new List<double>();
        var gates = new List<double>();
        var theta = new List<double>();
        var ratios = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            off.Add(Time(PlainStep, steps));
            cat.Add(Time(CatStep, steps));
            gates.Add(Time(GatesOnlyStep, steps));
            theta.Add(Time(ThetaStep, steps));
            ratios.Add(cat[^1] / off[^1]);
        }
        double offMedian = Median(off), catMedian = Median(cat);
        foreach ((string name, List<double> times) in new[] { ("off", off), ("cat", cat), ("gates (no θ step)", gates), ("θ step alone", theta) })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-18} ms/step: {string.Join(" ", times.Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))} (median {Median(times):F2})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cat/off per round: {string.Join(" ", ratios.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))} (median {Median(ratios):F3})"));
        // The median of per-round ratios: each ratio compares two adjacent timings, so load that comes and
        // goes on a shared machine cancels better than in the ratio of the two medians (printed too).
        double overhead = (Median(ratios) - 1) * 100;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio of medians: {catMedian / offMedian:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  gate overhead: {overhead:F1}% (median of per-round ratios; target <= 15%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cat_gate_overhead_percent={overhead:F1}"));
    }

    /// <summary>
    /// Per-epoch wall time of CAT on ResNet-20 / Fashion-MNIST with a strong penalty, so that permanent
    /// pruning slims the network after every epoch (short epochs of <paramref name="stepsPerEpoch"/> steps).
    /// </summary>
    public static void Epochs(int threads, int epochs, int stepsPerEpoch, int batch, double nu, double thetaLr, string? data)
    {
        set_num_threads(threads);
        manual_seed(0);
        var loader = new DataLoader(FashionMnist.Load(FashionMnistSplit.Train, data), new DataLoaderOptions
        {
            BatchSize = batch, Seed = 0, DropLast = true, Normalization = FashionMnist.Normalization, MemoryFormat = MemoryFormat.ChannelsLast,
        });
        var settings = new TrainerSettings { Epochs = epochs, StepsPerEpoch = stepsPerEpoch, LearningRate = 0.1, MemoryFormat = MemoryFormat.ChannelsLast };
        var options = new CatOptions { Nu = nu, ThetaLr = thetaLr, ThetaFollowsSchedule = false };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CAT epochs: ResNet-20 on Fashion-MNIST, {epochs} epochs of {stepsPerEpoch} steps, batch {batch}, {threads} libtorch threads, channels_last, {options}"));
        var trainer = new Trainer(settings, _ => TrainableNetwork.FromPrunable(new PruneGen.Zoo.ResNet20()), new ComplexityAwareTraining(options), loader);
        TrainingOutcome outcome = trainer.Run();
        using (outcome.Network)
            foreach (EpochMetrics m in outcome.Metrics)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  epoch {m.Epoch}: {m[MetricNames.EpochSeconds]:F1} s ({m[MetricNames.ImagesPerSecond]:F0} img/s), MACs after pruning {m[MetricNames.Macs]:N0}, removed units {m[ComplexityAwareTraining.Metrics.RemovedUnits]}, blocks {m[ComplexityAwareTraining.Metrics.RemovedBlocks]}, loss {m[MetricNames.TrainLoss]:F3}"));
    }

    private static double Time(Action step, int steps)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) step();
        return clock.Elapsed.TotalMilliseconds / steps;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
