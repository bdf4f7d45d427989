using PruneGen.Structure;

namespace PruneGen.Latency;

/// <summary>How a measured table was produced (stored with it, not part of its key).</summary>
/// <param name="Warmup">Untimed forward passes before timing each entry.</param>
/// <param name="Repeats">Timed forward passes per entry; the entry is their median or minimum (<see cref="LatencyTableKey.Statistic"/>).</param>
/// <param name="ProfilingSeconds">Wall-clock time the whole profile took.</param>
public sealed record LatencyMeasurement(int Warmup, int Repeats, double ProfilingSeconds, DateTimeOffset CreatedUtc);

/// <summary>
/// A measured bilayer latency lookup table, T(operation, c_in, c_out) in milliseconds, with the key
/// that says where and how it was measured. Lookups of pairs that were not measured fail, unless
/// <see cref="Interpolate"/> is set: then they are interpolated from measured neighbours.
/// </summary>
public sealed class LatencyTable : ILatencyTable
{
    private readonly Dictionary<LatencyKey, LatencyOperation> _operations = new();
    private readonly Dictionary<LatencyKey, SortedDictionary<(int In, int Out), double>> _entries = new();

    public LatencyTable(LatencyTableKey key, string network, LatencyMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Network = network;
        Measurement = measurement;
    }

    public LatencyTableKey Key { get; }

    /// <summary>The network the table was profiled for (informational; <see cref="LatencyTableKey.Signature"/> decides reuse).</summary>
    public string Network { get; }

    public LatencyMeasurement Measurement { get; }

    /// <summary>Answer lookups of unmeasured pairs by interpolating measured neighbours (bilinear inside the measured grid, never extrapolating).</summary>
    public bool Interpolate { get; set; }

    public IReadOnlyCollection<LatencyOperation> Operations => _operations.Values;

    public int Count => _entries.Values.Sum(e => e.Count);

    /// <summary>The measured entries of one operation, by (c_in, c_out) ascending.</summary>
    public IReadOnlyDictionary<(int In, int Out), double> EntriesOf(LatencyKey key) =>
        _entries.TryGetValue(key, out var entries) ? entries : new SortedDictionary<(int, int), double>();

    public void Set(LatencyOperation operation, int inChannels, int outChannels, double milliseconds)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"channel counts must be at least 1 (got {inChannels} -> {outChannels})");
        if (!double.IsFinite(milliseconds) || milliseconds < 0)
            throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "a latency must be finite and non-negative");
        if (_operations.TryGetValue(operation.Key, out LatencyOperation? known) && known != operation)
            throw new ArgumentException($"the table already measures {operation.Key} as '{known}', not '{operation}'", nameof(operation));
        _operations[operation.Key] = operation;
        if (!_entries.TryGetValue(operation.Key, out var entries))
            _entries[operation.Key] = entries = new SortedDictionary<(int, int), double>();
        entries[(inChannels, outChannels)] = milliseconds;
    }

    public bool TryGetLatency(LatencyKey key, int inChannels, int outChannels, out double milliseconds)
    {
        milliseconds = 0;
        if (!_entries.TryGetValue(key, out var entries)) return false;
        if (entries.TryGetValue((inChannels, outChannels), out milliseconds)) return true;
        return Interpolate && TryInterpolate(entries, inChannels, outChannels, out milliseconds);
    }

    /// <summary>The pairs of a structure's grids that the table lacks (empty: the table covers the network).</summary>
    public IReadOnlyList<(LatencyKey Key, int In, int Out)> MissingEntries(NetworkStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var missing = new List<(LatencyKey, int, int)>();
        foreach (LatencyGrid grid in LatencyModel.Grids(structure))
            foreach (var (i, o) in grid.Pairs)
                if (!_entries.TryGetValue(grid.Key, out var entries) || !entries.ContainsKey((i, o)))
                    missing.Add((grid.Key, i, o));
        return missing;
    }

    // Bilinear on the measured (c_in, c_out) lattice around the point: the nearest measured c_in values
    // below and above and, on each, the nearest c_out values below and above. Where the point lies on
    // a measured row or column the interpolation is linear; outside the measured range there is none.
    private static bool TryInterpolate(SortedDictionary<(int In, int Out), double> entries, int inChannels, int outChannels, out double milliseconds)
    {
        milliseconds = 0;
        int[] ins = entries.Keys.Select(k => k.In).Distinct().ToArray(); // ascending (sorted dictionary)
        if (!Bracket(ins, inChannels, out int inLow, out int inHigh)) return false;
        if (!AlongOut(entries, inLow, outChannels, out double low)) return false;
        if (inLow == inHigh)
        {
            milliseconds = low;
            return true;
        }
        if (!AlongOut(entries, inHigh, outChannels, out double high)) return false;
        milliseconds = Lerp(inLow, low, inHigh, high, inChannels);
        return true;
    }

    private static bool AlongOut(SortedDictionary<(int In, int Out), double> entries, int inChannels, int outChannels, out double milliseconds)
    {
        milliseconds = 0;
        int[] outs = entries.Keys.Where(k => k.In == inChannels).Select(k => k.Out).ToArray();
        if (!Bracket(outs, outChannels, out int outLow, out int outHigh)) return false;
        double low = entries[(inChannels, outLow)];
        milliseconds = outLow == outHigh ? low : Lerp(outLow, low, outHigh, entries[(inChannels, outHigh)], outChannels);
        return true;
    }

    private static bool Bracket(int[] ascending, int value, out int low, out int high)
    {
        low = high = 0;
        int below = Array.FindLastIndex(ascending, v => v <= value);
        int above = Array.FindIndex(ascending, v => v >= value);
        if (below < 0 || above < 0) return false;
        low = ascending[below];
        high = ascending[above];
        return true;
    }

    private static double Lerp(int x0, double y0, int x1, double y1, int x) => y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}
