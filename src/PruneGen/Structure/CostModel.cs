namespace PruneGen.Structure;

/// <summary>
/// Per-layer MACs and parameter counts for any widths, read from a <see cref="NetworkStructure"/>.
/// The generator also emits the same formulas in closed form per network (<c>Macs(Widths)</c>); this
/// generic version serves summaries and methods that work on any network, and cross-checks the
/// emitted code in tests.
/// </summary>
/// <remarks>
/// MACs count convolutions and linear layers only (BN, activations, pooling and sums are left out);
/// parameters count conv/linear weights and biases and the BN affine weight and bias (running
/// statistics are buffers, not parameters).
/// </remarks>
public static class CostModel
{
    /// <summary>Multiply-accumulates of one layer at the given input and output widths.</summary>
    public static long LayerMacs(LayerInfo layer, int inWidth, int outWidth) =>
        WeightCount(layer, inWidth, outWidth) * layer.OutputPositions;

    /// <summary>Parameters of one layer (weights, bias, BN weight and bias) at the given widths.</summary>
    public static long LayerParams(LayerInfo layer, int inWidth, int outWidth)
    {
        long count = WeightCount(layer, inWidth, outWidth);
        if (layer.HasBias) count += outWidth;
        if (layer.HasBatchNorm) count += 2L * outWidth;
        return count;
    }

    private static long WeightCount(LayerInfo layer, int inWidth, int outWidth)
    {
        long k2 = (long)layer.Kernel * layer.Kernel;
        // A depthwise conv has one k x k filter per channel; its input and output are the same group.
        return layer.Depthwise ? k2 * outWidth : k2 * inWidth * outWidth;
    }

    /// <summary>Whether a layer exists in a network whose blocks are kept as <paramref name="blocksKept"/> says.</summary>
    public static bool IsPresent(LayerInfo layer, IReadOnlyList<bool> blocksKept) =>
        layer.Block < 0 || layer.IsProjection || blocksKept[layer.Block];

    public static long Macs(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept) =>
        Sum(structure, groupWidths, blocksKept, LayerMacs);

    /// <summary>MACs of the full network as declared (every unit, every block).</summary>
    public static long FullMacs(NetworkStructure structure) => Macs(structure, structure.FullGroupWidths(), structure.AllBlocksKept());

    /// <summary>Parameters of the full network as declared.</summary>
    public static long FullParams(NetworkStructure structure) => Params(structure, structure.FullGroupWidths(), structure.AllBlocksKept());

    public static long Params(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept) =>
        Sum(structure, groupWidths, blocksKept, LayerParams);

    private static long Sum(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept,
        Func<LayerInfo, int, int, long> cost)
    {
        CheckLengths(structure, groupWidths, blocksKept);
        long total = 0;
        foreach (LayerInfo layer in structure.Layers)
            if (IsPresent(layer, blocksKept))
                total += cost(layer, groupWidths[layer.InputGroup], groupWidths[layer.OutputGroup]);
        return total;
    }

    internal static void CheckLengths(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        if (groupWidths.Count != structure.Groups.Count)
            throw new ArgumentException($"{structure.Name} has {structure.Groups.Count} channel groups but {groupWidths.Count} widths were given", nameof(groupWidths));
        if (blocksKept.Count != structure.Blocks.Count)
            throw new ArgumentException($"{structure.Name} has {structure.Blocks.Count} blocks but {blocksKept.Count} flags were given", nameof(blocksKept));
    }
}
