namespace PruneGen.Structure;

/// <summary>
/// Which units of each channel group and which blocks to keep when a network is slimmed. Masks are
/// relative to the network's current widths (a slimmed network is slimmed again with masks of its own
/// sizes). Every group starts fully kept; fixed groups must stay fully kept.
/// </summary>
public sealed class PruneMasks
{
    private readonly bool[]?[] _units;
    private readonly bool[] _blocks;

    /// <param name="structure">The network's structure.</param>
    /// <param name="groupWidths">The network's current width of every group.</param>
    /// <param name="blocksKept">The network's current block flags (removed blocks stay removed).</param>
    public PruneMasks(NetworkStructure structure, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        CostModel.CheckLengths(structure, groupWidths, blocksKept);
        Structure = structure;
        GroupWidths = groupWidths.ToArray();
        _units = new bool[]?[structure.Groups.Count];
        _blocks = blocksKept.ToArray();
    }

    public NetworkStructure Structure { get; }

    /// <summary>The widths the masks are relative to.</summary>
    public IReadOnlyList<int> GroupWidths { get; }

    /// <summary>Sets the kept units of a group (true = keep); the array's length must be the group's current width.</summary>
    public PruneMasks KeepUnits(int group, bool[] keep)
    {
        GroupInfo info = GroupAt(group);
        ArgumentNullException.ThrowIfNull(keep);
        if (!info.Prunable && keep.Any(k => !k))
            throw new ArgumentException($"channel group '{info.Name}' is not prunable; its units cannot be removed", nameof(keep));
        if (keep.Length != GroupWidths[group])
            throw new ArgumentException($"the mask for group '{info.Name}' has {keep.Length} entries but the group has {GroupWidths[group]} units", nameof(keep));
        if (!keep.Any(k => k))
            throw new ArgumentException($"the mask for group '{info.Name}' removes every unit; keep at least one (or remove the block)", nameof(keep));
        _units[group] = (bool[])keep.Clone();
        return this;
    }

    public PruneMasks KeepUnits(string group, bool[] keep) => KeepUnits(Structure.Group(group).Index, keep);

    /// <summary>Keeps or removes a removable block.</summary>
    public PruneMasks KeepBlock(int block, bool keep)
    {
        if (block < 0 || block >= Structure.Blocks.Count)
            throw new ArgumentOutOfRangeException(nameof(block), block, $"{Structure.Name} has {Structure.Blocks.Count} blocks");
        BlockInfo info = Structure.Blocks[block];
        if (!keep && !info.Removable)
            throw new ArgumentException($"block '{info.Name}' is not removable", nameof(block));
        if (keep && !_blocks[block])
            throw new ArgumentException($"block '{info.Name}' was already removed and cannot come back", nameof(block));
        _blocks[block] = keep;
        return this;
    }

    /// <summary>
    /// Sets every mask at once, in the order of the <c>Widths</c> members: one keep-array per prunable group
    /// (null keeps the whole group) and one flag per removable block.
    /// </summary>
    public PruneMasks Keep(IReadOnlyList<bool[]?> unitMasks, IReadOnlyList<bool> blockMasks)
    {
        ArgumentNullException.ThrowIfNull(unitMasks);
        ArgumentNullException.ThrowIfNull(blockMasks);
        if (unitMasks.Count != Structure.PrunableGroups.Count)
            throw new ArgumentException($"{Structure.Name} has {Structure.PrunableGroups.Count} prunable groups but {unitMasks.Count} unit masks were given", nameof(unitMasks));
        if (blockMasks.Count != Structure.RemovableBlocks.Count)
            throw new ArgumentException($"{Structure.Name} has {Structure.RemovableBlocks.Count} removable blocks but {blockMasks.Count} block flags were given", nameof(blockMasks));
        for (int i = 0; i < unitMasks.Count; i++)
            if (unitMasks[i] is { } keep) KeepUnits(Structure.PrunableGroups[i].Index, keep);
        for (int i = 0; i < blockMasks.Count; i++)
            KeepBlock(Structure.RemovableBlocks[i].Index, blockMasks[i]);
        return this;
    }

    /// <summary>The units kept in a group (null: all).</summary>
    public IReadOnlyList<bool>? UnitMask(int group) => _units[GroupAt(group).Index];

    public bool BlockKept(int block) => _blocks[block];

    /// <summary>The block flags after slimming, indexed by block.</summary>
    public bool[] BlocksKept() => (bool[])_blocks.Clone();

    /// <summary>The number of units of a group that survive.</summary>
    public int KeptCount(int group) => _units[group] is { } m ? m.Count(k => k) : GroupWidths[group];

    /// <summary>The widths after slimming, indexed by group.</summary>
    public int[] KeptWidths() => Enumerable.Range(0, _units.Length).Select(KeptCount).ToArray();

    /// <summary>Indices of the kept units of a group, ascending; null when every unit is kept.</summary>
    public long[]? KeptIndices(int group)
    {
        bool[]? mask = _units[group];
        if (mask is null || mask.All(k => k)) return null;
        var indices = new List<long>(mask.Length);
        for (int i = 0; i < mask.Length; i++)
            if (mask[i]) indices.Add(i);
        return indices.ToArray();
    }

    private GroupInfo GroupAt(int group)
    {
        if (group < 0 || group >= Structure.Groups.Count)
            throw new ArgumentOutOfRangeException(nameof(group), group, $"{Structure.Name} has {Structure.Groups.Count} channel groups");
        return Structure.Groups[group];
    }
}
