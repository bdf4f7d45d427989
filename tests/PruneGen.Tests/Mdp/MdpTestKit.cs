using PruneGen.Latency;
using PruneGen.Methods.Mdp;
using PruneGen.Structure;

namespace PruneGen.Tests.Mdp;

/// <summary>Random instances and an exhaustive reference for the MDP tests.</summary>
internal static class MdpTestKit
{
    /// <summary>Random non-negative channel importance for every prunable group at full width, shared among its writers by random weights.</summary>
    public static ImportanceScores RandomScores(NetworkStructure structure, Random random)
    {
        var groups = new GroupImportance?[structure.Groups.Count];
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            double[] channels = Enumerable.Range(0, group.Size).Select(_ => -Math.Log(1 - random.NextDouble()) * 1e-3).ToArray();
            double[][] writers = group.Producers.Select(_ => Enumerable.Range(0, group.Size).Select(_ => random.NextDouble()).ToArray()).ToArray();
            groups[group.Index] = new GroupImportance(group, channels, writers);
        }
        return new ImportanceScores(structure, groups);
    }

    /// <summary>A LUT with an independent random latency for every pair: no monotonicity for the solver to lean on.</summary>
    public static LatencyTable RandomTable(NetworkStructure structure, Random random) =>
        Latency.LatencyTableTests.SyntheticTable(structure, (_, _, _) => 0.05 + random.NextDouble());

    /// <summary>A LUT shaped like measured ones: a fixed overhead per operation plus a part proportional to MACs (to elements for element-wise ones).</summary>
    public static LatencyTable OverheadTable(NetworkStructure structure, double overheadMs, double msPerMegaMac) =>
        Latency.LatencyTableTests.SyntheticTable(structure, (k, i, o) =>
            overheadMs + msPerMegaMac * 1e-6 * (k.IsElementWise ? o : k.Kernel * k.Kernel * i * o) * OutputPositions(k));

    private static double OutputPositions(LatencyKey key)
    {
        if (key.Kind == LatencyKind.Linear) return 1;
        if (key.IsElementWise) return key.InputSize * key.InputSize;
        int size = (key.InputSize + 2 * key.Padding - key.Kernel) / key.Stride + 1;
        return size * size;
    }

    /// <summary>Every structure of the search space: each prunable group at each reachable width, each removable block kept or not.</summary>
    public static IEnumerable<(int[] Widths, bool[] Blocks)> AllStructures(NetworkStructure structure, bool removeBlocks)
    {
        GroupInfo[] groups = structure.PrunableGroups.ToArray();
        BlockInfo[] blocks = removeBlocks ? structure.RemovableBlocks.ToArray() : [];
        int[] counts = groups.Select(g => g.ReachableWidths().Count).ToArray();
        long total = counts.Aggregate(1L, (a, c) => a * c) << blocks.Length;
        for (long index = 0; index < total; index++)
        {
            int[] widths = structure.FullGroupWidths();
            bool[] kept = structure.AllBlocksKept();
            long rest = index;
            for (int i = 0; i < groups.Length; i++)
            {
                widths[groups[i].Index] = groups[i].ReachableWidths()[(int)(rest % counts[i])];
                rest /= counts[i];
            }
            for (int i = 0; i < blocks.Length; i++)
            {
                kept[blocks[i].Index] = (rest & 1) == 1;
                rest >>= 1;
            }
            yield return (widths, kept);
        }
    }

    /// <summary>
    /// MDP's objective, derived here from the structure alone: each writer's share of a group's kept
    /// importance counts while that writer is still in the network.
    /// </summary>
    public static double Objective(NetworkStructure structure, ImportanceScores scores, int[] widths, bool[] blocks) =>
        structure.PrunableGroups.Sum(g => Enumerable.Range(0, g.Producers.Count)
            .Where(w => CostModel.IsPresent(structure.Layers[g.Producers[w]], blocks))
            .Sum(w => scores[g.Index].WriterKept(w, widths[g.Index])));

    /// <summary>The exhaustive optimum within <paramref name="budget"/> (null when none fits) and the smallest latency of the space.</summary>
    public static (double? Best, double Smallest) BruteForce(NetworkStructure structure, ImportanceScores scores, ILatencyTable table, double budget, bool removeBlocks)
    {
        double? best = null;
        double smallest = double.PositiveInfinity;
        foreach (var (widths, blocks) in AllStructures(structure, removeBlocks))
        {
            double latency = LatencyModel.Predict(structure, widths, blocks, table);
            smallest = Math.Min(smallest, latency);
            if (latency > budget) continue;
            double value = Objective(structure, scores, widths, blocks);
            if (best is null || value > best) best = value;
        }
        return (best, smallest);
    }
}
