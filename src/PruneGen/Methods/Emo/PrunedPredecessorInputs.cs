using PruneGen.Data;
using PruneGen.Methods.Baselines;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>
/// The inputs divide and conquer scores its sub-networks on with <see cref="EmoOptions.SearchPrunedInputs"/>:
/// at every cut after the first sub-network, per example either the dense feature F_{k-1} or the
/// output of a pruned S_{k-1} on the dense F_{k-2} (the first sub-network keeps the images). The
/// pruned predecessor keeps, in each of its groups, the share 1 − R* of the units with the largest
/// L1 filter magnitude; its BatchNorm statistics are the dense network's, or re-estimated on the
/// calibration images with <see cref="EmoOptions.SearchBatchNorm"/>, as the searches treat their own masks.
/// <para>
/// Why: GPIR adds impairments each measured after a dense predecessor. Where every unit sits on the
/// only path (a plain VGG-style network), a heavily pruned sub-network also copes worse with a pruned
/// predecessor's features than the dense one does, and the summed impairments understate the
/// assembled network's error. Scored on the mixed inputs that constraint training uses (METHODS.md
/// section 3), a member's impairment includes that loss of robustness. The mixing is drawn once, so
/// every mask of a search is scored on the same examples.
/// </para>
/// </summary>
public static class PrunedPredecessorInputs
{
    /// <param name="network">The trained dense network (read only; the pruned predecessors are slimmed copies).</param>
    /// <param name="keepFraction">Share of each predecessor group's units kept (1 − R*); at least one unit stays.</param>
    /// <param name="prunedFraction">Probability that an example's input comes from the pruned predecessor.</param>
    public static FeatureCache Build(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, double keepFraction, double prunedFraction,
        bool repairBatchNorm, long seed, MemoryFormat memoryFormat = MemoryFormat.Contiguous)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(cache);
        if (!(keepFraction is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(keepFraction), keepFraction, "the kept share must lie in (0, 1]");
        if (!(prunedFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(prunedFraction), prunedFraction, "the pruned-input fraction must lie in [0, 1]");
        if (cache.Cuts != split.Parts.Count + 1) throw new ArgumentException($"the cache holds {cache.Cuts} cuts; the split needs all {split.Parts.Count + 1}", nameof(cache));

        IPrunableNetwork copy = EmoPlanner.Copy(network, memoryFormat);
        var pruned = new IPrunableNetwork?[split.Parts.Count - 1];
        try
        {
            double[]?[] scores = ChannelScores.L1(copy);
            var replaced = new Dictionary<int, Func<int, Tensor>>();
            for (int part = 0; part < split.Parts.Count - 1; part++)
            {
                var masks = new bool[]?[split.Parts.Count];
                masks[part] = L1Mask(split, part, scores, keepFraction);
                pruned[part] = repairBatchNorm
                    ? MaskedForward.BatchNormRepaired(copy, split, masks, cache, part, part, throughTail: false, memoryFormat)
                    : MaskedForward.ForMasks(copy, split, masks, memoryFormat);
                int cut = part + 1, predecessor = part;
                IPrunableNetwork net = pruned[part]!;
                replaced[cut] = b => Mixed(net, split, cache, predecessor, b, prunedFraction, seed, memoryFormat);
            }
            return cache.WithCuts(replaced);
        }
        finally
        {
            foreach (IPrunableNetwork? p in pruned)
                if (p is not null && !ReferenceEquals(p, copy)) ((nn.Module)p).Dispose();
            ((nn.Module)copy).Dispose();
        }
    }

    /// <summary>Part <paramref name="part"/>'s mask keeping, in each of its groups, the units of largest L1 magnitude.</summary>
    public static bool[] L1Mask(SubNetworkSplit split, int part, IReadOnlyList<double[]?> scores, double keepFraction)
    {
        var mask = new bool[split.Parts[part].BitCount];
        int offset = 0;
        foreach (int group in split.Parts[part].Groups)
        {
            double[] s = scores[group] ?? throw new InvalidOperationException($"group '{split.Structure.Groups[group].Name}' has no L1 scores");
            int keep = Math.Max(1, (int)Math.Round(keepFraction * s.Length));
            foreach (int unit in Enumerable.Range(0, s.Length).OrderByDescending(u => s[u]).ThenBy(u => u).Take(keep)) mask[offset + unit] = true;
            offset += s.Length;
        }
        return mask;
    }

    private static Tensor Mixed(IPrunableNetwork pruned, SubNetworkSplit split, FeatureCache cache, int predecessor, int batch, double prunedFraction, long seed,
        MemoryFormat memoryFormat)
    {
        using var scope = NewDisposeScope();
        Tensor dense = cache.Feature(predecessor + 1, batch);
        var random = SeededRandom.Derive(seed, 0x5052_4544, predecessor, batch);
        bool[] fromPruned = ConstraintTraining.DrawPrunedExamples(dense.size(0), prunedFraction, ref random);
        Tensor output = MaskedForward.Run(pruned, split, predecessor, predecessor, cache.Feature(predecessor, batch));
        Tensor mixed = ConstraintTraining.MixPerExample(fromPruned, output, dense);
        mixed = mixed.dim() == 4 && memoryFormat != MemoryFormat.Contiguous ? mixed.contiguous(memoryFormat) : mixed.contiguous(); // the cache's layout
        return mixed.MoveToOuterDisposeScope();
    }
}
