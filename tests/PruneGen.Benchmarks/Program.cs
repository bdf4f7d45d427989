using System.CommandLine;
using System.Globalization;
using PruneGen.Benchmarks;
using PruneGen.Benchmarks.Data;
using static PruneGen.Torch.torch;

// Benchmarks print figures (with the thread count); train-throughput's last line is
// `train_images_per_s=<value>` for scripts to read.
var threads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => Environment.ProcessorCount };

var steps = new Option<int>("--steps") { Description = "timed training steps", DefaultValueFactory = _ => 60 };
var warmup = new Option<int>("--warmup") { Description = "untimed steps first", DefaultValueFactory = _ => 5 };
var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 128 };
var format = new Option<string>("--memory-format") { Description = "channels_last or contiguous", DefaultValueFactory = _ => "channels_last" };
var network = new Option<string>("--network") { Description = "which ResNet-20: generated (gates off) or handwritten", DefaultValueFactory = _ => "generated" };
var data = new Option<string?>("--data") { Description = "Fashion-MNIST directory (default: the Debian package's)" };
var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 };
var train = new Command("train-throughput", "ResNet-20 training images/s on Fashion-MNIST") { steps, warmup, batch, threads, format, network, data, seed };
train.SetAction(result =>
{
    MemoryFormat memoryFormat = result.GetValue(format) switch
    {
        "channels_last" => MemoryFormat.ChannelsLast,
        "contiguous" => MemoryFormat.Contiguous,
        var other => throw new ArgumentException($"--memory-format: unknown value '{other}' (channels_last or contiguous)"),
    };
    var options = new TrainThroughput.Options(result.GetValue(steps), result.GetValue(warmup), result.GetValue(batch),
        result.GetValue(threads), memoryFormat, result.GetValue(network)!, result.GetValue(data), result.GetValue(seed));
    double imagesPerSecond = TrainThroughput.Run(options, Console.Out);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train_images_per_s={imagesPerSecond:F1}"));
    return 0;
});

var iterations = new Option<int>("--iterations") { Description = "optimizer steps per measurement", DefaultValueFactory = _ => 2000 };
var optimizerStep = new Command("optimizer-step", "SGD step time over ResNet-20's parameters: native vs managed loop") { iterations, threads };
optimizerStep.SetAction(result => OptimizerStepBenchmark.Run(result.GetValue(iterations), result.GetValue(threads)));

var repetitions = new Option<int>("--repetitions") { Description = "interleaved rounds per configuration", DefaultValueFactory = _ => 5 };
var loader = new Command("data-loader", "Fashion-MNIST batches/s with and without augmentation") { threads, repetitions };
loader.SetAction(result => DataLoaderBenchmark.Run(result.GetValue(threads), result.GetValue(repetitions)));

var emo = new Command("emo", "NSGA-II evaluations/s on ZDT1-3, hypervolume and GPIR timings") { repetitions };
emo.SetAction(result => EmoBenchmarks.Run(result.GetValue(repetitions)));

var rounds = new Option<int>("--rounds") { Description = "interleaved rounds (gates off, then sampled)", DefaultValueFactory = _ => 5 };
var catOverhead = new Command("cat-overhead", "CAT gate overhead per training step: ResNet-20, gates sampled vs off") { threads, steps, warmup, rounds, batch, format };
catOverhead.SetAction(result =>
{
    MemoryFormat memoryFormat = result.GetValue(format) == "contiguous" ? MemoryFormat.Contiguous : MemoryFormat.ChannelsLast;
    CatBenchmarks.Run(result.GetValue(threads), result.GetValue(steps), result.GetValue(warmup), result.GetValue(rounds), result.GetValue(batch), memoryFormat);
    return 0;
});

var catEpochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 4 };
var catNu = new Option<double>("--nu") { DefaultValueFactory = _ => 5.0 };
var catThetaLr = new Option<double>("--theta-lr") { DefaultValueFactory = _ => 2.0 };
var catEpochTimes = new Command("cat-epochs", "CAT per-epoch wall time as permanent pruning slims ResNet-20") { threads, catEpochs, steps, batch, catNu, catThetaLr, data };
catEpochTimes.SetAction(result =>
{
    CatBenchmarks.Epochs(result.GetValue(threads), result.GetValue(catEpochs), result.GetValue(steps), result.GetValue(batch), result.GetValue(catNu), result.GetValue(catThetaLr), result.GetValue(data));
    return 0;
});

var root = new RootCommand("PruneGen benchmarks") { train, optimizerStep, loader, emo, catOverhead, catEpochTimes };
foreach (var command in PruneGen.Benchmarks.Mdp.MdpBenchmarks.Commands()) root.Add(command);
return root.Parse(args).Invoke();
