using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Gates;

/// <summary>
/// Common part of unit and block gates: the probability parameter θ (initialised to 1), an optional
/// fixed mask, and the multiplier computed once per forward and shared by every place the gate acts.
/// </summary>
public abstract class Gate : IDisposable
{
    private Tensor? _multiplier;
    private Tensor? _lastSample;
    private Tensor? _fixedMask;

    private protected Gate(string name, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, $"gate '{name}' needs at least one unit");
        Name = name;
        Size = size;
        using Tensor ones = torch.ones(size);
        Theta = new nn.Parameter(ones);
    }

    /// <summary>The parameter's name in the network's state dict, under "gates.".</summary>
    public string Name { get; }

    /// <summary>Number of units (1 for a block gate).</summary>
    public int Size { get; }

    /// <summary>Keep probabilities θ, shape [Size]. Methods update it (projected to [0, 1]) with their own rule.</summary>
    public nn.Parameter Theta { get; }

    /// <summary>The ξ drawn in the last forward in <see cref="GateMode.Sample"/> mode (shape [batch, Size]), a leaf that records gradients; null otherwise.</summary>
    public Tensor? LastSample => _lastSample;

    /// <summary>The fixed mask (shape [Size], 1 = keep), or null when every unit passes.</summary>
    public Tensor? FixedMask => _fixedMask;

    /// <summary>Sets the mask used in <see cref="GateMode.FixedMasks"/> mode (null: every unit passes).</summary>
    public void SetFixedMask(bool[]? keep)
    {
        if (keep is not null && keep.Length != Size)
            throw new ArgumentException($"gate '{Name}' has {Size} units but the mask has {keep.Length} entries", nameof(keep));
        _fixedMask?.Dispose();
        _fixedMask = null;
        if (keep is null) return;
        using Tensor cpu = torch.tensor(keep.Select(k => k ? 1f : 0f).ToArray());
        _fixedMask = cpu.to(Theta.device).DetachFromDisposeScope();
    }

    /// <summary>Whether this gate multiplies anything in the current forward.</summary>
    public bool IsActive => _multiplier is not null;

    /// <summary>Σθ: the expected number of kept units (differentiable in θ).</summary>
    public Tensor ExpectedCount() => Theta.sum();

    /// <summary>E[N²] = (Σθ)² + Σθ(1 − θ) for the kept-unit count N (a layer that reads and writes the same group).</summary>
    public Tensor ExpectedSquare()
    {
        using Tensor sum = Theta.sum();
        using Tensor square = sum * sum;
        using Tensor oneMinus = 1.0 - Theta;
        using Tensor variance = Theta * oneMinus;
        using Tensor varianceSum = variance.sum();
        return square + varianceSum;
    }

    /// <summary>Computes this forward's multiplier (shape [batch, Size] or [1, Size]) for <paramref name="mode"/>.</summary>
    /// <param name="certainAbove">Sample mode: θ at or above this gives ξ = 1 without drawing.</param>
    internal void Begin(GateMode mode, long batch, double certainAbove = 1.0)
    {
        ReleaseForwardState();
        switch (mode)
        {
            case GateMode.Off:
                return;
            case GateMode.Sample:
                using (no_grad())
                {
                    using Tensor probabilities = Theta.detach();
                    using Tensor clamped = probabilities.clamp(0.0, 1.0);
                    if (certainAbove < 1)
                    {
                        using Tensor certain = clamped.ge(certainAbove);
                        clamped.masked_fill_(certain, 1.0);
                    }
                    using Tensor expanded = clamped.expand(batch, Size);
                    _lastSample = expanded.bernoulli().DetachFromDisposeScope();
                }
                _lastSample.requires_grad_(true);
                _multiplier = _lastSample.alias().DetachFromDisposeScope();
                return;
            case GateMode.Expected:
                _multiplier = Theta.view(1, Size).DetachFromDisposeScope();
                return;
            case GateMode.Hard:
                using (no_grad())
                {
                    using Tensor kept = Theta.ge(0.5);
                    using Tensor asFloat = kept.to(Theta.dtype);
                    _multiplier = asFloat.view(1, Size).DetachFromDisposeScope();
                }
                return;
            case GateMode.FixedMasks:
                _multiplier = _fixedMask?.view(1, Size).DetachFromDisposeScope();
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown gate mode");
        }
    }

    /// <summary>x ⊙ multiplier, broadcast over an (N, C[, H, W]) tensor along C (unit gate) or over all but N (block gate).</summary>
    internal Tensor Apply(Tensor x) =>
        Multiply(x, _multiplier ?? throw new InvalidOperationException($"gate '{Name}' is not active"), relu: false);

    /// <summary>
    /// x (after a ReLU when <paramref name="relu"/>) gated by a unit gate and a block gate at once; either
    /// gate may be null or inactive, at least one must be active. The two multipliers are combined first
    /// ([N, C] ⊙ [N, 1], a small product whose backward reaches both), so the activation is multiplied once.
    /// With per-example (sampled) gates the ReLU is fused into the multiply; otherwise it runs in place on x.
    /// </summary>
    internal static Tensor Apply(Tensor x, UnitGate? unit, BlockGate? block, bool relu)
    {
        Tensor? u = unit?._multiplier;
        Tensor? b = block?._multiplier;
        if (u is null || b is null)
            return Multiply(x, u ?? b ?? throw new InvalidOperationException("neither gate is active"), relu);
        using Tensor both = u * b;
        return Multiply(x, both, relu);
    }

    /// <summary>[relu](x) ⊙ m for m of shape [B, K] (K = C, or 1 for a block gate), broadcast along x's trailing dimensions.</summary>
    private static Tensor Multiply(Tensor x, Tensor m, bool relu)
    {
        // Sampled per-example gates: the fused ops, whose backward gives ∂/∂x and ∂/∂ξ in one pass.
        if (m.size(0) == x.size(0)) return relu ? Fused.relu_gate_multiply(x, m) : Fused.gate_multiply(x, m);
        // BN's backward needs its input, not its output, so ReLU may work in place (as torchvision does).
        if (relu) x.relu_();
        if (x.Dimensions == 2) return x * m;
        long[] shape = new long[x.Dimensions];
        Array.Fill(shape, 1L);
        (shape[0], shape[1]) = (m.size(0), m.size(1));
        using Tensor shaped = m.view(shape);
        return x * shaped;
    }

    /// <summary>Copies θ (and the fixed mask) of the kept units of <paramref name="source"/>, a gate of the unslimmed network.</summary>
    internal void CopyKeptFrom(Gate source, Tensor? keptIndex)
    {
        using (no_grad())
        {
            using Tensor theta = keptIndex is null ? source.Theta.detach() : source.Theta.index_select(0, keptIndex.to(source.Theta.device));
            Theta.copy_(theta);
        }
        if (source._fixedMask is { } mask)
        {
            using Tensor cpu = mask.cpu();
            float[] values = cpu.data<float>();
            long[] kept = keptIndex is null ? Enumerable.Range(0, values.Length).Select(i => (long)i).ToArray() : keptIndex.cpu().data<long>();
            SetFixedMask(kept.Select(i => values[i] > 0.5f).ToArray());
        }
    }

    private void ReleaseForwardState()
    {
        _multiplier?.Dispose();
        _multiplier = null;
        _lastSample?.Dispose();
        _lastSample = null;
    }

    public void Dispose()
    {
        ReleaseForwardState();
        _fixedMask?.Dispose();
        _fixedMask = null;
        GC.SuppressFinalize(this);
    }
}

/// <summary>The gate of a prunable channel group: one θ per unit, shared by every layer that writes the group.</summary>
public sealed class UnitGate : Gate
{
    internal UnitGate(string name, int size) : base(name, size)
    {
    }
}

/// <summary>The gate of a removable block: one θ, scaling the block's residual branch.</summary>
public sealed class BlockGate : Gate
{
    internal BlockGate(string name) : base(name, 1)
    {
    }

    /// <summary>θ of the block as a scalar tensor (differentiable).</summary>
    public Tensor Probability() => Theta.sum();

    /// <summary>Sets the fixed mask: keep the block's branch or zero it.</summary>
    public void SetFixedMask(bool keep) => SetFixedMask([keep]);
}
