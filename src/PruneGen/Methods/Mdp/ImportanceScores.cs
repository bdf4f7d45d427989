using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// Importance of every unit of one channel group (indexed by the group's current channels) and the
/// ranking it implies. A group that keeps <c>w</c> units keeps its <c>w</c> most important ones.
/// </summary>
/// <remarks>
/// A channel's importance is shared out among the layers that write the group (METHODS.md §2's
/// per-layer sum <c>Σ_l z_b(l) · y_gᵀ Î_l</c>): a residual stream written by every block of a stage
/// loses a removed block's share, while its channels are still ranked by the coupled score.
/// </remarks>
public sealed class GroupImportance
{
    private readonly double[] _prefix;
    private readonly double[][] _writerPrefix;

    /// <param name="channels">Importance per current channel.</param>
    /// <param name="writerWeights">
    /// Per writer (indexed like <see cref="GroupInfo.Producers"/>), a non-negative weight per channel;
    /// writer l's share of channel c is its weight over the channel's total. Null shares every channel
    /// equally; a channel whose weights are all zero is shared equally too.
    /// </param>
    public GroupImportance(GroupInfo group, IReadOnlyList<double> channels, IReadOnlyList<IReadOnlyList<double>>? writerWeights = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count == 0) throw new ArgumentException($"group '{group.Name}' has no channels to score", nameof(channels));
        foreach (double value in channels)
            if (!double.IsFinite(value) || value < 0)
                throw new ArgumentOutOfRangeException(nameof(channels), value, $"importance of group '{group.Name}' must be finite and non-negative");
        int writers = Math.Max(1, group.Producers.Count);
        if (writerWeights is not null)
        {
            if (writerWeights.Count != writers)
                throw new ArgumentException($"group '{group.Name}' has {writers} writers but {writerWeights.Count} weight lists were given", nameof(writerWeights));
            foreach (IReadOnlyList<double> weights in writerWeights)
            {
                if (weights.Count != channels.Count)
                    throw new ArgumentException($"a writer's weights for group '{group.Name}' cover {weights.Count} channels, not {channels.Count}", nameof(writerWeights));
                if (weights.Any(w => !double.IsFinite(w) || w < 0))
                    throw new ArgumentOutOfRangeException(nameof(writerWeights), $"writer weights of group '{group.Name}' must be finite and non-negative");
            }
        }
        Group = group;
        Channels = channels.ToArray();
        // Most important first; ties keep the lower channel index first so rankings are deterministic.
        Ranking = Enumerable.Range(0, Channels.Count).OrderByDescending(c => Channels[c]).ThenBy(c => c).ToArray();
        _prefix = new double[Channels.Count + 1];
        _writerPrefix = Enumerable.Range(0, writers).Select(_ => new double[Channels.Count + 1]).ToArray();
        for (int i = 0; i < Ranking.Count; i++)
        {
            int c = Ranking[i];
            _prefix[i + 1] = _prefix[i] + Channels[c];
            double total = writerWeights?.Sum(w => w[c]) ?? 0;
            for (int l = 0; l < writers; l++)
            {
                double share = total > 0 ? writerWeights![l][c] / total : 1.0 / writers;
                _writerPrefix[l][i + 1] = _writerPrefix[l][i] + Channels[c] * share;
            }
        }
    }

    public GroupInfo Group { get; }

    /// <summary>Importance per current channel.</summary>
    public IReadOnlyList<double> Channels { get; }

    /// <summary>Channel indices from the most to the least important.</summary>
    public IReadOnlyList<int> Ranking { get; }

    public int Width => Channels.Count;

    /// <summary>Summed importance of the <paramref name="width"/> most important channels.</summary>
    public double Kept(int width)
    {
        if (width < 0 || width > Width)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"group '{Group.Name}' has {Width} channels");
        return _prefix[width];
    }

    /// <summary>
    /// The share of <see cref="Kept(int)"/> carried by the group's writer at <paramref name="writer"/>
    /// (a position in <see cref="GroupInfo.Producers"/>); the shares of all writers add up to it.
    /// </summary>
    public double WriterKept(int writer, int width)
    {
        if (writer < 0 || writer >= _writerPrefix.Length)
            throw new ArgumentOutOfRangeException(nameof(writer), writer, $"group '{Group.Name}' has {_writerPrefix.Length} writers");
        if (width < 0 || width > Width)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"group '{Group.Name}' has {Width} channels");
        return _writerPrefix[writer][width];
    }

    /// <summary>Î[i] for i = 1..chunks: importance of keeping the i most important chunks of <see cref="GroupInfo.Step"/> channels.</summary>
    public double[] ChunkImportance() =>
        Enumerable.Range(1, Width / Group.Step).Select(i => Kept(i * Group.Step)).ToArray();

    /// <summary>A keep-mask of the current channels that keeps the <paramref name="width"/> most important.</summary>
    public bool[] KeepMask(int width)
    {
        if (width < 1 || width > Width)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"group '{Group.Name}' keeps between 1 and {Width} channels");
        var keep = new bool[Width];
        for (int i = 0; i < width; i++) keep[Ranking[i]] = true;
        return keep;
    }
}

/// <summary>Importance of every prunable group of a network at its current widths (null for fixed groups).</summary>
public sealed class ImportanceScores
{
    public ImportanceScores(NetworkStructure structure, IReadOnlyList<GroupImportance?> groups)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count != structure.Groups.Count)
            throw new ArgumentException($"{structure.Name} has {structure.Groups.Count} channel groups but {groups.Count} importance entries were given", nameof(groups));
        for (int g = 0; g < groups.Count; g++)
            if (groups[g] is { } scores && scores.Group.Index != g)
                throw new ArgumentException($"importance entry {g} belongs to group '{scores.Group.Name}' (index {scores.Group.Index})", nameof(groups));
        Structure = structure;
        Groups = groups.ToArray();
    }

    public NetworkStructure Structure { get; }

    /// <summary>Indexed like <see cref="NetworkStructure.Groups"/>.</summary>
    public IReadOnlyList<GroupImportance?> Groups { get; }

    public GroupImportance this[int group] =>
        Groups[group] ?? throw new KeyNotFoundException($"no importance for channel group '{Structure.Groups[group].Name}' (fixed groups have none)");

    /// <summary>Masks that keep, in every prunable group, the most important channels up to <paramref name="groupWidths"/>, and the given blocks.</summary>
    public PruneMasks ToMasks(IReadOnlyList<int> currentWidths, IReadOnlyList<bool> currentBlocks, IReadOnlyList<int> groupWidths, IReadOnlyList<bool> blocksKept)
    {
        var masks = new PruneMasks(Structure, currentWidths, currentBlocks);
        foreach (GroupInfo group in Structure.PrunableGroups)
        {
            int width = groupWidths[group.Index];
            if (width == currentWidths[group.Index]) continue;
            masks.KeepUnits(group.Index, this[group.Index].KeepMask(width));
        }
        for (int b = 0; b < Structure.Blocks.Count; b++)
            if (currentBlocks[b] && !blocksKept[b]) masks.KeepBlock(b, false);
        return masks;
    }
}

/// <summary>MDP's view of a Taylor window: chunk importance from the mean over the window, shared among writers by their own scores.</summary>
public static class TaylorImportanceExtensions
{
    public static ImportanceScores Scores(this PruneGen.Methods.Importance.TaylorImportance importance)
    {
        ArgumentNullException.ThrowIfNull(importance);
        NetworkStructure structure = importance.Structure;
        double[]?[] means = importance.Means();
        double[][]?[] writers = importance.ProducerSums();
        var groups = new GroupImportance?[structure.Groups.Count];
        foreach (GroupInfo group in structure.Groups)
            if (means[group.Index] is { } channels) groups[group.Index] = new GroupImportance(group, channels, writers[group.Index]);
        return new ImportanceScores(structure, groups);
    }
}
