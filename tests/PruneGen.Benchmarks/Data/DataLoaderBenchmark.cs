using System.Diagnostics;
using System.Globalization;
using PruneGen.Data;
using static PruneGen.Torch.torch;

namespace PruneGen.Benchmarks.Data;

/// <summary>
/// Loader throughput on Fashion-MNIST (batch 128) with and without augmentation, alone and next to
/// a consumer that works on each batch: libtorch matmuls on every thread (CPU training) or a busy
/// host thread with the other cores idle (what accelerator training looks like to the CPU).
/// Prints the best and the median wall time of several epochs per configuration (interleaved, so
/// that load changes on a shared machine hit every configuration alike) and, for the loader alone,
/// the process CPU time per batch, which a busy machine disturbs far less than wall time.
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
        using Tensor a = randn(128, 128), b = randn(128, 128);
        Action none = () => { };
        Action matmul = () => { using var s = NewDisposeScope(); for (int i = 0; i < 2; i++) a.mm(b); };
        Action spin = () => { var w = Stopwatch.StartNew(); while (w.Elapsed.TotalMilliseconds < 1.0) { } };

        var configurations = new (string Name, DataLoaderOptions Options, Action Work, int Epochs)[]
        {
            ("no augmentation", plain, none, 1),
            ("crop 4 + flip", augmented, none, 1),
            ("crop 4 + flip, + 2 matmuls 128²", augmented, matmul, 1),
            ("crop 4 + flip, + 1 ms busy host", augmented, spin, 1),
        };
        var timings = configurations.Select(_ => new List<(double Wall, double Cpu)>()).ToArray();
        for (int r = 0; r < repetitions; r++)
        {
            for (int i = 0; i < configurations.Length; i++)
                timings[i].Add(MillisecondsPerBatch(train, configurations[i].Options, configurations[i].Work, epoch: r));
        }
        Console.WriteLine($"{"configuration (batch 128)",-46} {"best",17} {"median",17}  wall ms/batch best/median, CPU ms/batch median");
        for (int i = 0; i < configurations.Length; i++)
        {
            double[] ms = [.. timings[i].Select(t => t.Wall).Order()];
            double[] cpu = [.. timings[i].Select(t => t.Cpu).Order()];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{configurations[i].Name,-46} {1000 / ms[0],7:F0} batches/s {1000 / ms[ms.Length / 2],7:F0} batches/s  {ms[0],7:F3} / {ms[ms.Length / 2],7:F3}, {cpu[cpu.Length / 2],7:F3}"));
        }
    }

    private static (double Wall, double Cpu) MillisecondsPerBatch(ImageDataset data, DataLoaderOptions options, Action work, int epoch)
    {
        var loader = new DataLoader(data, options);
        foreach (Batch warmUp in loader.Epoch(epoch + 1000)) { warmUp.Dispose(); break; }
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int batches = 0;
        foreach (Batch batch in loader.Epoch(epoch))
        {
            work();
            batch.Dispose();
            batches++;
        }
        double wall = clock.Elapsed.TotalMilliseconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        return (wall / batches, cpu / batches);
    }
}
