using PruneGen.Gates;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>A hidden fully-connected layer: flatten, linear, ReLU, then the unit gate. Child: "linear".</summary>
public sealed class LinearRelu : nn.Module<Tensor, Tensor>, ISlimmableLayer
{
    public LinearRelu(string name, int inFeatures, int outFeatures, UnitGate? gate) : base(name)
    {
        Linear = nn.Linear(inFeatures, outFeatures);
        Gate = gate;
        register_module("linear", Linear);
    }

    public Torch.Modules.Linear Linear { get; }
    public UnitGate? Gate { get; }

    public override Tensor forward(Tensor input)
    {
        Tensor output;
        using (Tensor flat = input.Dimensions == 2 ? input.alias() : input.flatten(1))
            output = Linear.forward(flat);
        output.relu_();
        if (Gate is { IsActive: true } gate)
        {
            Tensor gated = gate.Apply(output);
            output.Dispose();
            return gated;
        }
        return output;
    }

    public void CopyKeptFrom(ISlimmableLayer source, Tensor? inIndex, Tensor? outIndex)
    {
        if (source is not LinearRelu wide) throw new ArgumentException($"layer '{GetName()}' can only copy from another LinearRelu", nameof(source));
        using (no_grad())
        {
            ConvBn.Copy(Linear.weight, wide.Linear.weight, outIndex, inIndex);
            ConvBn.Copy(Linear.bias!, wide.Linear.bias!, outIndex, null);
        }
    }
}

/// <summary>The classifier: global average pooling (when the input is spatial), flatten, linear to the classes. Child: "linear".</summary>
public sealed class Head : nn.Module<Tensor, Tensor>, ISlimmableLayer
{
    public Head(string name, int inFeatures, int classes) : base(name)
    {
        Linear = nn.Linear(inFeatures, classes);
        register_module("linear", Linear);
    }

    public Torch.Modules.Linear Linear { get; }

    public override Tensor forward(Tensor input)
    {
        using Tensor flat = GlobalAvgPool.Pooled(input);
        return Linear.forward(flat);
    }

    public void CopyKeptFrom(ISlimmableLayer source, Tensor? inIndex, Tensor? outIndex)
    {
        if (source is not Head wide) throw new ArgumentException($"layer '{GetName()}' can only copy from another Head", nameof(source));
        using (no_grad())
        {
            ConvBn.Copy(Linear.weight, wide.Linear.weight, outIndex, inIndex);
            ConvBn.Copy(Linear.bias!, wide.Linear.bias!, outIndex, null);
        }
    }
}
