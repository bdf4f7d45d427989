using System.Runtime.CompilerServices;

namespace PruneGen.Structure;

/// <summary>What a latency table entry times.</summary>
public enum LatencyKind
{
    /// <summary>A conv layer as the network runs it: conv + BN [+ ReLU].</summary>
    Conv,

    /// <summary>A fully-connected layer [+ ReLU].</summary>
    Linear,

    /// <summary>The sum that closes a kept residual block: branch += shortcut, in place.</summary>
    ResidualSum,

    /// <summary>The same sum followed by an in-place ReLU.</summary>
    ResidualSumRelu,

    /// <summary>
    /// A removed identity block whose input may be negative: it still computes relu(input) into a new
    /// tensor, so the network stays exactly the gated one with the block gate at 0.
    /// </summary>
    ReluCopy,
}

/// <summary>
/// The signature of an operation whose latency a lookup table stores: everything but the channel counts.
/// Batch size, thread count, device and libtorch version are properties of the table, not of the key.
/// Element-wise operations (<see cref="LatencyKind.ResidualSum"/> and the like) have one channel count,
/// stored as c_in = c_out, like a depthwise layer.
/// </summary>
public readonly record struct LatencyKey(LatencyKind Kind, int Kernel, int Stride, int Padding, int InputSize, bool Depthwise)
{
    public static LatencyKey Of(LayerInfo layer) =>
        new(layer.Kind == LayerKind.Linear ? LatencyKind.Linear : LatencyKind.Conv, layer.Kernel, layer.Stride, layer.Padding, layer.InputSize, layer.Depthwise);

    /// <summary>An element-wise operation on (batch, c, size, size) tensors.</summary>
    public static LatencyKey ElementWise(LatencyKind kind, int size) =>
        kind is LatencyKind.Conv or LatencyKind.Linear
            ? throw new ArgumentOutOfRangeException(nameof(kind), kind, "conv and linear keys come from their layer")
            : new(kind, Kernel: 1, Stride: 1, Padding: 0, InputSize: size, Depthwise: true);

    /// <summary>Whether the key times an element-wise operation (one channel count) rather than a layer.</summary>
    public bool IsElementWise => Kind is LatencyKind.ResidualSum or LatencyKind.ResidualSumRelu or LatencyKind.ReluCopy;

    public override string ToString() => Kind switch
    {
        LatencyKind.Linear => "linear",
        LatencyKind.Conv => $"conv{(Depthwise ? "-dw" : "")} k{Kernel} s{Stride} p{Padding} in {InputSize}x{InputSize}",
        LatencyKind.ResidualSum => $"residual sum at {InputSize}x{InputSize}",
        LatencyKind.ResidualSumRelu => $"residual sum + relu at {InputSize}x{InputSize}",
        _ => $"relu copy of a removed block at {InputSize}x{InputSize}",
    };
}

/// <summary>
/// One operation of a network that costs time, with what its cost depends on: the widths of its input
/// and output groups (the same group for element-wise operations), and, for operations inside a
/// removable block, whether that block is kept.
/// </summary>
/// <param name="Layer">The conv or linear layer's index, or -1 for a block's element-wise operation.</param>
/// <param name="Block">The removable block the term depends on, or -1 when no block decision changes it.</param>
/// <param name="WhileRemoved">The term costs time while <paramref name="Block"/> is removed (a removed block's
/// pass-through), not while it is kept.</param>
public sealed record LatencyTerm(string Name, LatencyKey Key, int InputGroup, int OutputGroup, int Layer, int Block, bool WhileRemoved)
{
    /// <summary>Whether the term runs in a network whose blocks are kept as <paramref name="blocksKept"/> says.</summary>
    public bool IsPresent(IReadOnlyList<bool> blocksKept) => Block < 0 || blocksKept[Block] != WhileRemoved;
}

/// <summary>A signature with every (c_in, c_out) pair the search space can reach for it, and the layers that share it (none for element-wise keys).</summary>
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

/// <summary>Latency terms, grids and predictions for any structure (the generic twin of the emitted code).</summary>
public static class LatencyModel
{
    /// <summary>
    /// Every operation of the structure that costs time, in forward order: each conv and linear layer,
    /// and after a residual block's last layer the sum that closes it (with its ReLU when the block has
    /// one). A removable identity block with a ReLU after its sum gets one more term, present while it is
    /// removed: relu(input) into a new tensor, unless its input is already the output of a ReLU (the
    /// previous block in its stage ends in one), in which case the removed block passes its input on
    /// for free (<c>ResidualBlock.InputIsNonNegative</c>). Global pooling and flattening are not timed.
    /// </summary>
    public static IReadOnlyList<LatencyTerm> Terms(NetworkStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        return TermsOf.GetValue(structure, Build);
    }

    // Planners predict thousands of structures of one network: its terms are built once.
    private static readonly ConditionalWeakTable<NetworkStructure, IReadOnlyList<LatencyTerm>> TermsOf = new();

    private static IReadOnlyList<LatencyTerm> Build(NetworkStructure structure)
    {
        var terms = new List<LatencyTerm>();
        var lastLayerOfBlock = new Dictionary<int, int>();
        foreach (LayerInfo layer in structure.Layers)
            if (layer.Block >= 0) lastLayerOfBlock[layer.Block] = layer.Index;
        foreach (LayerInfo layer in structure.Layers)
        {
            bool inRemovableBranch = layer.Block >= 0 && !layer.IsProjection && structure.Blocks[layer.Block].Removable;
            terms.Add(new LatencyTerm(layer.Name, LatencyKey.Of(layer), layer.InputGroup, layer.OutputGroup, layer.Index,
                inRemovableBranch ? layer.Block : -1, WhileRemoved: false));
            if (layer.Block >= 0 && lastLayerOfBlock[layer.Block] == layer.Index)
                terms.AddRange(BlockTerms(structure, structure.Blocks[layer.Block], layer.OutputSize));
        }
        return terms;
    }

    private static IEnumerable<LatencyTerm> BlockTerms(NetworkStructure structure, BlockInfo block, int size)
    {
        if (block.Shortcut == ShortcutKind.None) yield break;
        int removable = block.Removable ? block.Index : -1;
        LatencyKind sum = block.ReluAfterSum ? LatencyKind.ResidualSumRelu : LatencyKind.ResidualSum;
        yield return new LatencyTerm(block.Name + ".sum", LatencyKey.ElementWise(sum, size), block.OutputGroup, block.OutputGroup, -1, removable, WhileRemoved: false);
        if (block.Removable && block.Shortcut == ShortcutKind.Identity && block.ReluAfterSum && !RemovedBlockPassesInputOn(structure, block))
            yield return new LatencyTerm(block.Name + ".removed", LatencyKey.ElementWise(LatencyKind.ReluCopy, size), block.InputGroup, block.OutputGroup, -1, block.Index, WhileRemoved: true);
    }

    /// <summary>
    /// Whether a removed identity block's relu(input) is the input itself: the previous block of its
    /// stage ends in a ReLU, so the input is non-negative whether that block is kept or removed.
    /// The runtime's stages apply the same rule when they are built.
    /// </summary>
    public static bool RemovedBlockPassesInputOn(NetworkStructure structure, BlockInfo block)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(block);
        IReadOnlyList<int> blocks = structure.Stages[block.Stage].Blocks;
        int position = IndexOf(blocks, block.Index);
        return position > 0 && structure.Blocks[blocks[position - 1]].ReluAfterSum;
    }

    private static int IndexOf(IReadOnlyList<int> items, int value)
    {
        for (int i = 0; i < items.Count; i++)
            if (items[i] == value) return i;
        return -1;
    }

    /// <summary>The distinct signatures of a structure with their reachable (c_in, c_out) pairs, in first-use order.</summary>
    public static IReadOnlyList<LatencyGrid> Grids(NetworkStructure structure)
    {
        var order = new List<LatencyKey>();
        var pairs = new Dictionary<LatencyKey, SortedSet<(int, int)>>();
        var layers = new Dictionary<LatencyKey, List<int>>();
        foreach (LatencyTerm term in Terms(structure))
        {
            LatencyKey key = term.Key;
            if (!pairs.TryGetValue(key, out SortedSet<(int, int)>? set))
            {
                order.Add(key);
                pairs[key] = set = new SortedSet<(int, int)>();
                layers[key] = new List<int>();
            }
            if (term.Layer >= 0) layers[key].Add(term.Layer);
            IReadOnlyList<int> inWidths = structure.Groups[term.InputGroup].ReachableWidths();
            IReadOnlyList<int> outWidths = structure.Groups[term.OutputGroup].ReachableWidths();
            // A depthwise layer and an element-wise operation keep their channel count.
            if (key.Depthwise)
                foreach (int w in outWidths) set.Add((w, w));
            else
                foreach (int i in inWidths)
                    foreach (int o in outWidths) set.Add((i, o));
        }
        return order.Select(k => new LatencyGrid(k, pairs[k].ToArray(), layers[k].ToArray())).ToArray();
    }

    /// <summary>Sum of the table's entries over the terms present at the given widths and blocks.</summary>
    public static double Predict(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept, ILatencyTable table)
    {
        CostModel.CheckLengths(structure, groupWidths, blocksKept);
        double total = 0;
        foreach (LatencyTerm term in Terms(structure))
            if (term.IsPresent(blocksKept))
                total += Latency(term, groupWidths, table);
        return total;
    }

    /// <summary>One term's table entry at the given widths (the term is assumed present).</summary>
    public static double Latency(LatencyTerm term, IReadOnlyList<int> groupWidths, ILatencyTable table)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(table);
        int output = groupWidths[term.OutputGroup];
        return table.GetLatency(term.Key, term.Key.Depthwise ? output : groupWidths[term.InputGroup], output);
    }
}
