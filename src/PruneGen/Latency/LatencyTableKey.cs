using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PruneGen.Structure;

namespace PruneGen.Latency;

/// <summary>
/// What a stored latency table is valid for: the machine and settings it was measured with and the
/// network grids it covers. A table is reused only when every field matches.
/// </summary>
/// <param name="Device">The device in words, e.g. "cpu: AMD EPYC 7B13" or "cuda:0".</param>
/// <param name="MemoryFormat">"channels_last" or "contiguous": the layout the layers ran in.</param>
/// <param name="Signature">Hash of the measured operations and their (c_in, c_out) grids (<see cref="StructureSignature"/>).</param>
/// <param name="Statistic">How repeated timings become an entry: "median" or "min".</param>
public sealed record LatencyTableKey(string Device, int Threads, int Batch, string LibTorchVersion, string MemoryFormat, string Signature, string Statistic = "median")
{
    /// <summary>One line per field that differs, "threads: stored 2, requested 4"; empty when the keys match.</summary>
    public IReadOnlyList<string> Differences(LatencyTableKey requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var differences = new List<string>();
        void Compare<T>(string field, T stored, T wanted)
        {
            if (!EqualityComparer<T>.Default.Equals(stored, wanted))
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{field}: stored {stored}, requested {wanted}"));
        }
        Compare("device", Device, requested.Device);
        Compare("threads", Threads, requested.Threads);
        Compare("batch", Batch, requested.Batch);
        Compare("libtorch", LibTorchVersion, requested.LibTorchVersion);
        Compare("memory format", MemoryFormat, requested.MemoryFormat);
        Compare("network signature", Signature, requested.Signature);
        Compare("statistic", Statistic, requested.Statistic);
        return differences;
    }
}

/// <summary>The operation a latency grid is measured with: the layer as the network runs it.</summary>
/// <param name="Relu">Measured with a ReLU after BN (or after the linear layer).</param>
public sealed record LatencyOperation(LatencyKey Key, bool BatchNorm, bool Relu, bool Bias)
{
    /// <summary>
    /// The operation of a grid. <see cref="LatencyKey"/> does not tell a conv + BN from a conv + BN + ReLU,
    /// so one grid may hold both; it is measured with the ReLU when any of its layers has one (the
    /// in-place ReLU is a small share of the layer's time, and it keeps the prediction on the safe side).
    /// </summary>
    public static LatencyOperation Of(NetworkStructure structure, LatencyGrid grid)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.Key.IsElementWise) return new LatencyOperation(grid.Key, BatchNorm: false, Relu: grid.Key.Kind != LatencyKind.ResidualSum, Bias: false);
        LayerInfo[] layers = grid.Layers.Select(i => structure.Layers[i]).ToArray();
        return new LatencyOperation(grid.Key, layers.Any(l => l.HasBatchNorm), layers.Any(l => l.HasRelu), layers.Any(l => l.HasBias));
    }

    public override string ToString() => Key.Kind switch
    {
        LatencyKind.Linear => $"linear{(Bias ? "" : " (no bias)")}{(Relu ? " + relu" : "")}",
        LatencyKind.Conv => $"{Key}{(BatchNorm ? " + bn" : "")}{(Relu ? " + relu" : "")}",
        _ => Key.ToString(),
    };
}

/// <summary>The structural signature of a network for its latency table: a hash of every measured operation and its grid.</summary>
public static class StructureSignature
{
    public static string Of(NetworkStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        // Canonical text: operations in a fixed order, pairs ascending, invariant numbers.
        var lines = LatencyModel.Grids(structure)
            .Select(grid =>
            {
                LatencyOperation op = LatencyOperation.Of(structure, grid);
                LatencyKey k = op.Key;
                string pairs = string.Join(";", grid.Pairs.OrderBy(p => p.In).ThenBy(p => p.Out).Select(p => $"{p.In},{p.Out}"));
                return string.Create(CultureInfo.InvariantCulture,
                    $"{k.Kind}|k{k.Kernel}|s{k.Stride}|p{k.Padding}|in{k.InputSize}|dw{(k.Depthwise ? 1 : 0)}|bn{(op.BatchNorm ? 1 : 0)}|relu{(op.Relu ? 1 : 0)}|bias{(op.Bias ? 1 : 0)}|{pairs}");
            })
            .Order(StringComparer.Ordinal);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        return Convert.ToHexStringLower(hash)[..16];
    }
}

/// <summary>A stored latency table that does not fit the requested device, settings or network.</summary>
public sealed class LatencyTableMismatchException(string path, IReadOnlyList<string> differences)
    : Exception($"the latency table '{path}' was measured for different conditions: {string.Join("; ", differences)}")
{
    public string Path { get; } = path;
    public IReadOnlyList<string> Differences { get; } = differences;
}
