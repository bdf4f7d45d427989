using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Importance;

/// <summary>
/// First-order Taylor importance of every prunable unit group, from the BatchNorm affine parameters
/// of the layers that write the group, accumulated over a window of training iterations:
/// per iteration, <c>I_c = |Σ_layers (γ_c ∂L/∂γ_c + β_c ∂L/∂β_c)|</c> (the signed terms of a coupled
/// group's BNs are summed before the absolute value), accumulated over the window. MDP ranks chunks by
/// the window's mean, the Taylor baseline channels by its sum; resumed runs restore the sums.
/// Beside the coupled sum, each writer's own <c>|term|</c> is accumulated: it says which share of a
/// shared group's importance a writer carries, so a block's removal can be charged its share
/// (<see cref="ProducerSums"/>).
/// </summary>
/// <remarks>
/// Project's choice where the paper is open: the absolute value is taken per iteration and then
/// averaged (as Molchanov et al. accumulate Taylor scores), not after summing signed terms over the
/// window, because near a trained network's stationary point signed gradients over many batches
/// cancel and would score every channel near zero. A producer without BN (a hidden linear layer)
/// contributes the same first-order term of its own output: <c>Σ_j W_cj ∂L/∂W_cj + b_c ∂L/∂b_c</c>.
/// Call <see cref="Accumulate"/> after each <c>backward()</c> and before gradients are cleared.
/// </remarks>
public sealed class TaylorImportance
{
    private readonly NetworkStructure _structure;
    private readonly int[] _widths;
    private readonly List<GroupProducers> _groups = new();

    public TaylorImportance(IPrunableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network is not nn.Module module)
            throw new ArgumentException($"{network.GetType().Name} is not an nn.Module; Taylor importance reads its parameters", nameof(network));
        _structure = network.Structure;
        _widths = network.GroupWidths;
        bool[] blocks = network.BlocksKept;
        Dictionary<string, nn.Parameter> parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        nn.Parameter Find(string name, LayerInfo layer) =>
            parameters.TryGetValue(name, out nn.Parameter? p) ? p
            : throw new InvalidOperationException($"{_structure.Name}: layer '{layer.Name}' has no parameter '{name}' (the module's names do not follow the structure)");

        foreach (GroupInfo group in _structure.PrunableGroups)
        {
            var producers = new List<Producer>();
            for (int position = 0; position < group.Producers.Count; position++)
            {
                LayerInfo layer = _structure.Layers[group.Producers[position]];
                if (!CostModel.IsPresent(layer, blocks)) continue;
                producers.Add(layer.HasBatchNorm
                    ? new Producer(layer, position, Find(layer.Name + ".bn.weight", layer), Find(layer.Name + ".bn.bias", layer), IsBatchNorm: true)
                    : layer.Kind == LayerKind.Linear && layer.HasBias
                        ? new Producer(layer, position, Find(layer.Name + ".linear.weight", layer), Find(layer.Name + ".linear.bias", layer), IsBatchNorm: false)
                        : throw new NotSupportedException($"layer '{layer.Name}' writes group '{group.Name}' without BN or bias; Taylor importance cannot score it"));
            }
            // A group whose every writer was removed with its block has nothing left to score.
            if (producers.Count > 0)
            {
                int width = _widths[group.Index];
                _groups.Add(new GroupProducers(group, producers, new double[width], group.Producers.Select(_ => new double[width]).ToArray()));
            }
        }
    }

    /// <summary>The structure of the network the scores belong to.</summary>
    public NetworkStructure Structure => _structure;

    /// <summary>Iterations accumulated so far.</summary>
    public int Iterations { get; private set; }

    /// <summary>Adds one iteration's scores; the gradients of the last backward pass must be present.</summary>
    public void Accumulate()
    {
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        foreach (GroupProducers entry in _groups)
        {
            Tensor? sum = null;
            foreach (Producer producer in entry.Producers)
            {
                Tensor term = producer.Term();
                Add(entry, term.abs().cpu().data<double>(), entry.ProducerSums[producer.Position]);
                sum = sum is null ? term : sum.add_(term);
            }
            Add(entry, sum!.abs().cpu().data<double>(), entry.Sums);
        }
        Iterations++;
    }

    private static void Add(GroupProducers entry, double[] values, double[] sums)
    {
        if (values.Length != sums.Length)
            throw new InvalidOperationException($"group '{entry.Group.Name}' has {values.Length} channels in the module but width {sums.Length} in the network's widths");
        for (int c = 0; c < values.Length; c++) sums[c] += values[c];
    }

    /// <summary>The window's sums per channel (copies), indexed by group; null for groups with nothing to score.</summary>
    public double[]?[] Sums()
    {
        var sums = new double[]?[_structure.Groups.Count];
        foreach (GroupProducers entry in _groups) sums[entry.Group.Index] = (double[])entry.Sums.Clone();
        return sums;
    }

    /// <summary>
    /// The window's sums of each writer's own <c>|term|</c> per channel (copies), indexed by group and
    /// then like <see cref="GroupInfo.Producers"/> (zeros for a writer removed with its block); null for
    /// groups with nothing to score.
    /// </summary>
    public double[][]?[] ProducerSums()
    {
        var sums = new double[][]?[_structure.Groups.Count];
        foreach (GroupProducers entry in _groups) sums[entry.Group.Index] = entry.ProducerSums.Select(p => (double[])p.Clone()).ToArray();
        return sums;
    }

    /// <summary>The window's mean per channel, indexed by group; null for groups with nothing to score.</summary>
    public double[]?[] Means()
    {
        if (Iterations == 0) throw new InvalidOperationException("no iteration was accumulated; call Accumulate() after backward()");
        return Sums().Select(g => g?.Select(v => v / Iterations).ToArray()).ToArray();
    }

    /// <summary>Replaces the window (a resumed run) with what <see cref="Sums"/>, <see cref="ProducerSums"/> and <see cref="Iterations"/> returned.</summary>
    public void Restore(int iterations, IReadOnlyList<double[]?> sums, IReadOnlyList<double[][]?> producerSums)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(producerSums);
        if (sums.Count != _structure.Groups.Count || producerSums.Count != _structure.Groups.Count)
            throw new ArgumentException($"Taylor state has {sums.Count} groups ({producerSums.Count} with writer shares) but {_structure.Name} has {_structure.Groups.Count}", nameof(sums));
        foreach (GroupProducers entry in _groups)
        {
            if (sums[entry.Group.Index] is not { } values || values.Length != entry.Sums.Length)
                throw new ArgumentException($"Taylor state for group '{entry.Group.Name}' does not match the network's width {entry.Sums.Length}", nameof(sums));
            if (producerSums[entry.Group.Index] is not { } shares || shares.Length != entry.ProducerSums.Length || shares.Any(p => p.Length != entry.Sums.Length))
                throw new ArgumentException($"Taylor state for group '{entry.Group.Name}' does not hold one sum of width {entry.Sums.Length} per writer ({entry.ProducerSums.Length})", nameof(producerSums));
            values.CopyTo(entry.Sums, 0);
            for (int p = 0; p < shares.Length; p++) shares[p].CopyTo(entry.ProducerSums[p], 0);
        }
        Iterations = iterations;
    }

    /// <summary>Starts a new window.</summary>
    public void Reset()
    {
        foreach (GroupProducers entry in _groups)
        {
            Array.Clear(entry.Sums);
            foreach (double[] producer in entry.ProducerSums) Array.Clear(producer);
        }
        Iterations = 0;
    }

    /// <param name="ProducerSums">Indexed like the group's <see cref="GroupInfo.Producers"/>, present or not.</param>
    private sealed record GroupProducers(GroupInfo Group, IReadOnlyList<Producer> Producers, double[] Sums, double[][] ProducerSums);

    /// <param name="Position">The layer's position in its group's <see cref="GroupInfo.Producers"/>.</param>
    private sealed record Producer(LayerInfo Layer, int Position, nn.Parameter Weight, nn.Parameter Bias, bool IsBatchNorm)
    {
        /// <summary>Signed per-channel first-order term of this layer's output channels.</summary>
        public Tensor Term()
        {
            Tensor weightGrad = Weight.grad ?? throw MissingGradient(Weight);
            Tensor biasGrad = Bias.grad ?? throw MissingGradient(Bias);
            // In float64: the terms of many steps are summed, and resumed runs must add up the same way.
            Tensor weightTerm = Weight.detach().to(ScalarType.Float64).mul(weightGrad.to(ScalarType.Float64));
            if (!IsBatchNorm) weightTerm = weightTerm.flatten(1).sum(1);
            return weightTerm.add_(Bias.detach().to(ScalarType.Float64).mul(biasGrad.to(ScalarType.Float64)));
        }

        private InvalidOperationException MissingGradient(nn.Parameter parameter) =>
            new($"layer '{Layer.Name}' has no gradient on a parameter of shape [{string.Join(", ", parameter.shape)}]; call Accumulate() after backward() and before zero_grad()");
    }
}
