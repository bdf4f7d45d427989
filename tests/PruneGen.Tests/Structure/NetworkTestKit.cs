using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Networks;

/// <summary>Helpers shared by the run-time structure tests.</summary>
internal static class NetworkTestKit
{
    /// <summary>Gives every BN non-trivial statistics and affine parameters, so that eval-mode BN is not the identity.</summary>
    public static void RandomizeBatchNorm(nn.Module network)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (name, buffer) in network.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.uniform_(-0.2, 0.2);
                if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.uniform_(0.5, 1.5);
            }
            foreach (var (name, parameter) in network.named_parameters())
            {
                if (name.EndsWith("bn.weight", StringComparison.Ordinal)) parameter.uniform_(0.5, 1.5);
                if (name.EndsWith("bn.bias", StringComparison.Ordinal)) parameter.uniform_(-0.2, 0.2);
            }
        }
    }

    /// <summary>Random masks: each unit of a prunable group kept with probability <paramref name="keepUnit"/> (at least one), each removable block with <paramref name="keepBlock"/>.</summary>
    public static PruneMasks RandomMasks(IPrunableNetwork network, Random random, double keepUnit = 0.6, double keepBlock = 0.5)
    {
        PruneMasks masks = network.NewMasks();
        foreach (GroupInfo group in network.Structure.PrunableGroups)
        {
            bool[] keep = Enumerable.Range(0, network.GroupWidths[group.Index]).Select(_ => random.NextDouble() < keepUnit).ToArray();
            keep[random.Next(keep.Length)] = true;
            masks.KeepUnits(group.Index, keep);
        }
        bool[] present = network.BlocksKept;
        foreach (BlockInfo block in network.Structure.RemovableBlocks)
            if (present[block.Index]) masks.KeepBlock(block.Index, random.NextDouble() < keepBlock);
        return masks;
    }

    /// <summary>Makes the gates enforce <paramref name="masks"/> (removed units and blocks multiplied by zero).</summary>
    public static void EnforceMasks(IPrunableNetwork network, PruneMasks masks)
    {
        NetworkStructure structure = network.Structure;
        for (int i = 0; i < structure.PrunableGroups.Count; i++)
            network.Gates.Units[i].SetFixedMask(masks.UnitMask(structure.PrunableGroups[i].Index)?.ToArray());
        for (int i = 0; i < structure.RemovableBlocks.Count; i++)
            network.Gates.Blocks[i].SetFixedMask(masks.BlockKept(structure.RemovableBlocks[i].Index));
        network.Gates.Mode = GateMode.FixedMasks;
    }

    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        Assert.Equal(a.shape, b.shape);
        using Tensor difference = a - b;
        using Tensor absolute = difference.abs();
        using Tensor max = absolute.max();
        return max.ToDouble();
    }

    /// <summary>Number of trainable weights (gate probabilities excluded).</summary>
    public static long WeightCount(nn.Module network) =>
        network.named_parameters().Where(p => !p.name.StartsWith("gates.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
}
