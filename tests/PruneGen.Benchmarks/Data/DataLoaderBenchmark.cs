using System.Diagnostics;
using System.Globalization;
using PruneGen.Data;
using static PruneGen.Torch.torch;

namespace PruneGen.Benchmarks.Data;

/// <summary>
/// Loader throughput on Fashion-MNIST (batch 128) with and without augmentation and prefetch, alone
/// and next to a consumer that works on each batch: libtorch matmuls on every thread (CPU training)
/// or a busy host thread with the other cores idle (what accelerator training looks like to the CPU).
/// Prints the best and the median of several epochs per configuration, interleaved so that load
/// changes on a shared machine hit every configuration alike.
/// </summary>
public static class DataLoaderBenchmark
{
    public static void Run(int threads, int repetitions)
    {
        set_num_threads(threads);
        var clock = Stopwatch.StartNew();
        ImageDataset train = FashionMnist.Load(FashionMnistSplit.Train);
        Console.WriteLine($"Fashion-MNIST train loaded in {clock.ElapsedMilliseconds} ms; libtorch threads {get_num_threads()}, cores {Environment.ProcessorCount}");

        var plain = new DataLoaderOptions { BatchSize = 128, Seed = 1, Normalization = Normalization.FashionMnist };
        var augmented = plain with { Augmentation = Augmentation.CropAndFlip(4) };
        using Tensor a = randn(256, 256), b = randn(256, 256);
        Action none = () => { };
        Action matmul = () => { using var s = NewDisposeScope(); for (int i = 0; i < 4; i++) a.mm(b); };
        Action spin = () => { var w = Stopwatch.StartNew(); while (w.Elapsed.TotalMilliseconds < 1.0) { } };

        var configurations = new (string Name, DataLoaderOptions Options, Action Work, int Epochs)[]
        {
            ("no augmentation", plain, none, 1),
            ("no augmentation, prefetch", plain with { Prefetch = true }, none, 1),
            ("crop 4 + flip", augmented, none, 1),
            ("crop 4 + flip, prefetch", augmented with { Prefetch = true }, none, 1),
            ("crop 4 + flip, + 4 matmuls 256²", augmented, matmul, 1),
            ("crop 4 + flip, + 4 matmuls 256², prefetch", augmented with { Prefetch = true }, matmul, 1),
            ("crop 4 + flip, + 1 ms busy host", augmented, spin, 1),
            ("crop 4 + flip, + 1 ms busy host, prefetch", augmented with { Prefetch = true }, spin, 1),
        };
        var timings = configurations.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repetitions; r++)
        {
            for (int i = 0; i < configurations.Length; i++)
                timings[i].Add(MillisecondsPerBatch(train, configurations[i].Options, configurations[i].Work, epoch: r));
        }
        Console.WriteLine($"{"configuration (batch 128)",-46} {"best",16} {"median",16}");
        for (int i = 0; i < configurations.Length; i++)
        {
            double[] ms = [.. timings[i].Order()];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{configurations[i].Name,-46} {1000 / ms[0],7:F0} batches/s {1000 / ms[ms.Length / 2],7:F0} batches/s   ({ms[0]:F3} / {ms[ms.Length / 2]:F3} ms per batch)"));
        }
    }

    private static double MillisecondsPerBatch(ImageDataset data, DataLoaderOptions options, Action work, int epoch)
    {
        var loader = new DataLoader(data, options);
        foreach (Batch warmUp in loader.Epoch(epoch + 1000)) { warmUp.Dispose(); break; }
        var clock = Stopwatch.StartNew();
        int batches = 0;
        foreach (Batch batch in loader.Epoch(epoch))
        {
            work();
            batch.Dispose();
            batches++;
        }
        return clock.Elapsed.TotalMilliseconds / batches;
    }
}
