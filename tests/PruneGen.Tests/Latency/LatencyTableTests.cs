using PruneGen.Latency;
using PruneGen.Structure;
using PruneGen.Tests.Mdp;
using PruneGen.Torch;

namespace PruneGen.Tests.Latency;

/// <summary>The profiler on a two-layer network, the LUT file's round trip and key checks, and interpolation.</summary>
[Collection(TorchGlobalState.Name)] // the profiler sets libtorch's thread count and times passes: alone, not beside other classes
public sealed class LatencyTableTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "prunegen-lut-tests-" + Guid.NewGuid().ToString("N"));

    // Tiny on purpose: batch 2, one warm-up, three timed passes.
    private static readonly LatencyProfilerOptions Tiny = new() { Batch = 2, Threads = 1, Warmup = 1, Repeats = 3 };

    public LatencyTableTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ProfilingMeasuresEveryReachablePairOfEveryOperation()
    {
        NetworkStructure structure = TwoLayerNet.Structure;

        LatencyTable table = LatencyProfiler.Profile(structure, Tiny);

        // conv1: 3 input channels -> widths {4, 8}; head: {4, 8} -> 4 classes.
        Assert.Equal(4, table.Count);
        Assert.Empty(table.MissingEntries(structure));
        foreach (LatencyGrid grid in LatencyModel.Grids(structure))
            foreach (var (i, o) in grid.Pairs)
                Assert.True(table.GetLatency(grid.Key, i, o) > 0, $"{grid.Key} {i}->{o}");
        Assert.Equal(LatencyProfiler.KeyFor(structure, Tiny), table.Key);
        Assert.Equal("channels_last", table.Key.MemoryFormat);
        Assert.Equal(torch.__version__, table.Key.LibTorchVersion);
        Assert.StartsWith("cpu", table.Key.Device, StringComparison.Ordinal);
        Assert.Contains(table.Operations, op => op.Key.Kind == LatencyKind.Conv && op.BatchNorm && op.Relu);
        Assert.Contains(table.Operations, op => op.Key.Kind == LatencyKind.Linear && op.Bias && !op.Relu);
        Assert.True(table.Measurement.ProfilingSeconds > 0);
        Assert.Equal(3, table.Measurement.Repeats);
        Assert.Equal("median", table.Key.Statistic);
        Assert.Equal("min", LatencyProfiler.KeyFor(structure, Tiny with { Statistic = LatencyStatistic.Minimum }).Statistic);
    }

    [Fact]
    public void AResidualNetworkAlsoGetsItsSumsAndTheRemovedBlocksReluCopyTimed()
    {
        NetworkStructure structure = Mdp.ToyResNet.Structure;

        LatencyTable table = LatencyProfiler.Profile(structure, Tiny);

        Assert.Empty(table.MissingEntries(structure));
        LatencyOperation sum = Assert.Single(table.Operations, op => op.Key.Kind == LatencyKind.ResidualSumRelu);
        Assert.True(sum.Relu);
        Assert.Contains(table.Operations, op => op.Key.Kind == LatencyKind.ReluCopy);
        // Element-wise operations have one channel count.
        Assert.All(table.EntriesOf(sum.Key).Keys, pair => Assert.Equal(pair.In, pair.Out));
        Assert.All(table.EntriesOf(sum.Key).Values, ms => Assert.True(ms > 0));
        double full = LatencyModel.Predict(structure, structure.FullGroupWidths(), structure.AllBlocksKept(), table);
        double layersOnly = structure.Layers.Sum(l => table.GetLatency(LatencyKey.Of(l), structure.Groups[l.InputGroup].Size, structure.Groups[l.OutputGroup].Size));
        Assert.True(full > layersOnly, $"prediction {full} ms, layers alone {layersOnly} ms");
    }

    [Fact]
    public void AnEntrySlowerThanALargerOneIsSuspectAndNothingElseIs()
    {
        var entries = new Dictionary<(int In, int Out), double>
        {
            [(4, 4)] = 1.0, [(4, 8)] = 1.9, [(8, 4)] = 1.8, [(8, 8)] = 3.0,
            [(4, 12)] = 9.0, // a burst of load: slower than (8, 12) and than nothing below it
            [(8, 12)] = 4.0,
        };

        Assert.Equal([(4, 12)], LatencyProfiler.SuspectEntries(entries));
        entries[(4, 12)] = 2.7; // measured again
        Assert.Empty(LatencyProfiler.SuspectEntries(entries));
        // A small inversion (timing noise between near-equal entries) is not flagged.
        entries[(4, 8)] = 2.0;
        entries[(8, 8)] = 1.9;
        Assert.Empty(LatencyProfiler.SuspectEntries(entries));
    }

    [Fact]
    public void ALargerLayerMeasuresSlower()
    {
        // 64 -> 64 channels is 256 times the MACs of 4 -> 4 (tens of ms against a fraction of one); the
        // minimum of 9 passes keeps a preempted pass (a busy CI machine) from closing that gap.
        var op = new LatencyOperation(new LatencyKey(LatencyKind.Conv, 3, 1, 1, 32, false), BatchNorm: true, Relu: true, Bias: false);
        var options = Tiny with { Batch = 8, Repeats = 9, Statistic = LatencyStatistic.Minimum };
        double small = LatencyProfiler.Measure(op, 4, 4, options);
        double large = LatencyProfiler.Measure(op, 64, 64, options);
        Assert.True(large > 2 * small, $"4->4: {small} ms, 64->64: {large} ms");
    }

    [Fact]
    public void ATableSurvivesTheRoundTripThroughItsFile()
    {
        LatencyTable table = SyntheticTable(ToyResNet.Structure);
        string path = Path.Combine(_folder, "toy.lut.json");

        LatencyTableFile.Save(table, path);
        LatencyTable loaded = LatencyTableFile.Load(path, table.Key);

        Assert.Equal(table.Key, loaded.Key);
        Assert.Equal(table.Network, loaded.Network);
        Assert.Equal(table.Measurement with { CreatedUtc = default }, loaded.Measurement with { CreatedUtc = default });
        Assert.Equal(table.Measurement.CreatedUtc.ToUnixTimeMilliseconds(), loaded.Measurement.CreatedUtc.ToUnixTimeMilliseconds());
        Assert.Equal(table.Operations.OrderBy(o => o.ToString()), loaded.Operations.OrderBy(o => o.ToString()));
        Assert.Equal(table.Count, loaded.Count);
        foreach (LatencyOperation op in table.Operations)
            Assert.Equal(table.EntriesOf(op.Key), loaded.EntriesOf(op.Key)); // bit-exact: written with round-trip precision
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => f.Contains(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void AKeyMismatchNamesEveryDifferingField()
    {
        LatencyTable table = SyntheticTable(ToyResNet.Structure);
        string path = Path.Combine(_folder, "toy.lut.json");
        LatencyTableFile.Save(table, path);

        var requested = table.Key with { Threads = table.Key.Threads + 3, Batch = 64, Statistic = "min" };
        var error = Assert.Throws<LatencyTableMismatchException>(() => LatencyTableFile.Load(path, requested));

        Assert.Equal(3, error.Differences.Count);
        Assert.Contains("statistic: stored median, requested min", error.Message);
        Assert.Contains($"threads: stored {table.Key.Threads}, requested {table.Key.Threads + 3}", error.Message);
        Assert.Contains("batch: stored 128, requested 64", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void TheSignatureFollowsTheGridsNotTheNetworkName()
    {
        string toy = StructureSignature.Of(ToyResNet.Structure);
        Assert.Equal(toy, StructureSignature.Of(ToyResNet.Structure));
        Assert.NotEqual(toy, StructureSignature.Of(TwoLayerNet.Structure));
        Assert.Matches("^[0-9a-f]{16}$", toy);
    }

    [Fact]
    public void AStoredTableIsReusedWhenItsKeyMatchesAndReprofiledWhenNot()
    {
        NetworkStructure structure = TwoLayerNet.Structure;
        string path = Path.Combine(_folder, "two.lut.json");
        var log = new List<string>();

        LatencyTable first = LatencyProfiler.LoadOrProfile(path, structure, Tiny, log.Add);
        LatencyTable again = LatencyProfiler.LoadOrProfile(path, structure, Tiny, log.Add);
        LatencyTable otherBatch = LatencyProfiler.LoadOrProfile(path, structure, Tiny with { Batch = 3 }, log.Add);

        Assert.True(File.Exists(path));
        Assert.Equal(first.Measurement.CreatedUtc.ToUnixTimeMilliseconds(), again.Measurement.CreatedUtc.ToUnixTimeMilliseconds());
        Assert.Contains(log, l => l.Contains("reusing", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("batch: stored 2, requested 3", StringComparison.Ordinal));
        Assert.Equal(3, otherBatch.Key.Batch);
        Assert.Equal(3, LatencyTableFile.Load(path).Key.Batch);
    }

    [Fact]
    public void MissingEntriesFailUnlessInterpolationIsAskedFor()
    {
        var key = new LatencyKey(LatencyKind.Conv, 3, 1, 1, 8, false);
        var op = new LatencyOperation(key, true, true, false);
        var table = new LatencyTable(new LatencyTableKey("cpu", 1, 1, "1.13.1", "channels_last", "x"), "toy", new LatencyMeasurement(0, 1, 0, DateTimeOffset.UnixEpoch));
        // A bilinear function of (c_in, c_out) measured on the even lattice; bilinear interpolation reproduces it exactly.
        static double F(int i, int o) => 0.5 + 0.1 * i + 0.02 * o + 0.003 * i * o;
        foreach (int i in new[] { 2, 4, 8 })
            foreach (int o in new[] { 2, 4, 8 })
                table.Set(op, i, o, F(i, o));

        var missing = Assert.Throws<MissingLatencyEntryException>(() => table.GetLatency(key, 3, 6));
        Assert.Contains("3 -> 6", missing.Message);

        table.Interpolate = true;
        Assert.Equal(F(3, 6), table.GetLatency(key, 3, 6), 12);
        Assert.Equal(F(4, 5), table.GetLatency(key, 4, 5), 12);
        Assert.Equal(F(8, 8), table.GetLatency(key, 8, 8), 12);
        // Never extrapolated.
        Assert.False(table.TryGetLatency(key, 9, 4, out _));
        Assert.False(table.TryGetLatency(key, 1, 4, out _));
        Assert.False(table.TryGetLatency(key with { Stride = 2 }, 4, 4, out _));
    }

    [Fact]
    public void UnreadableFilesAreReportedWithTheirPath()
    {
        string path = Path.Combine(_folder, "broken.lut.json");
        File.WriteAllText(path, "{\"format\": \"something-else\", \"version\": 1}");
        var error = Assert.Throws<InvalidDataException>(() => LatencyTableFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("something-else", error.Message);

        Assert.Throws<FileNotFoundException>(() => LatencyTableFile.Load(Path.Combine(_folder, "absent.json")));
    }

    /// <summary>A table for every pair of the structure's grids with made-up (positive, distinct) latencies.</summary>
    internal static LatencyTable SyntheticTable(NetworkStructure structure, Func<LatencyKey, int, int, double>? latency = null)
    {
        latency ??= (k, i, o) => 0.01 * k.Kernel * k.Kernel * i * o * k.InputSize * k.InputSize / 1000.0 + 0.05 + 1e-9 * (i * 31 + o);
        var key = new LatencyTableKey("cpu: synthetic", 2, 128, "1.13.1", "channels_last", StructureSignature.Of(structure));
        var table = new LatencyTable(key, structure.Name, new LatencyMeasurement(3, 10, 1.5, DateTimeOffset.UtcNow));
        foreach (LatencyGrid grid in LatencyModel.Grids(structure))
        {
            LatencyOperation op = LatencyOperation.Of(structure, grid);
            foreach (var (i, o) in grid.Pairs) table.Set(op, i, o, latency(grid.Key, i, o));
        }
        return table;
    }
}
