using PruneGen.Structure;

namespace PruneGen.Methods.Baselines;

/// <summary>What a selection decided: the masks and the cost they lead to.</summary>
/// <param name="Masks">Kept channels of every group, relative to the network's current widths (no block is removed).</param>
/// <param name="Widths">Widths after slimming, indexed by group.</param>
/// <param name="Macs">MACs of the pruned network (closed form).</param>
/// <param name="TargetMacs">The MAC budget the selection had to meet.</param>
/// <param name="DenseMacs">MACs of the full network, the reference of the target fraction.</param>
/// <param name="LastChunkMacs">MACs removed by the last chunk taken (0 when nothing was removed): the selection overshoots the target by less than this.</param>
/// <param name="RemovedChunks">Chunks removed, in the order they were taken.</param>
public sealed record ChannelSelection(PruneMasks Masks, int[] Widths, long Macs, long TargetMacs, long DenseMacs, long LastChunkMacs, int RemovedChunks)
{
    public double MacsFraction => (double)Macs / DenseMacs;
}

/// <summary>
/// Turns per-channel scores into masks that meet a MAC budget. Channels are removed in chunks that
/// take a group from one reachable width to the next lower one (normally <c>Step</c> channels, the
/// least important of the group first). All groups' next chunks are ranked globally and the lowest is
/// removed while the network's MACs exceed the target and the group stays at or above its minimum
/// width; the MACs are recomputed exactly from the cost model after every removal. Baselines prune
/// channels only: no block is removed.
/// </summary>
/// <remarks>
/// Normalisation (project's choice): raw scores live on different scales per group (a stream sums
/// several layers, deeper filters have more weights), so each group's scores are divided by the
/// group's mean score. A chunk's score is the mean normalised score of its channels: "how important
/// these channels are relative to an average channel of their own group". Groups compare on that
/// scale; within a group the order is the raw order. A group whose scores are all zero stays all zero
/// (nothing distinguishes it, and zero importance is removed first). Ties go to the lower group index,
/// then to the lower channel index, so the result is deterministic.
/// </remarks>
public static class ChannelSelector
{
    /// <summary>MACs of the full (unpruned) network described by <paramref name="structure"/>.</summary>
    public static long DenseMacs(NetworkStructure structure) => CostModel.FullMacs(structure);

    /// <summary>The budget for keeping <paramref name="fraction"/> of the dense MACs.</summary>
    public static long TargetMacs(NetworkStructure structure, double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the fraction of dense MACs to keep must lie in (0, 1]");
        return (long)Math.Floor(fraction * DenseMacs(structure));
    }

    /// <summary>Selects channels by <paramref name="scores"/> (indexed by group, current widths) to keep at most <paramref name="targetFraction"/> of the dense MACs.</summary>
    public static ChannelSelection Select(IPrunableNetwork network, IReadOnlyList<double[]?> scores, double targetFraction)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scores);
        NetworkStructure structure = network.Structure;
        long target = TargetMacs(structure, targetFraction);
        int[] widths = network.GroupWidths;
        bool[] blocks = network.BlocksKept;
        CheckReachable(structure, widths, blocks, target, targetFraction);
        if (scores.Count != widths.Length)
            throw new ArgumentException($"{structure.Name} has {widths.Length} channel groups but {scores.Count} score arrays were given", nameof(scores));

        var plans = new Dictionary<int, GroupPlan>();
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            double[] s = scores[group.Index] ?? throw new ArgumentException($"no scores for prunable group '{group.Name}'", nameof(scores));
            if (s.Length != widths[group.Index])
                throw new ArgumentException($"group '{group.Name}' has {widths[group.Index]} channels but {s.Length} scores", nameof(scores));
            if (s.Any(v => !(v >= 0) || double.IsInfinity(v)))
                throw new ArgumentException($"the scores of group '{group.Name}' must be finite and non-negative", nameof(scores));
            plans[group.Index] = new GroupPlan(group, Normalise(s));
        }

        long macs = CostModel.Macs(structure, widths, blocks);
        long lastChunk = 0;
        int removed = 0;
        while (macs > target)
        {
            GroupPlan? best = null;
            double bestScore = double.PositiveInfinity;
            foreach (GroupInfo group in structure.PrunableGroups)
            {
                GroupPlan plan = plans[group.Index];
                if (plan.NextWidth(widths[group.Index]) is null) continue;
                double score = plan.NextChunkScore(widths[group.Index]);
                if (score < bestScore) (best, bestScore) = (plan, score);
            }
            // CheckReachable guarantees a chunk is left while the target is unmet.
            if (best is null) throw new InvalidOperationException($"{structure.Name}: no chunk left to remove at {macs} MACs (target {target})");
            int g = best.Group.Index;
            int next = best.NextWidth(widths[g])!.Value;
            best.Removed += widths[g] - next;
            widths[g] = next;
            long after = CostModel.Macs(structure, widths, blocks);
            lastChunk = macs - after;
            macs = after;
            removed++;
        }

        PruneMasks masks = network.NewMasks();
        foreach (GroupPlan plan in plans.Values)
            if (plan.Removed > 0) masks.KeepUnits(plan.Group.Index, plan.KeepMask());
        return new ChannelSelection(masks, masks.KeptWidths(), macs, target, DenseMacs(structure), lastChunk, removed);
    }

    /// <summary>Throws when even the smallest widths (every group at its minimum) exceed the budget.</summary>
    internal static void CheckReachable(NetworkStructure structure, int[] widths, bool[] blocks, long target, double fraction)
    {
        int[] smallest = (int[])widths.Clone();
        foreach (GroupInfo group in structure.PrunableGroups)
            smallest[group.Index] = SmallestWidth(group, widths[group.Index]);
        long floor = CostModel.Macs(structure, smallest, blocks);
        if (floor > target)
            throw new ArgumentOutOfRangeException("target_macs", fraction,
                $"target_macs {fraction:G4} is below what channel pruning can reach on {structure.Name}: every group at its minimum width keeps {floor:N0} of {DenseMacs(structure):N0} MACs ({(double)floor / DenseMacs(structure):G4})");
    }

    /// <summary>The smallest reachable width not above <paramref name="current"/> (the current width if none is smaller).</summary>
    internal static int SmallestWidth(GroupInfo group, int current) =>
        group.ReachableWidths().Where(w => w <= current).DefaultIfEmpty(current).Min();

    private static double[] Normalise(double[] scores)
    {
        double mean = scores.Length == 0 ? 0 : scores.Average();
        return mean > 0 ? scores.Select(s => s / mean).ToArray() : new double[scores.Length];
    }

    /// <summary>One group's channels in removal order (least important first) and how many are removed.</summary>
    private sealed class GroupPlan
    {
        private readonly double[] _normalised;
        private readonly int[] _order;

        public GroupPlan(GroupInfo group, double[] normalised)
        {
            Group = group;
            _normalised = normalised;
            _order = Enumerable.Range(0, normalised.Length).OrderBy(c => normalised[c]).ThenBy(c => c).ToArray();
        }

        public GroupInfo Group { get; }
        public int Removed { get; set; }

        /// <summary>The next reachable width below <paramref name="width"/>, or null at the minimum.</summary>
        public int? NextWidth(int width)
        {
            int? next = null;
            foreach (int w in Group.ReachableWidths())
                if (w < width) next = w;
            return next;
        }

        public double NextChunkScore(int width)
        {
            int count = width - NextWidth(width)!.Value;
            double sum = 0;
            for (int i = Removed; i < Removed + count; i++) sum += _normalised[_order[i]];
            return sum / count;
        }

        public bool[] KeepMask()
        {
            var keep = Enumerable.Repeat(true, _normalised.Length).ToArray();
            for (int i = 0; i < Removed; i++) keep[_order[i]] = false;
            return keep;
        }
    }
}
