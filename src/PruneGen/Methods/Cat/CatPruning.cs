using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Cat;

/// <summary>What one permanent-pruning pass decided.</summary>
/// <param name="Masks">Units and blocks to keep, relative to the network's current widths.</param>
/// <param name="NewlyPinned">Unit gates whose layer would have emptied without a removable block to take: one unit stays, θ = 1 for good.</param>
/// <param name="UnitsRemoved">Units removed by unit pruning in this pass.</param>
/// <param name="BlocksRemoved">Blocks removed in this pass (by their own θ or because a layer of theirs emptied).</param>
public sealed record PruneDecision(PruneMasks Masks, IReadOnlyList<string> NewlyPinned, int UnitsRemoved, int BlocksRemoved)
{
    /// <summary>Whether the network must be physically slimmed.</summary>
    public bool Slims => UnitsRemoved > 0 || BlocksRemoved > 0;
}

/// <summary>
/// Permanent pruning of CAT: which structures go (θ at or below a threshold), the rules that keep a
/// network valid (never the last unit of a layer by unit pruning; an emptied layer takes its block when
/// the block is removable, otherwise its best unit stays), and physical slimming that carries the
/// optimizer's momentum over for the kept weights.
/// </summary>
public static class CatPruning
{
    /// <summary>Decides what to remove: θ ≤ <paramref name="threshold"/> (or θ &lt; it when <paramref name="inclusive"/> is false, used to round to the deterministic network).</summary>
    /// <param name="pinned">Unit gates already pinned (left alone).</param>
    public static PruneDecision Decide(IPrunableNetwork network, double threshold, bool inclusive, IReadOnlySet<string> pinned)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(pinned);
        NetworkStructure structure = network.Structure;
        bool Removes(float theta) => inclusive ? theta <= threshold : theta < threshold;
        bool[] kept = network.BlocksKept;
        int blocksRemoved = 0;

        // Pass 1: blocks, by their own θ and because one of their layers empties.
        for (int j = 0; j < structure.RemovableBlocks.Count; j++)
        {
            BlockInfo block = structure.RemovableBlocks[j];
            if (kept[block.Index] && Removes(ThetaValues(network.Gates.Blocks[j])[0]))
            {
                kept[block.Index] = false;
                blocksRemoved++;
            }
        }
        var emptied = new List<int>();
        for (int i = 0; i < structure.PrunableGroups.Count; i++)
        {
            UnitGate gate = network.Gates.Units[i];
            GroupInfo group = structure.PrunableGroups[i];
            if (pinned.Contains(gate.Name) || !IsAlive(structure, group, kept)) continue;
            if (!ThetaValues(gate).All(Removes)) continue;
            int owner = OwningBlock(structure, group);
            if (owner >= 0 && structure.Blocks[owner].Removable)
            {
                kept[owner] = false;
                blocksRemoved++;
            }
            else
            {
                emptied.Add(i);
            }
        }

        // Pass 2: units of the layers that are still there.
        PruneMasks masks = network.NewMasks();
        for (int b = 0; b < kept.Length; b++)
            if (!kept[b] && network.BlocksKept[b]) masks.KeepBlock(b, false);
        var newlyPinned = new List<string>();
        int unitsRemoved = 0;
        for (int i = 0; i < structure.PrunableGroups.Count; i++)
        {
            UnitGate gate = network.Gates.Units[i];
            GroupInfo group = structure.PrunableGroups[i];
            if (pinned.Contains(gate.Name) || !IsAlive(structure, group, kept)) continue;
            float[] theta = ThetaValues(gate);
            bool[] keep;
            if (emptied.Contains(i))
            {
                int best = Array.IndexOf(theta, theta.Max());
                keep = theta.Select((_, u) => u == best).ToArray();
                newlyPinned.Add(gate.Name);
            }
            else
            {
                keep = theta.Select(t => !Removes(t)).ToArray();
            }
            int removed = keep.Count(k => !k);
            if (removed == 0) continue;
            masks.KeepUnits(group.Index, keep);
            unitsRemoved += removed;
        }
        return new PruneDecision(masks, newlyPinned, unitsRemoved, blocksRemoved);
    }

    /// <summary>
    /// The rounding under a MACs budget: the structures with the highest θ that fit in
    /// <paramref name="maxMacs"/>. The threshold (θ at or below it removed) is the lowest of
    /// <paramref name="floor"/> and the live θ below 1 whose network meets the budget, or the highest of
    /// them if none does. Against the plain rounding at 0.5 this removes more when the network it leaves
    /// is above the budget (a block whose θ hovers above 0.5 where the pressure fades would overshoot by
    /// a whole block's MACs) and keeps structures with θ below 0.5 that still fit (a block driven down
    /// with others in the first steps, before the pressure faded, would undershoot by one).
    /// </summary>
    public static PruneDecision DecideWithinMacs(IPrunableNetwork network, double maxMacs, double floor, IReadOnlySet<string> pinned)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkStructure s = network.Structure;
        double[] thresholds = LiveThetas(network).Where(t => t > floor && t < 1f).Select(t => (double)t)
            .Append(floor).Distinct().Order().ToArray();
        double Macs(PruneDecision d) => CostModel.Macs(s, d.Masks.KeptWidths(), d.Masks.BlocksKept());
        PruneDecision At(int i) => Decide(network, thresholds[i], inclusive: true, pinned);
        // MACs fall as the threshold rises (each removes a superset): binary search for the lowest that fits.
        int lo = 0, hi = thresholds.Length - 1;
        PruneDecision highest = At(hi);
        if (Macs(highest) > maxMacs) return highest;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Macs(At(mid)) <= maxMacs) hi = mid;
            else lo = mid + 1;
        }
        return At(lo);
    }

    /// <summary>θ of the gates that still act: unit gates of live groups, block gates of present blocks.</summary>
    public static float[] LiveThetas(IPrunableNetwork network)
    {
        NetworkStructure s = network.Structure;
        bool[] kept = network.BlocksKept;
        var values = new List<float>();
        for (int i = 0; i < s.PrunableGroups.Count; i++)
            if (IsAlive(s, s.PrunableGroups[i], kept)) values.AddRange(ThetaValues(network.Gates.Units[i]));
        for (int j = 0; j < s.RemovableBlocks.Count; j++)
            if (kept[s.RemovableBlocks[j].Index]) values.AddRange(ThetaValues(network.Gates.Blocks[j]));
        return values.ToArray();
    }

    /// <summary>
    /// A group matters while some layer writing it exists; the inner groups of a removed block do not
    /// (their gates stay in the gate set but act nowhere).
    /// </summary>
    public static bool IsAlive(NetworkStructure structure, GroupInfo group, IReadOnlyList<bool> blocksKept) =>
        group.Producers.Any(l => CostModel.IsPresent(structure.Layers[l], blocksKept));

    /// <summary>The block whose branch alone writes <paramref name="group"/> (its removal empties the group), or -1 (e.g. a residual stream).</summary>
    public static int OwningBlock(NetworkStructure structure, GroupInfo group)
    {
        int owner = -1;
        foreach (int l in group.Producers)
        {
            LayerInfo layer = structure.Layers[l];
            if (layer.Block < 0 || layer.IsProjection) return -1;
            if (owner >= 0 && owner != layer.Block) return -1;
            owner = layer.Block;
        }
        return owner;
    }

    /// <summary>The slimmed network with <paramref name="decision"/> applied and pinned gates set to θ = 1.</summary>
    public static IPrunableNetwork Slim(IPrunableNetwork network, PruneDecision decision)
    {
        IPrunableNetwork slim = network.Slim(decision.Masks);
        Pin(slim, decision.NewlyPinned);
        return slim;
    }

    /// <summary>Sets θ = 1 on the named unit gates (whose one remaining unit stays for good).</summary>
    public static void Pin(IPrunableNetwork network, IEnumerable<string> gates)
    {
        var names = gates.ToHashSet();
        using (no_grad())
            foreach (UnitGate gate in network.Gates.Units)
                if (names.Contains(gate.Name)) gate.Theta.fill_(1.0);
    }

    /// <summary>The trainable weights of a generated network: every parameter but the gate probabilities.</summary>
    public static IEnumerable<(string Name, nn.Parameter Parameter)> Weights(nn.Module module) =>
        module.named_parameters().Where(p => !p.name.StartsWith("gates.", StringComparison.Ordinal));

    internal static float[] ThetaValues(Gate gate)
    {
        using Tensor detached = gate.Theta.detach();
        using Tensor cpu = detached.cpu();
        return cpu.data<float>().ToArray();
    }
}
