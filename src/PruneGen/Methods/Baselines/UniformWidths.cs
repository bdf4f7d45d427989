using PruneGen.Structure;

namespace PruneGen.Methods.Baselines;

/// <summary>
/// Uniform width scaling: one keep ratio r for every prunable group, each width rounded to the nearest
/// multiple of the group's step and clamped to its reachable range, with r the largest ratio whose
/// network meets the MAC budget. Rounding makes the MACs a step function of r, so the result can sit
/// further below the target than the chunk-wise selectors.
/// </summary>
/// <remarks>
/// Uniform scaling is a statement about widths only. Which channels survive is chosen by L1 magnitude
/// within each group (project's choice): uniform and L1 then differ only in how widths are allocated
/// across groups, which is the comparison the baseline is for.
/// </remarks>
public static class UniformWidths
{
    /// <summary>The widths (indexed by group) at keep ratio <paramref name="ratio"/> of the full widths.</summary>
    public static int[] At(NetworkStructure structure, double ratio)
    {
        ArgumentNullException.ThrowIfNull(structure);
        int[] widths = structure.FullGroupWidths();
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            IReadOnlyList<int> reachable = group.ReachableWidths();
            int rounded = (int)Math.Round(ratio * group.Size / group.Step, MidpointRounding.AwayFromZero) * group.Step;
            widths[group.Index] = Math.Clamp(rounded, reachable[0], reachable[^1]);
        }
        return widths;
    }

    /// <summary>The largest keep ratio (to 1e-9) whose uniform widths keep at most <paramref name="targetFraction"/> of the dense MACs.</summary>
    public static double Ratio(NetworkStructure structure, double targetFraction)
    {
        long target = ChannelSelector.TargetMacs(structure, targetFraction);
        bool[] blocks = structure.AllBlocksKept();
        long Macs(double r) => CostModel.Macs(structure, At(structure, r), blocks);
        if (Macs(1) <= target) return 1;
        if (Macs(0) > target)
            throw new ArgumentOutOfRangeException("target_macs", targetFraction,
                $"target_macs {targetFraction:G4} is below what uniform width scaling can reach on {structure.Name}: the minimum widths keep {Macs(0):N0} of {ChannelSelector.DenseMacs(structure):N0} MACs");
        // MACs grow monotonically with r (rounding is monotone), so bisection finds the largest feasible r.
        double low = 0, high = 1;
        while (high - low > 1e-9)
        {
            double middle = 0.5 * (low + high);
            if (Macs(middle) <= target) low = middle; else high = middle;
        }
        return low;
    }

    /// <summary>Uniform widths meeting the budget, keeping the channels with the largest L1 magnitude of each group. The network must be unpruned.</summary>
    public static ChannelSelection Select(IPrunableNetwork network, double targetFraction)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkStructure structure = network.Structure;
        if (!network.GroupWidths.SequenceEqual(structure.FullGroupWidths()) || !network.BlocksKept.All(k => k))
            throw new InvalidOperationException($"uniform width scaling starts from the full {structure.Name}; this instance is already pruned");
        int[] widths = At(structure, Ratio(structure, targetFraction));
        double[]?[] scores = ChannelScores.L1(network);
        PruneMasks masks = network.NewMasks();
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            if (widths[group.Index] == group.Size) continue;
            double[] s = scores[group.Index]!;
            var keep = new bool[group.Size];
            // Largest scores first; ties to the lower channel index.
            foreach (int c in Enumerable.Range(0, s.Length).OrderByDescending(c => s[c]).ThenBy(c => c).Take(widths[group.Index])) keep[c] = true;
            masks.KeepUnits(group.Index, keep);
        }
        long macs = CostModel.Macs(structure, widths, structure.AllBlocksKept());
        return new ChannelSelection(masks, masks.KeptWidths(), macs, ChannelSelector.TargetMacs(structure, targetFraction), ChannelSelector.DenseMacs(structure), 0, 0);
    }
}
