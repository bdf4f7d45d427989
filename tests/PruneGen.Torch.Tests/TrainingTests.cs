using System.Diagnostics;
using PruneGen.Torch.Modules;
using Xunit.Abstractions;
using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

/// <summary>
/// Runs its tests after every parallel test, alone, because they change libtorch's thread count (a
/// global default that threads pick up the first time they run a parallel op).
/// </summary>
[CollectionDefinition(nameof(SingleThreadedTraining), DisableParallelization = true)]
public sealed class SingleThreadedTraining;

/// <summary>End-to-end training through the binding: accuracy on a learnable task, and no memory growth per step.</summary>
/// <remarks>
/// One libtorch thread: for ops this small, OpenMP synchronisation dominates, and on a shared,
/// oversubscribed 2-core machine two threads made a step ~40× slower (measured with PyTorch too).
/// The count is set on the thread that runs the test: OpenMP keeps it per thread.
/// </remarks>
[Collection(nameof(SingleThreadedTraining))]
public sealed class TrainingTests(ITestOutputHelper output)
{
    private const int Classes = 4;

    /// <summary>Runs <paramref name="body"/> with one libtorch thread on this thread, then restores the count.</summary>
    private static void SingleThreaded(Action body)
    {
        int previous = get_num_threads();
        set_num_threads(1);
        try { body(); }
        finally { set_num_threads(previous); }
    }

    /// <summary>conv-bn-relu ×2, global average pool, linear.</summary>
    private static Sequential SmallCnn(int width = 8) => nn.Sequential(
        nn.Conv2d(1, width, 3, padding: 1), nn.BatchNorm2d(width), nn.ReLU(),
        nn.Conv2d(width, 2 * width, 3, padding: 1), nn.BatchNorm2d(2 * width), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * width, Classes));

    /// <summary>
    /// Deterministic synthetic images: class 0 horizontal stripes, 1 vertical stripes, 2 diagonal
    /// stripes, 3 a checkerboard, each with a random phase and Gaussian noise (σ = 0.5).
    /// </summary>
    private static (float[] images, long[] labels) SyntheticImages(int count, int size, int seed)
    {
        var random = new Random(seed);
        var images = new float[count * size * size];
        var labels = new long[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % Classes;
            labels[n] = label;
            int phase = random.Next(4);
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                {
                    int k = label switch { 0 => i, 1 => j, 2 => i + j, _ => i / 2 + j / 2 };
                    double pattern = ((k + phase) / 2 % 2 == 0) ? 1 : -1;
                    double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    images[(n * size + i) * size + j] = (float)(pattern + 0.5 * noise);
                }
        }
        return (images, labels);
    }

    private static Tensor Batch(float[] images, int start, int count, int size) =>
        tensor(images.AsSpan(start * size * size, count * size * size), [count, 1, size, size]);

    private static Tensor Labels(long[] labels, int start, int count) => tensor(labels.AsSpan(start, count), [count]);

    [Fact]
    public void SmallCnnLearnsSyntheticPatterns() => SingleThreaded(() =>
    {
        const int size = 12, trainCount = 512, testCount = 256, batch = 32;
        manual_seed(42);
        var (trainImages, trainLabels) = SyntheticImages(trainCount, size, seed: 1);
        var (testImages, testLabels) = SyntheticImages(testCount, size, seed: 2);
        using var net = SmallCnn();
        using var optimizer = optim.SGD(net.parameters(), lr: 0.05, momentum: 0.9);

        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < 4; epoch++)
            for (int start = 0; start < trainCount; start += batch)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                Tensor loss = nn.functional.cross_entropy(net.call(Batch(trainImages, start, batch, size)), Labels(trainLabels, start, batch));
                loss.backward();
                optimizer.step();
            }
        double trainSeconds = clock.Elapsed.TotalSeconds;

        net.eval();
        int correct = 0;
        using (NewDisposeScope())
        using (no_grad())
        {
            float[] logits = net.call(Batch(testImages, 0, testCount, size)).data<float>();
            for (int n = 0; n < testCount; n++)
            {
                int best = 0;
                for (int c = 1; c < Classes; c++)
                    if (logits[n * Classes + c] > logits[n * Classes + best]) best = c;
                if (best == testLabels[n]) correct++;
            }
        }
        double accuracy = correct / (double)testCount;
        output.WriteLine($"test accuracy {accuracy:P1} after 64 steps ({trainSeconds:F2} s, {get_num_threads()} threads)");
        Assert.True(accuracy >= 0.95, $"test accuracy {accuracy:P1} is below 95%");
    });

    [Fact]
    public void TrainingStepsInDisposeScopesDoNotGrowResidentMemory() => SingleThreaded(() =>
    {
        const int size = 8, batch = 8, steps = 2000, warmUp = 200;
        manual_seed(3);
        var (images, labels) = SyntheticImages(64, size, seed: 3);
        using var net = SmallCnn(width: 4);
        using var optimizer = optim.SGD(net.parameters(), lr: 0.01, momentum: 0.9, weight_decay: 5e-4);

        long before = 0;
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            if (step == warmUp) before = ResidentBytes();
            using var scope = NewDisposeScope();
            int start = step * batch % 64;
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(net.call(Batch(images, start, batch, size)), Labels(labels, start, batch));
            loss.backward();
            optimizer.step();
        }
        long growth = ResidentBytes() - before;
        output.WriteLine($"VmRSS growth over {steps - warmUp} steps: {growth / 1e6:F2} MB ({clock.Elapsed.TotalSeconds:F1} s for {steps} steps)");
        Assert.True(growth < 50_000_000, $"resident memory grew by {growth / 1e6:F1} MB");
    });

    /// <summary>VmRSS of this process, from /proc/self/status.</summary>
    private static long ResidentBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }
}
