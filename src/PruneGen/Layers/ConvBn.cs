using PruneGen.Gates;
using PruneGen.Torch;
using PruneGen.Torch.Modules;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>
/// Convolution (no bias) followed by batch normalisation, then the unit gate of its output group.
/// Registered children: "conv", "bn" (so the state dict reads "stem.conv.weight", "stem.bn.running_mean").
/// </summary>
public class ConvBn : nn.Module<Tensor, Tensor>, ISlimmableLayer
{
    private readonly bool _relu;

    public ConvBn(ConvSpec spec) : this(spec, relu: false)
    {
    }

    private protected ConvBn(ConvSpec spec, bool relu) : base(spec.Name)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Relu != relu)
            throw new ArgumentException($"layer '{spec.Name}': a spec with Relu = {spec.Relu} builds a {(spec.Relu ? nameof(ConvBnRelu) : nameof(ConvBn))}", nameof(spec));
        if (spec.Depthwise && spec.InChannels != spec.OutChannels)
            throw new ArgumentException($"depthwise layer '{spec.Name}' must keep its channels ({spec.InChannels} -> {spec.OutChannels})", nameof(spec));
        Spec = spec;
        _relu = relu;
        Conv = nn.Conv2d(spec.InChannels, spec.OutChannels, spec.Kernel, spec.Stride, spec.Padding,
            groups: spec.Depthwise ? spec.InChannels : 1, bias: false);
        Bn = nn.BatchNorm2d(spec.OutChannels);
        Gate = spec.Gate;
        register_module("conv", Conv);
        register_module("bn", Bn);
    }

    public ConvSpec Spec { get; }
    public Conv2d Conv { get; }
    public BatchNorm2d Bn { get; }

    /// <summary>The gate of the output group (null when the group is not prunable).</summary>
    public UnitGate? Gate { get; }

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// The layer's output, gated also by <paramref name="blockGate"/> (the gate of the residual block whose
    /// branch this layer ends): one multiply with the combined gates instead of two.
    /// </summary>
    internal Tensor Forward(Tensor input, BlockGate? blockGate)
    {
        Tensor output;
        using (Tensor convolved = Conv.forward(input))
            output = Bn.forward(convolved);
        UnitGate? unit = Gate is { IsActive: true } ? Gate : null;
        BlockGate? block = blockGate is { IsActive: true } ? blockGate : null;
        if (unit is null && block is null)
        {
            // BN's backward needs its input, not its output, so ReLU may work in place (as torchvision does).
            if (_relu) output.relu_();
            return output;
        }
        // Gates sit after the ReLU; sampled gates take the ReLU into their fused multiply.
        Tensor gated = Gates.Gate.Apply(output, unit, block, _relu);
        output.Dispose();
        return gated;
    }

    public void CopyKeptFrom(ISlimmableLayer source, Tensor? inIndex, Tensor? outIndex)
    {
        if (source is not ConvBn wide || wide.GetType() != GetType())
            throw new ArgumentException($"layer '{Spec.Name}' can only copy from another {GetType().Name}", nameof(source));
        using (no_grad())
        {
            // A depthwise conv's weight is [C, 1, k, k]: its one channel dimension is the output.
            Copy(Conv.weight, wide.Conv.weight, outIndex, Spec.Depthwise ? null : inIndex);
            Copy(Bn.weight!, wide.Bn.weight!, outIndex, null);
            Copy(Bn.bias!, wide.Bn.bias!, outIndex, null);
            Copy(Bn.running_mean!, wide.Bn.running_mean!, outIndex, null);
            Copy(Bn.running_var!, wide.Bn.running_var!, outIndex, null);
            Bn.num_batches_tracked!.copy_(wide.Bn.num_batches_tracked!);
            Bn.eps = wide.Bn.eps;
            Bn.momentum = wide.Bn.momentum;
        }
    }

    /// <summary>target ← source[dim 0 ∈ rows][dim 1 ∈ columns] (null: all).</summary>
    internal static void Copy(Tensor target, Tensor source, Tensor? rows, Tensor? columns)
    {
        Tensor selected = source.alias();
        if (rows is not null)
        {
            Tensor next = selected.index_select(0, rows);
            selected.Dispose();
            selected = next;
        }
        if (columns is not null)
        {
            Tensor next = selected.index_select(1, columns);
            selected.Dispose();
            selected = next;
        }
        using (selected) target.copy_(selected);
    }
}

/// <summary>Convolution, batch normalisation, ReLU, then the unit gate (gates sit after the ReLU).</summary>
public sealed class ConvBnRelu : ConvBn
{
    public ConvBnRelu(ConvSpec spec) : base(spec, relu: true)
    {
    }
}
