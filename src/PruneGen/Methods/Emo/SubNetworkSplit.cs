using PruneGen.Structure;

namespace PruneGen.Methods.Emo;

/// <summary>
/// One sub-network S_k of a split: a run of consecutive top-level members between two cut points,
/// and the units its search may prune (one mask bit each).
/// </summary>
/// <param name="Index">k, from 0.</param>
/// <param name="Name">The stage's (or last member's) name, e.g. "Stage1".</param>
/// <param name="FirstMember">First member index (inclusive).</param>
/// <param name="LastMember">Last member index (inclusive); its output is the cut feature F_{k+1}.</param>
/// <param name="Groups">Prunable groups whose units are the bits, in bit order; each contributes its full width.</param>
/// <param name="Layers">Every conv/linear layer inside the members.</param>
/// <param name="BitOffset">Where this sub-network's bits start in the whole network's concatenated mask.</param>
public sealed record SubNetwork(int Index, string Name, int FirstMember, int LastMember, IReadOnlyList<int> Groups, IReadOnlyList<int> Layers, int BitOffset)
{
    /// <summary>Bits of this sub-network's mask: the full widths of its groups, summed.</summary>
    public int BitCount { get; init; }

    /// <summary>The member indices in forward order.</summary>
    public IEnumerable<int> Members => Enumerable.Range(FirstMember, LastMember - FirstMember + 1);
}

/// <summary>
/// The cut of a network into sub-networks for divide-and-conquer pruning (METHODS.md section 3).
/// With stages, sub-network k ends at stage k's member (the first also holds the stem); without
/// stages (a plain VGG-style network) the cuts follow each pooling member, and the last sub-network
/// ends just before the classifier. Members after the last cut (the classifier) form the tail. A cut
/// whose sub-network would own no prunable group is dropped (its members join the next sub-network).
/// <para>
/// The units a sub-network's search prunes are those of the prunable groups whose producers and
/// consumers all lie inside it: block-internal channels of a residual stage, inner convs of a VGG
/// segment. Groups that cross a cut (residual streams, a segment's output channels) stay whole, so
/// the cut features keep their shape and a sub-network's MACs depend on its own mask only: the
/// whole network's MACs are the fixed part plus the sum over sub-networks, exactly.
/// </para>
/// <para>
/// A mask that keeps no unit of a group is repaired the same way for MACs, evaluation and slimming:
/// when the group lives inside a removable block, the block is removed (its branch contributes
/// nothing without those units, and removal is what the generator can express exactly); otherwise the
/// group's first unit is kept, since a layer needs at least one.
/// </para>
/// </summary>
public sealed class SubNetworkSplit
{
    private SubNetworkSplit(NetworkStructure structure, IReadOnlyList<SubNetwork> parts, int tailStart)
    {
        Structure = structure;
        Parts = parts;
        TailStart = tailStart;
        TotalBits = parts.Sum(p => p.BitCount);
        var prunable = structure.PrunableGroups.Select(g => g.Index).ToList();
        _unitGateOfGroup = structure.Groups.Select(g => prunable.IndexOf(g.Index)).ToArray();
        var removable = structure.RemovableBlocks.Select(b => b.Index).ToList();
        _blockGateOfBlock = structure.Blocks.Select(b => removable.IndexOf(b.Index)).ToArray();
        _blockOfGroup = structure.Groups.Select(g => RemovableBlockHolding(structure, g)).ToArray();
        FullMacs = CostModel.Macs(structure, structure.FullGroupWidths(), structure.AllBlocksKept());
    }

    private readonly int[] _unitGateOfGroup;
    private readonly int[] _blockGateOfBlock;
    private readonly int[] _blockOfGroup;

    public NetworkStructure Structure { get; }
    public IReadOnlyList<SubNetwork> Parts { get; }

    /// <summary>First member after the last cut (the classifier); equals the member count when there is none.</summary>
    public int TailStart { get; }

    /// <summary>Length of the whole network's concatenated mask.</summary>
    public int TotalBits { get; }

    /// <summary>MACs of the full network.</summary>
    public long FullMacs { get; }

    /// <summary>Index into the network's <c>Gates.Units</c> of a prunable group (-1 for fixed groups).</summary>
    public int UnitGateOf(int group) => _unitGateOfGroup[group];

    /// <summary>Index into the network's <c>Gates.Blocks</c> of a removable block (-1 otherwise).</summary>
    public int BlockGateOf(int block) => _blockGateOfBlock[block];

    /// <summary>The split at the network's stages, or at its pooling members when it declares none.</summary>
    public static SubNetworkSplit Of(NetworkStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var ends = new List<int>();
        int tailStart;
        if (structure.Stages.Count > 0)
        {
            ends.AddRange(structure.Stages.Select(s => s.Member));
            tailStart = ends[^1] + 1;
        }
        else
        {
            int head = structure.Members.FirstOrDefault(m => m.Kind == MemberKind.Head)?.Index ?? structure.Members.Count;
            ends.AddRange(structure.Members.Where(m => m.Kind is MemberKind.MaxPool or MemberKind.AvgPool && m.Index < head - 1).Select(m => m.Index));
            if (ends.Count == 0 || ends[^1] < head - 1) ends.Add(head - 1);
            tailStart = head;
        }
        if (ends.Count == 0 || ends[0] < 0)
            throw new ArgumentException($"{structure.Name} has no member before its classifier; there is nothing to split");

        // A cut whose sub-network would have no unit of its own (e.g. one conv per VGG segment) is
        // dropped: the run of members joins the next sub-network (the last joins the previous one).
        var ranges = new List<(int First, int Last)>();
        int first = 0;
        foreach (int last in ends)
        {
            if (InternalGroups(structure, first, last).Length == 0 && last != ends[^1]) continue;
            ranges.Add((first, last));
            first = last + 1;
        }
        if (ranges.Count > 1 && InternalGroups(structure, ranges[^1].First, ranges[^1].Last).Length == 0)
        {
            ranges[^2] = (ranges[^2].First, ranges[^1].Last);
            ranges.RemoveAt(ranges.Count - 1);
        }

        var parts = new List<SubNetwork>();
        int offset = 0;
        foreach ((int from, int to) in ranges)
        {
            int[] groups = InternalGroups(structure, from, to);
            int bits = groups.Sum(g => structure.Groups[g].Size);
            string name = structure.Stages.FirstOrDefault(s => s.Member == to)?.Name
                ?? (from == to ? structure.Members[to].Name : $"{structure.Members[from].Name}-{structure.Members[to].Name}");
            parts.Add(new SubNetwork(parts.Count, name, from, to, groups, LayersOf(structure, from, to), offset) { BitCount = bits });
            offset += bits;
        }
        return new SubNetworkSplit(structure, parts, tailStart);
    }

    private static int[] LayersOf(NetworkStructure structure, int first, int last) =>
        structure.Members.Where(m => m.Index >= first && m.Index <= last).SelectMany(m => m.Layers).Order().ToArray();

    /// <summary>Prunable groups produced and consumed only by layers of members first..last.</summary>
    private static int[] InternalGroups(NetworkStructure structure, int first, int last)
    {
        var inside = LayersOf(structure, first, last).ToHashSet();
        return structure.PrunableGroups
            .Where(g => g.Producers.Count > 0 && g.Producers.All(inside.Contains) && g.Consumers.All(inside.Contains))
            .Select(g => g.Index).ToArray();
    }

    /// <summary>Checks that <paramref name="network"/> is unpruned: masks address full widths.</summary>
    public void RequireFullWidths(IPrunableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        int[] widths = network.GroupWidths;
        foreach (GroupInfo g in Structure.Groups)
            if (widths[g.Index] != g.Size)
                throw new InvalidOperationException($"EMO searches the unpruned {Structure.Name}, but group '{g.Name}' has {widths[g.Index]} of {g.Size} units");
        if (network.BlocksKept.Any(k => !k))
            throw new InvalidOperationException($"EMO searches the unpruned {Structure.Name}, but some blocks are already removed");
    }

    /// <summary>
    /// What part <paramref name="part"/>'s mask keeps: per bit-carrying group the kept units (repaired so
    /// none is empty unless its block goes), and the removable blocks it removes.
    /// </summary>
    public DecodedMask Decode(int part, ReadOnlySpan<bool> mask)
    {
        SubNetwork p = Parts[part];
        if (mask.Length != p.BitCount)
            throw new ArgumentException($"sub-network '{p.Name}' has {p.BitCount} mask bits; got {mask.Length}", nameof(mask));
        var units = new Dictionary<int, bool[]>();
        var removed = new List<int>();
        int at = 0;
        foreach (int g in p.Groups)
        {
            int size = Structure.Groups[g].Size;
            bool[] keep = mask.Slice(at, size).ToArray();
            at += size;
            if (!keep.Contains(true))
            {
                if (_blockOfGroup[g] >= 0)
                {
                    if (!removed.Contains(_blockOfGroup[g])) removed.Add(_blockOfGroup[g]);
                    continue; // the block goes; its units need no mask
                }
                keep[0] = true;
            }
            units[g] = keep;
        }
        return new DecodedMask(units, removed);
    }

    /// <summary>MACs of part <paramref name="part"/> under <paramref name="mask"/> (closed form, this part's layers only).</summary>
    public long PartMacs(int part, ReadOnlySpan<bool> mask)
    {
        DecodedMask decoded = Decode(part, mask);
        long macs = 0;
        foreach (int l in Parts[part].Layers)
        {
            LayerInfo layer = Structure.Layers[l];
            if (layer.Block >= 0 && !layer.IsProjection && decoded.RemovedBlocks.Contains(layer.Block)) continue;
            macs += CostModel.LayerMacs(layer, decoded.Width(Structure, layer.InputGroup), decoded.Width(Structure, layer.OutputGroup));
        }
        return macs;
    }

    /// <summary>Dense MACs of part <paramref name="part"/>.</summary>
    public long PartDenseMacs(int part) =>
        Parts[part].Layers.Sum(l => CostModel.LayerMacs(Structure.Layers[l], Structure.Layers[l].InChannels, Structure.Layers[l].OutChannels));

    /// <summary>Splits a whole-network mask into the parts' masks.</summary>
    public bool[][] SplitMask(ReadOnlySpan<bool> whole)
    {
        if (whole.Length != TotalBits) throw new ArgumentException($"the whole mask has {whole.Length} bits; {Structure.Name} has {TotalBits}", nameof(whole));
        var masks = new bool[Parts.Count][];
        for (int k = 0; k < Parts.Count; k++) masks[k] = whole.Slice(Parts[k].BitOffset, Parts[k].BitCount).ToArray();
        return masks;
    }

    /// <summary>Whole-network MACs of the parts' masks (null keeps a part dense).</summary>
    public long WholeMacs(IReadOnlyList<bool[]?> partMasks)
    {
        long macs = FullMacs;
        for (int k = 0; k < Parts.Count; k++)
            if (partMasks[k] is { } m) macs -= PartDenseMacs(k) - PartMacs(k, m);
        return macs;
    }

    /// <summary>
    /// Sets the fixed masks of part <paramref name="part"/>'s unit and block gates on <paramref name="network"/>
    /// (null: every unit and block of the part passes). Gates of other parts are left as they are.
    /// </summary>
    public void ApplyToGates(IPrunableNetwork network, int part, bool[]? mask)
    {
        SubNetwork p = Parts[part];
        DecodedMask? decoded = mask is null ? null : Decode(part, mask);
        foreach (int g in p.Groups)
            network.Gates.Units[_unitGateOfGroup[g]].SetFixedMask(decoded?.Units.GetValueOrDefault(g));
        foreach (int b in BlocksOf(part))
            network.Gates.Blocks[_blockGateOfBlock[b]].SetFixedMask(!(decoded?.RemovedBlocks.Contains(b) ?? false));
    }

    /// <summary>Slimming masks of the whole network for the parts' masks (null keeps a part dense).</summary>
    public PruneMasks ToPruneMasks(IPrunableNetwork network, IReadOnlyList<bool[]?> partMasks)
    {
        RequireFullWidths(network);
        PruneMasks masks = network.NewMasks();
        for (int k = 0; k < Parts.Count; k++)
        {
            if (partMasks[k] is not { } m) continue;
            DecodedMask decoded = Decode(k, m);
            foreach ((int g, bool[] keep) in decoded.Units) masks.KeepUnits(g, keep);
            foreach (int b in decoded.RemovedBlocks) masks.KeepBlock(b, false);
        }
        return masks;
    }

    /// <summary>Removable blocks inside part <paramref name="part"/>.</summary>
    public IEnumerable<int> BlocksOf(int part)
    {
        var layers = Parts[part].Layers.ToHashSet();
        return Structure.RemovableBlocks.Where(b => b.Layers.All(layers.Contains)).Select(b => b.Index);
    }

    private static int RemovableBlockHolding(NetworkStructure structure, GroupInfo group)
    {
        if (!group.Prunable || group.Producers.Count == 0) return -1;
        int block = structure.Layers[group.Producers[0]].Block;
        if (block < 0 || !structure.Blocks[block].Removable) return -1;
        bool inside = group.Producers.Concat(group.Consumers)
            .All(l => structure.Layers[l].Block == block && !structure.Layers[l].IsProjection);
        return inside ? block : -1;
    }
}

/// <summary>A part's mask as the network sees it: kept units of each bit-carrying group, and removed blocks.</summary>
public sealed record DecodedMask(IReadOnlyDictionary<int, bool[]> Units, IReadOnlyList<int> RemovedBlocks)
{
    /// <summary>The kept width of <paramref name="group"/> (full width when the mask does not touch it).</summary>
    public int Width(NetworkStructure structure, int group) =>
        Units.TryGetValue(group, out bool[]? keep) ? keep.Count(k => k) : structure.Groups[group].Size;
}
