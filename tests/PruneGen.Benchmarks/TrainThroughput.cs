using System.Diagnostics;
using PruneGen.Benchmarks.Networks;
using PruneGen.Data;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Benchmarks;

/// <summary>
/// Training throughput of ResNet-20 on Fashion-MNIST: forward, cross-entropy, backward and an SGD
/// step per batch, exactly as pytorch/train_throughput.py does it, so the two figures compare.
/// </summary>
public static class TrainThroughput
{
    public sealed record Options(int Steps, int Warmup, int Batch, int Threads, MemoryFormat MemoryFormat, string Network, string? DataDirectory, long Seed);

    public static double Run(Options o, TextWriter log)
    {
        set_num_threads(o.Threads);
        manual_seed(o.Seed);
        ImageDataset train = FashionMnist.Load(FashionMnistSplit.Train, o.DataDirectory);
        var loader = new DataLoader(train, new DataLoaderOptions
        {
            BatchSize = o.Batch,
            Seed = o.Seed,
            DropLast = true,
            Normalization = FashionMnist.Normalization,
            MemoryFormat = o.MemoryFormat,
        });

        using nn.Module<Tensor, Tensor> model = CreateNetwork(o.Network);
        model.to(o.MemoryFormat);
        model.train();
        // Gate θ (generated network) are not weights of the plain network; count what PyTorch counts.
        long parameters = model.named_parameters().Where(p => !p.name.StartsWith("gates.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        using var optimizer = optim.SGD(model.parameters(), lr: 0.1, momentum: 0.9, weight_decay: 5e-4);

        IEnumerator<Batch> batches = Batches(loader).GetEnumerator();
        double loss = 0;
        void Step()
        {
            using var scope = NewDisposeScope();
            batches.MoveNext();
            (Tensor images, Tensor labels) = batches.Current;
            optimizer.zero_grad();
            Tensor output = model.call(images);
            Tensor l = nn.functional.cross_entropy(output, labels);
            l.backward();
            optimizer.step();
            loss = l.ToDouble();
        }

        for (int i = 0; i < o.Warmup; i++) Step();
        // CPU time beside wall time: on a shared machine it is disturbed far less by other processes.
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < o.Steps; i++) Step();
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        double imagesPerSecond = o.Steps * o.Batch / seconds;
        log.WriteLine(FormattableString.Invariant(
            $"prunegen libtorch {__version__} network={o.Network} params={parameters} threads={o.Threads} batch={o.Batch} memory_format={Format(o.MemoryFormat)} steps={o.Steps} seconds={seconds:F2} cpu_seconds={cpuSeconds:F2} images_per_cpu_s={o.Steps * o.Batch / cpuSeconds:F1} final_loss={loss:F4}"));
        return imagesPerSecond;
    }

    internal static string Format(MemoryFormat format) => format == MemoryFormat.ChannelsLast ? "channels_last" : "contiguous";

    private static nn.Module<Tensor, Tensor> CreateNetwork(string name) => name switch
    {
        // The generated network with its gates off is the plain ResNet-20 (θ gets no gradient, so SGD skips it).
        "generated" => new PruneGen.Zoo.ResNet20(),
        "handwritten" => new HandWrittenResNet20(),
        _ => throw new ArgumentException($"unknown network '{name}': expected 'generated' or 'handwritten'"),
    };

    private static IEnumerable<Batch> Batches(DataLoader loader)
    {
        for (int epoch = 0; ; epoch++)
            foreach (Batch b in loader.Epoch(epoch)) yield return b;
    }
}
