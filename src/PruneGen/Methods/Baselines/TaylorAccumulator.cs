using PruneGen.Structure;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Baselines;

/// <summary>
/// First-order Taylor importance on BatchNorm, accumulated over training steps: per step and channel
/// <c>|Σ_members (γ_c ∂L/∂γ_c + β_c ∂L/∂β_c)|</c>, summed over the steps. Call <see cref="Accumulate"/>
/// after <c>backward()</c> and before the gradients are cleared.
/// </summary>
/// <remarks>
/// Choices where the definition is open (the same as MDP's importance in METHODS.md): a coupled group
/// sums the signed terms of its members before the absolute value; the absolute value is taken per step
/// and then summed, because signed gradients of a nearly trained network cancel over many batches. A
/// writer without BN (a hidden linear layer) contributes the first-order term of its own output,
/// <c>Σ_j W_cj ∂L/∂W_cj + b_c ∂L/∂b_c</c>. The sum (not the mean) is kept: the per-group normalisation
/// of the selector removes any common factor.
/// </remarks>
public sealed class TaylorAccumulator
{
    private readonly IPrunableNetwork _network;
    private readonly IReadOnlyList<ChannelScores.Producer>?[] _producers;
    private readonly double[]?[] _sums;

    public TaylorAccumulator(IPrunableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _producers = ChannelScores.Producers(network);
        int[] widths = network.GroupWidths;
        _sums = new double[]?[widths.Length];
        foreach (GroupInfo group in network.Structure.PrunableGroups) _sums[group.Index] = new double[widths[group.Index]];
    }

    /// <summary>Steps accumulated so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Adds one step's terms from the gradients of the last backward pass (a parameter without a gradient adds nothing).</summary>
    public void Accumulate()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int[] widths = _network.GroupWidths;
        foreach (GroupInfo group in _network.Structure.PrunableGroups)
        {
            if (_producers[group.Index] is not { } members) continue;
            Tensor? sum = null;
            foreach (ChannelScores.Producer member in members)
            {
                if (Term(member) is not { } term) continue;
                sum = sum is null ? term : sum.add_(term);
            }
            if (sum is null) continue;
            double[] values = ChannelScores.ToArray(sum.abs(), group, widths[group.Index]);
            double[] totals = _sums[group.Index]!;
            for (int c = 0; c < values.Length; c++) totals[c] += values[c];
        }
        Steps++;
    }

    /// <summary>The accumulated scores (copies), indexed by group.</summary>
    public double[]?[] Scores() => _sums.Select(s => (double[]?)s?.Clone()).ToArray();

    /// <summary>Replaces the accumulated state (a resumed run); arrays must match the network's widths.</summary>
    public void Restore(int steps, IReadOnlyList<double[]?> sums)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (sums.Count != _sums.Length)
            throw new ArgumentException($"Taylor state has {sums.Count} groups but {_network.Structure.Name} has {_sums.Length}", nameof(sums));
        for (int g = 0; g < _sums.Length; g++)
        {
            if ((_sums[g] is null) != (sums[g] is null) || (_sums[g] is { } mine && mine.Length != sums[g]!.Length))
                throw new ArgumentException($"Taylor state for group '{_network.Structure.Groups[g].Name}' does not match the network's width", nameof(sums));
            if (sums[g] is { } values) values.CopyTo(_sums[g]!, 0);
        }
        Steps = steps;
    }

    private static Tensor? Term(ChannelScores.Producer member)
    {
        if (member.Bn is { } bn)
            return Product(bn.weight!, dimsToSum: 0) is { } g ? AddOptional(g, Product(bn.bias!, dimsToSum: 0)) : Product(bn.bias!, dimsToSum: 0);
        Tensor? weightTerm = Product(member.Weight, dimsToSum: 1);
        Tensor? biasTerm = member.Bias is { } b ? Product(b, dimsToSum: 0) : null;
        return weightTerm is null ? biasTerm : AddOptional(weightTerm, biasTerm);
    }

    private static Tensor AddOptional(Tensor a, Tensor? b) => b is null ? a : a.add_(b);

    /// <summary>p ⊙ ∂L/∂p, summed over every dimension after the first when <paramref name="dimsToSum"/> is 1; null without a gradient.</summary>
    private static Tensor? Product(Tensor parameter, int dimsToSum)
    {
        if (parameter.grad is not { } grad) return null;
        Tensor product = parameter.detach().to(ScalarType.Float64).mul(grad.to(ScalarType.Float64));
        return dimsToSum == 0 ? product : product.flatten(1).sum(1);
    }
}
