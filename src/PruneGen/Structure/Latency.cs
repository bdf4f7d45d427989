namespace PruneGen.Structure;

/// <summary>
/// The signature of a layer whose latency a lookup table stores: everything but the channel counts.
/// Batch size, thread count, device and libtorch version are properties of the table, not of the key.
/// The measured operation is the layer as the network runs it (conv + BN [+ ReLU], or linear).
/// </summary>
public readonly record struct LatencyKey(LayerKind Kind, int Kernel, int Stride, int Padding, int InputSize, bool Depthwise)
{
    public static LatencyKey Of(LayerInfo layer) =>
        new(layer.Kind, layer.Kernel, layer.Stride, layer.Padding, layer.InputSize, layer.Depthwise);

    public override string ToString() => Kind == LayerKind.Linear
        ? "linear"
        : $"conv{(Depthwise ? "-dw" : "")} k{Kernel} s{Stride} p{Padding} in {InputSize}x{InputSize}";
}

/// <summary>A signature with every (c_in, c_out) pair the search space can reach for it, and the layers that share it.</summary>
public sealed record LatencyGrid(LatencyKey Key, IReadOnlyList<(int In, int Out)> Pairs, IReadOnlyList<int> Layers);

/// <summary>Bilayer latency lookup: T(signature, c_in, c_out) in milliseconds.</summary>
public interface ILatencyTable
{
    bool TryGetLatency(LatencyKey key, int inChannels, int outChannels, out double milliseconds);
}

/// <summary>A lookup that has no entry for a layer the caller asked about.</summary>
public sealed class MissingLatencyEntryException(LatencyKey key, int inChannels, int outChannels)
    : KeyNotFoundException($"the latency table has no entry for {key} with {inChannels} -> {outChannels} channels")
{
    public LatencyKey Key { get; } = key;
    public int InChannels { get; } = inChannels;
    public int OutChannels { get; } = outChannels;
}

public static class LatencyTableExtensions
{
    /// <summary>The entry's latency in milliseconds; throws <see cref="MissingLatencyEntryException"/> when absent.</summary>
    public static double GetLatency(this ILatencyTable table, LatencyKey key, int inChannels, int outChannels) =>
        table.TryGetLatency(key, inChannels, outChannels, out double ms) ? ms : throw new MissingLatencyEntryException(key, inChannels, outChannels);
}

/// <summary>A latency table held in memory (the profiler fills one; tests build them by hand).</summary>
public sealed class InMemoryLatencyTable : ILatencyTable
{
    private readonly Dictionary<(LatencyKey, int, int), double> _entries = new();

    public int Count => _entries.Count;

    public void Set(LatencyKey key, int inChannels, int outChannels, double milliseconds)
    {
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"channel counts must be at least 1 (got {inChannels} -> {outChannels})");
        if (!double.IsFinite(milliseconds) || milliseconds < 0)
            throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "a latency must be finite and non-negative");
        _entries[(key, inChannels, outChannels)] = milliseconds;
    }

    public bool TryGetLatency(LatencyKey key, int inChannels, int outChannels, out double milliseconds) =>
        _entries.TryGetValue((key, inChannels, outChannels), out milliseconds);

    public IEnumerable<(LatencyKey Key, int In, int Out, double Milliseconds)> Entries =>
        _entries.Select(e => (e.Key.Item1, e.Key.Item2, e.Key.Item3, e.Value));
}

/// <summary>Latency grids and predictions for any structure (the generic twin of the emitted code).</summary>
public static class LatencyModel
{
    /// <summary>The distinct signatures of a structure with their reachable (c_in, c_out) pairs, in first-use order.</summary>
    public static IReadOnlyList<LatencyGrid> Grids(NetworkStructure structure)
    {
        var order = new List<LatencyKey>();
        var pairs = new Dictionary<LatencyKey, SortedSet<(int, int)>>();
        var layers = new Dictionary<LatencyKey, List<int>>();
        foreach (LayerInfo layer in structure.Layers)
        {
            LatencyKey key = LatencyKey.Of(layer);
            if (!pairs.TryGetValue(key, out SortedSet<(int, int)>? set))
            {
                order.Add(key);
                pairs[key] = set = new SortedSet<(int, int)>();
                layers[key] = new List<int>();
            }
            layers[key].Add(layer.Index);
            IReadOnlyList<int> inWidths = structure.Groups[layer.InputGroup].ReachableWidths();
            IReadOnlyList<int> outWidths = structure.Groups[layer.OutputGroup].ReachableWidths();
            if (layer.Depthwise)
                foreach (int w in outWidths) set.Add((w, w));
            else
                foreach (int i in inWidths)
                    foreach (int o in outWidths) set.Add((i, o));
        }
        return order.Select(k => new LatencyGrid(k, pairs[k].ToArray(), layers[k].ToArray())).ToArray();
    }

    /// <summary>Sum of the table's entries over the present layers at the given widths.</summary>
    public static double Predict(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept, ILatencyTable table)
    {
        CostModel.CheckLengths(structure, groupWidths, blocksKept);
        double total = 0;
        foreach (LayerInfo layer in structure.Layers)
            if (CostModel.IsPresent(layer, blocksKept))
                total += table.GetLatency(LatencyKey.Of(layer), groupWidths[layer.InputGroup], groupWidths[layer.OutputGroup]);
        return total;
    }
}
