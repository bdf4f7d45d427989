using PruneGen.Data;
using PruneGen.Layers;
using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Baselines;

/// <summary>
/// Per-channel importance scores of every prunable group of a network, indexed by group index
/// (<see cref="NetworkStructure.Groups"/>): an array of the group's current width for prunable groups,
/// null for fixed ones. Larger means more important. A coupled group (a residual stream) is one set
/// of channels written by several layers, so its score sums over every present layer writing it.
/// </summary>
public static class ChannelScores
{
    /// <summary>L1 magnitude: Σ|W| over the filter producing the channel, summed over the group's producers.</summary>
    public static double[]?[] L1(IPrunableNetwork network) =>
        Collect(network, (group, producers) => SumOver(producers, p => p.WeightL1()));

    /// <summary>
    /// BN scale: Σ|γ| over the group's BatchNorms. A group written only by layers without BN (a hidden
    /// linear layer) has no γ; it falls back to the L1 magnitude of its weights (project's choice, so
    /// such groups can still be ranked; the normalisation per group makes the two scales comparable).
    /// </summary>
    public static double[]?[] BatchNormScale(IPrunableNetwork network) =>
        Collect(network, (group, producers) => producers.Any(p => p.Bn is not null)
            ? SumOver(producers.Where(p => p.Bn is not null), p => p.GammaL1())
            : SumOver(producers, p => p.WeightL1()));

    /// <summary>Seeded uniform scores in [0, 1): the same seed gives the same scores (and masks) on any machine.</summary>
    public static double[]?[] Random(IPrunableNetwork network, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        int[] widths = network.GroupWidths;
        var scores = new double[]?[widths.Length];
        foreach (GroupInfo group in network.Structure.PrunableGroups)
        {
            // One stream per group: a group's scores do not depend on the other groups' widths.
            var random = SeededRandom.Derive(seed, 0x4241_5345, group.Index);
            scores[group.Index] = Enumerable.Range(0, widths[group.Index]).Select(_ => random.NextDouble()).ToArray();
        }
        return scores;
    }

    /// <summary>A present layer writing a group, with the tensors the criteria read.</summary>
    internal sealed record Producer(LayerInfo Layer, Tensor Weight, Tensor? Bias, Torch.Modules.BatchNorm2d? Bn)
    {
        public Tensor WeightL1()
        {
            using Tensor flat = Weight.detach().flatten(1);
            using Tensor absolute = flat.abs();
            return absolute.sum(1);
        }

        public Tensor GammaL1() => Bn!.weight!.detach().abs();
    }

    /// <summary>The present layers writing each prunable group, indexed by group (null for fixed groups or groups whose writers are all removed).</summary>
    internal static IReadOnlyList<Producer>?[] Producers(IPrunableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        NetworkStructure structure = network.Structure;
        IReadOnlyList<ISlimmableLayer?> layers = network.ComputeLayers;
        var result = new IReadOnlyList<Producer>?[structure.Groups.Count];
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            var producers = new List<Producer>();
            foreach (int index in group.Producers)
            {
                LayerInfo layer = structure.Layers[index];
                switch (layers[index])
                {
                    case null: break; // in a removed block
                    case ConvBn conv: producers.Add(new Producer(layer, conv.Conv.weight, null, conv.Bn)); break;
                    case LinearRelu linear: producers.Add(new Producer(layer, linear.Linear.weight, linear.Linear.bias, null)); break;
                    case var other:
                        throw new NotSupportedException($"layer '{layer.Name}' ({other.GetType().Name}) writes group '{group.Name}'; the baselines score only ConvBn and LinearRelu producers");
                }
            }
            if (producers.Count > 0) result[group.Index] = producers;
        }
        return result;
    }

    private static double[]?[] Collect(IPrunableNetwork network, Func<GroupInfo, IReadOnlyList<Producer>, Tensor> score)
    {
        IReadOnlyList<Producer>?[] producers = Producers(network);
        int[] widths = network.GroupWidths;
        var scores = new double[]?[widths.Length];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (GroupInfo group in network.Structure.PrunableGroups)
        {
            // A group with no present writer cannot be told apart: every channel scores zero.
            scores[group.Index] = producers[group.Index] is { } members
                ? ToArray(score(group, members), group, widths[group.Index])
                : new double[widths[group.Index]];
        }
        return scores;
    }

    private static Tensor SumOver(IEnumerable<Producer> producers, Func<Producer, Tensor> term)
    {
        Tensor? sum = null;
        foreach (Producer producer in producers)
        {
            Tensor t = term(producer).to(ScalarType.Float64);
            sum = sum is null ? t : sum.add_(t);
        }
        return sum ?? throw new InvalidOperationException("a group without producers has no score");
    }

    internal static double[] ToArray(Tensor scores, GroupInfo group, int width)
    {
        using Tensor cpu = scores.to(ScalarType.Float64).cpu().contiguous();
        double[] values = cpu.data<double>();
        if (values.Length != width)
            throw new InvalidOperationException($"group '{group.Name}' has {values.Length} channels in the module but width {width} in the network's widths");
        return values;
    }
}
