using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// The choices open to a one-shot pruning step from a network's current state: for every prunable
/// group the widths it may shrink to, for every present removable block whether it may go, and
/// which layers still exist. Shared by MDP and its baselines so they search the same space.
/// </summary>
public sealed class PruningSpace
{
    private readonly IReadOnlyList<int>?[] _options;
    private readonly int[] _ownerBlock;

    /// <param name="currentWidths">The network's current width of every group.</param>
    /// <param name="currentBlocks">The network's current block flags.</param>
    public PruningSpace(NetworkStructure structure, IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks)
    {
        ArgumentNullException.ThrowIfNull(structure);
        CostModel.CheckLengths(structure, currentWidths, currentBlocks);
        Structure = structure;
        CurrentWidths = currentWidths.ToArray();
        CurrentBlocks = currentBlocks.ToArray();

        _ownerBlock = structure.Groups.Select(OwnerBlockOf).ToArray();
        _options = new IReadOnlyList<int>?[structure.Groups.Count];
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            int current = CurrentWidths[group.Index];
            bool used = structure.Layers.Any(l => IsPresent(l) && (l.InputGroup == group.Index || l.OutputGroup == group.Index));
            // A group inside a removed block no longer exists; it keeps its width and offers no choice.
            if (!used) continue;
            var widths = group.ReachableWidths().Where(w => w <= current).ToList();
            // A width left by another method may lie off the step grid; it stays available as "keep all".
            if (!widths.Contains(current)) widths.Add(current);
            _options[group.Index] = widths;
        }
    }

    public NetworkStructure Structure { get; }
    public IReadOnlyList<int> CurrentWidths { get; }
    public IReadOnlyList<bool> CurrentBlocks { get; }

    /// <summary>The widths group <paramref name="group"/> may take, ascending; null when the group offers no choice (fixed, or gone with its block).</summary>
    public IReadOnlyList<int>? Options(int group) => _options[group];

    /// <summary>Whether a layer exists in the current network.</summary>
    public bool IsPresent(LayerInfo layer) => CostModel.IsPresent(layer, CurrentBlocks);

    /// <summary>Whether block <paramref name="block"/> is present and may be removed.</summary>
    public bool CanRemove(int block) => Structure.Blocks[block].Removable && CurrentBlocks[block];

    /// <summary>
    /// The removable block whose removal takes the group with it: the block holding every layer that
    /// writes the group (its branch, not its projection), or -1 (the group outlives any one block, as a
    /// residual stream does). Its importance counts only while that block is kept.
    /// </summary>
    public int OwnerBlock(int group) => _ownerBlock[group];

    /// <summary>The block variable a layer's presence depends on, or -1 when the layer stays whatever is removed.</summary>
    public int BlockOf(LayerInfo layer) =>
        layer.Block >= 0 && !layer.IsProjection && Structure.Blocks[layer.Block].Removable ? layer.Block : -1;

    private int OwnerBlockOf(GroupInfo group)
    {
        if (group.Producers.Count == 0) return -1;
        int block = BlockOf(Structure.Layers[group.Producers[0]]);
        return block >= 0 && group.Producers.All(p => BlockOf(Structure.Layers[p]) == block) ? block : -1;
    }
}
