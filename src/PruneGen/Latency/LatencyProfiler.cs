using System.Diagnostics;
using System.Globalization;
using PruneGen.Layers;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Latency;

/// <summary>How repeated timings of one entry become its latency.</summary>
public enum LatencyStatistic
{
    Median,
    Minimum,
}

/// <summary>How the profiler measures. Batch, threads, device and memory format become the table's key.</summary>
public sealed record LatencyProfilerOptions
{
    public int Batch { get; init; } = 128;

    /// <summary>libtorch intra-op threads while profiling (restored afterwards).</summary>
    public int Threads { get; init; } = torch.DefaultThreadCount;

    /// <summary>Untimed forward passes per entry (allocator and kernel caches settle).</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>Timed forward passes per entry; the entry is their median (or minimum, see <see cref="Statistic"/>).</summary>
    public int Repeats { get; init; } = 10;

    /// <summary>Passes over the whole table; each entry is the median of its rounds.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>
    /// Median (METHODS.md) by default. <see cref="LatencyStatistic.Minimum"/> suits a shared machine:
    /// other processes only ever add time (preempted OpenMP threads stall a whole parallel region), so
    /// the fastest pass is the closest to the layer's own cost.
    /// </summary>
    public LatencyStatistic Statistic { get; init; } = LatencyStatistic.Median;

    /// <summary>The trainer's layout: channels_last is the faster one on these CPUs (ARCHITECTURE.md).</summary>
    public MemoryFormat MemoryFormat { get; init; } = MemoryFormat.ChannelsLast;

    public Device Device { get; init; } = torch.CPU;

    public void Validate()
    {
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "the batch size must be at least 1");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "the thread count must be at least 1");
        if (Warmup < 0) throw new ArgumentOutOfRangeException(nameof(Warmup), Warmup, "warm-up passes cannot be negative");
        if (Repeats < 1) throw new ArgumentOutOfRangeException(nameof(Repeats), Repeats, "at least one timed pass is needed");
        if (Rounds < 1) throw new ArgumentOutOfRangeException(nameof(Rounds), Rounds, "at least one round is needed");
        if (MemoryFormat is not (MemoryFormat.ChannelsLast or MemoryFormat.Contiguous))
            throw new ArgumentOutOfRangeException(nameof(MemoryFormat), MemoryFormat, "profile in channels_last or contiguous");
    }
}

/// <summary>
/// Measures a network's bilayer latency table on this machine: for every operation of the network
/// (<see cref="LatencyModel.Grids"/>) and every reachable (c_in, c_out), the layer is built as the
/// network runs it (conv + BN [+ ReLU] from <see cref="ConvBn"/>, or a linear layer) and its forward
/// pass is timed in eval mode without gradients.
/// </summary>
public static class LatencyProfiler
{
    /// <summary>The key a table profiled now, on this machine, with <paramref name="options"/> would carry.</summary>
    public static LatencyTableKey KeyFor(NetworkStructure structure, LatencyProfilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new LatencyTableKey(DeviceDescription(options.Device), options.Threads, options.Batch, torch.__version__,
            MemoryFormatName(options.MemoryFormat), StructureSignature.Of(structure), StatisticName(options.Statistic));
    }

    public static LatencyTable Profile(NetworkStructure structure, LatencyProfilerOptions options, Action<string>? progress = null)
    {
        LatencyTableKey key = KeyFor(structure, options);
        IReadOnlyList<LatencyGrid> grids = LatencyModel.Grids(structure);
        int total = grids.Sum(g => g.Pairs.Count);
        int previousThreads = get_num_threads();
        var stopwatch = Stopwatch.StartNew();
        var measured = new List<(LatencyOperation Op, int In, int Out, double Ms)>(total);
        set_num_threads(options.Threads);
        try
        {
            // Rounds over the whole table, each entry's value the median of its rounds: a burst of load on
            // a shared machine spoils one round of a few entries, not the table.
            var rounds = grids.Select(g => g.Pairs.ToDictionary(p => p, _ => new List<double>())).ToArray();
            LatencyOperation[] operations = grids.Select(g => LatencyOperation.Of(structure, g)).ToArray();
            for (int round = 0; round < options.Rounds; round++)
            {
                for (int k = 0; k < grids.Count; k++)
                {
                    LatencyGrid grid = grids[k];
                    LatencyOperation operation = operations[k];
                    progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                        $"profiling {operation}: {grid.Pairs.Count} entries (round {round + 1}/{options.Rounds}, {stopwatch.Elapsed.TotalSeconds:F1} s)"));
                    var entries = new Dictionary<(int In, int Out), double>();
                    foreach (var (inChannels, outChannels) in grid.Pairs)
                        entries[(inChannels, outChannels)] = Measure(operation, inChannels, outChannels, options);
                    // An entry slower than a larger one of its grid was most likely slowed by something else
                    // on the machine: measure it once more and keep the faster.
                    foreach (var pair in SuspectEntries(entries))
                        entries[pair] = Math.Min(entries[pair], Measure(operation, pair.In, pair.Out, options));
                    foreach (var (pair, ms) in entries) rounds[k][pair].Add(ms);
                }
            }
            for (int k = 0; k < grids.Count; k++)
                foreach (var ((inChannels, outChannels), values) in rounds[k])
                    measured.Add((operations[k], inChannels, outChannels, Timings.Median(values)));
        }
        finally
        {
            set_num_threads(previousThreads);
        }
        stopwatch.Stop();

        var table = new LatencyTable(key, structure.Name,
            new LatencyMeasurement(options.Warmup, options.Repeats, stopwatch.Elapsed.TotalSeconds, DateTimeOffset.UtcNow));
        foreach (var (op, i, o, ms) in measured) table.Set(op, i, o, ms);
        return table;
    }

    /// <summary>Slower than this factor times an entry with at least as many input and output channels: an entry to measure again.</summary>
    public const double SuspectFactor = 1.5;

    /// <summary>
    /// Entries of one grid that take over <see cref="SuspectFactor"/> times as long as an entry with at
    /// least as many input and output channels. More channels never make a layer that much faster, so
    /// such an entry was most likely slowed down by something else on the machine.
    /// </summary>
    public static IReadOnlyList<(int In, int Out)> SuspectEntries(IReadOnlyDictionary<(int In, int Out), double> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var suspects = new List<(int, int)>();
        foreach (var (pair, ms) in entries)
            if (entries.Any(e => e.Key != pair && e.Key.In >= pair.In && e.Key.Out >= pair.Out && ms > SuspectFactor * e.Value))
                suspects.Add(pair);
        return suspects;
    }

    /// <summary>
    /// The stored table at <paramref name="path"/> when its key matches this machine, the options and the
    /// network; otherwise a fresh profile, saved there (the log says why the stored one was not used).
    /// </summary>
    public static LatencyTable LoadOrProfile(string path, NetworkStructure structure, LatencyProfilerOptions options, Action<string>? log = null)
    {
        LatencyTableKey key = KeyFor(structure, options);
        if (File.Exists(path))
        {
            try
            {
                LatencyTable stored = LatencyTableFile.Load(path, key);
                log?.Invoke($"latency table: reusing '{path}' ({stored.Count} entries, {key.Device}, {key.Threads} threads, batch {key.Batch})");
                return stored;
            }
            catch (LatencyTableMismatchException e)
            {
                log?.Invoke($"latency table: not reusing '{path}' ({string.Join("; ", e.Differences)}); profiling again");
            }
            catch (InvalidDataException e)
            {
                log?.Invoke($"latency table: not reusing '{path}' ({e.Message}); profiling again");
            }
        }
        LatencyTable table = Profile(structure, options, log);
        LatencyTableFile.Save(table, path);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"latency table: {table.Count} entries profiled in {table.Measurement.ProfilingSeconds:F1} s, saved to '{path}'"));
        return table;
    }

    /// <summary>Median (or minimum) forward time in milliseconds of one operation at (c_in, c_out).</summary>
    public static double Measure(LatencyOperation operation, int inChannels, int outChannels, LatencyProfilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (operation.Key.Depthwise && inChannels != outChannels)
            throw new ArgumentException($"a depthwise layer keeps its channels; {inChannels} -> {outChannels} cannot be measured", nameof(outChannels));

        using var scope = NewDisposeScope();
        using var grad = no_grad();
        LatencyKey key = operation.Key;
        if (key.IsElementWise) return MeasureElementWise(key, outChannels, options);
        nn.Module<Tensor, Tensor> layer;
        Tensor input;
        if (key.Kind == LatencyKind.Conv)
        {
            var spec = new ConvSpec("probe", inChannels, outChannels, key.Kernel, key.Stride, key.Padding, key.Depthwise, operation.Relu, Gate: null);
            layer = operation.Relu ? new ConvBnRelu(spec) : new ConvBn(spec);
            input = randn([options.Batch, inChannels, key.InputSize, key.InputSize]);
            if (options.MemoryFormat == MemoryFormat.ChannelsLast)
            {
                layer.to(MemoryFormat.ChannelsLast);
                input = input.contiguous(MemoryFormat.ChannelsLast);
            }
        }
        else
        {
            layer = new LinearProbe(inChannels, outChannels, operation.Bias, operation.Relu);
            input = randn([options.Batch, inChannels]);
        }
        using (layer)
        {
            layer.to(options.Device);
            input = input.to(options.Device);
            layer.eval();
            bool synchronize = options.Device.type != DeviceType.CPU;
            for (int i = 0; i < options.Warmup; i++) RunOnce(layer, input, synchronize);
            var times = new double[options.Repeats];
            for (int i = 0; i < options.Repeats; i++)
            {
                long start = Stopwatch.GetTimestamp();
                RunOnce(layer, input, synchronize);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            return options.Statistic == LatencyStatistic.Minimum ? times.Min() : Timings.Median(times);
        }
    }

    private static void RunOnce(nn.Module<Tensor, Tensor> layer, Tensor input, bool synchronize)
    {
        using Tensor output = layer.forward(input);
        if (synchronize) Synchronize(output);
    }

    // The binding has no cuda.synchronize; reading one element back waits for the kernels.
    private static void Synchronize(Tensor output)
    {
        using Tensor first = output.flatten()[0];
        using Tensor host = first.cpu();
        _ = host.ToDouble();
    }

    /// <summary>Bytes of tensors the element-wise probes cycle through, so each pass reads memory no recent pass touched.</summary>
    public const long ElementWiseWorkingSetBytes = 128L << 20;

    /// <summary>
    /// Times a residual sum (+ ReLU) or a removed block's relu copy on (batch, c, size, size) tensors.
    /// In the network their operands were written one or two layers earlier and are no longer in the
    /// core's cache, and memory-bound operations cost up to twice as much on cold operands as on the
    /// hot ones a repeated probe would see; so each pass takes the next of several operand sets that
    /// together exceed the caches (<see cref="ElementWiseWorkingSetBytes"/>).
    /// </summary>
    private static double MeasureElementWise(LatencyKey key, int channels, LatencyProfilerOptions options)
    {
        long bytes = 4L * options.Batch * channels * key.InputSize * key.InputSize;
        int sets = (int)Math.Clamp(ElementWiseWorkingSetBytes / Math.Max(1, 2 * bytes), 2, 64);
        var branches = new Tensor[sets];
        var shortcuts = new Tensor[sets];
        for (int s = 0; s < sets; s++)
        {
            branches[s] = NewOperand(options, channels, key.InputSize);
            shortcuts[s] = NewOperand(options, channels, key.InputSize);
        }
        bool synchronize = options.Device.type != DeviceType.CPU;
        int pass = 0;
        void RunOne()
        {
            int s = pass++ % sets;
            if (key.Kind == LatencyKind.ReluCopy)
            {
                using Tensor copy = shortcuts[s].relu();
                if (synchronize) Synchronize(copy);
                return;
            }
            // In place: add_ and relu_ return the branch itself, which must not be disposed here.
            Tensor sum = branches[s].add_(shortcuts[s]);
            if (key.Kind == LatencyKind.ResidualSumRelu) sum.relu_();
            if (synchronize) Synchronize(sum);
        }
        for (int i = 0; i < options.Warmup; i++) RunOne();
        var times = new double[options.Repeats];
        for (int i = 0; i < options.Repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            RunOne();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return options.Statistic == LatencyStatistic.Minimum ? times.Min() : Timings.Median(times);
    }

    private static Tensor NewOperand(LatencyProfilerOptions options, int channels, int size)
    {
        Tensor operand = randn([options.Batch, channels, size, size]);
        if (options.MemoryFormat == MemoryFormat.ChannelsLast) operand = operand.contiguous(MemoryFormat.ChannelsLast);
        return operand.to(options.Device);
    }

    public static string StatisticName(LatencyStatistic statistic) => statistic == LatencyStatistic.Minimum ? "min" : "median";

    public static string MemoryFormatName(MemoryFormat format) => format switch
    {
        MemoryFormat.ChannelsLast => "channels_last",
        MemoryFormat.Contiguous => "contiguous",
        _ => format.ToString(),
    };

    /// <summary>"cpu: &lt;model name&gt;" from /proc/cpuinfo where there is one; "cuda:N" for a GPU.</summary>
    public static string DeviceDescription(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CPU) return device.index < 0 ? $"{device}:0" : device.ToString();
        try
        {
            string? model = File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
            return model is { Length: > 0 } ? $"cpu: {model}" : "cpu";
        }
        catch (IOException)
        {
            return "cpu";
        }
        catch (UnauthorizedAccessException)
        {
            return "cpu";
        }
    }

    /// <summary>A linear layer (+ ReLU) as the network's hidden layers and classifier run it after flattening.</summary>
    private sealed class LinearProbe : nn.Module<Tensor, Tensor>
    {
        private readonly Torch.Modules.Linear _linear;
        private readonly bool _relu;

        public LinearProbe(int inFeatures, int outFeatures, bool bias, bool relu) : base("probe")
        {
            _linear = nn.Linear(inFeatures, outFeatures, hasBias: bias);
            _relu = relu;
            register_module("linear", _linear);
        }

        public override Tensor forward(Tensor input)
        {
            Tensor output = _linear.forward(input);
            if (_relu) output.relu_();
            return output;
        }
    }
}
