using PruneGen.Gates;
using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>
/// A residual block: <c>out = [relu](shortcut(x) + ξ_B · branch(x))</c>, where the branch is a sequence
/// of <see cref="ConvBn"/> / <see cref="ConvBnRelu"/> layers, the shortcut is the identity, a 1x1 conv +
/// BN projection ("shortcut") or absent, and ξ_B is the block gate of a removable block. A removed block
/// keeps only its shortcut. Generated <c>[Block]</c> classes and the built-in blocks derive from it.
/// </summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly ConvBn[] _branch;
    private readonly bool _identity;

    protected ResidualBlock(BlockSpec spec) : base(spec?.Name ?? throw new ArgumentNullException(nameof(spec)))
    {
        if (!spec.Removed && spec.Branch.Count == 0)
            throw new ArgumentException($"block '{spec.Name}' has an empty branch", nameof(spec));
        if (spec.Removed && spec.Projection is null && !spec.IdentityShortcut)
            throw new ArgumentException($"block '{spec.Name}' has no shortcut, so it cannot be removed", nameof(spec));
        Spec = spec;
        _identity = spec.IdentityShortcut && spec.Projection is null;
        _branch = spec.Removed ? [] : spec.Branch.Select(s => s.Relu ? new ConvBnRelu(s) : new ConvBn(s)).ToArray();
        foreach (ConvBn layer in _branch) register_module(layer.Spec.Name, layer);
        if (spec.Projection is not null)
        {
            Projection = new ConvBn(spec.Projection);
            register_module("shortcut", Projection);
        }
        Gate = spec.Gate;
    }

    public BlockSpec Spec { get; }

    /// <summary>True when the block was pruned away and only its shortcut remains.</summary>
    public bool IsRemoved => Spec.Removed;

    /// <summary>
    /// Set by the stage when the block's input is the output of a ReLU: a removed identity block then
    /// passes its input on instead of computing relu(input), which would equal it.
    /// </summary>
    public bool InputIsNonNegative { get; internal set; }

    /// <summary>The branch layers (empty when removed).</summary>
    public IReadOnlyList<ConvBn> Branch => _branch;

    /// <summary>The projection shortcut, or null (identity or no shortcut).</summary>
    public ConvBn? Projection { get; }

    /// <summary>The block gate (removable blocks only).</summary>
    public BlockGate? Gate { get; }

    /// <summary>Branch layer <paramref name="index"/>; throws when the block was removed.</summary>
    protected ConvBn BranchLayer(int index) =>
        IsRemoved ? throw new InvalidOperationException($"block '{Spec.Name}' ({GetType().Name}) was removed; only its shortcut remains") : _branch[index];

    /// <summary>Branch layer <paramref name="index"/>, or null when the block was removed.</summary>
    public ConvBn? BranchLayerOrNull(int index) => IsRemoved ? null : _branch[index];

    public override Tensor forward(Tensor input)
    {
        Tensor? shortcut = Projection?.forward(input);
        if (IsRemoved)
        {
            // relu(shortcut + 0): exactly what the gated network computes when ξ_B = 0.
            if (shortcut is not null)
                return Spec.ReluAfterSum ? shortcut.relu_() : shortcut;
            return Spec.ReluAfterSum && !InputIsNonNegative ? input.relu() : input.alias();
        }

        // ξ_B · branch: the block gate is folded into the last layer's unit gate (one multiply, not two).
        int last = _branch.Length - 1;
        Tensor branch = _branch[0].Forward(input, last == 0 ? Gate : null);
        for (int i = 1; i < _branch.Length; i++)
        {
            Tensor next = _branch[i].Forward(branch, i == last ? Gate : null);
            branch.Dispose();
            branch = next;
        }
        if (shortcut is not null)
        {
            branch.add_(shortcut);
            shortcut.Dispose();
        }
        else if (_identity)
        {
            branch.add_(input);
        }
        return Spec.ReluAfterSum ? branch.relu_() : branch;
    }
}

/// <summary>ResNet's basic block: 3x3 conv + BN + ReLU (stride of the block), 3x3 conv + BN, sum, ReLU.</summary>
public sealed class BasicBlock : ResidualBlock
{
    public BasicBlock(BlockSpec spec) : base(spec)
    {
        if (spec.Branch.Count != 2) throw new ArgumentException($"a basic block has 2 branch layers, not {spec.Branch.Count}", nameof(spec));
    }

    public ConvBnRelu Conv1 => (ConvBnRelu)BranchLayer(0);
    public ConvBn Conv2 => BranchLayer(1);
}

/// <summary>ResNet's bottleneck block (expansion 4): 1x1 reduce, 3x3 (stride of the block), 1x1 expand, sum, ReLU.</summary>
public sealed class Bottleneck : ResidualBlock
{
    public Bottleneck(BlockSpec spec) : base(spec)
    {
        if (spec.Branch.Count != 3) throw new ArgumentException($"a bottleneck block has 3 branch layers, not {spec.Branch.Count}", nameof(spec));
    }

    public ConvBnRelu Conv1 => (ConvBnRelu)BranchLayer(0);
    public ConvBnRelu Conv2 => (ConvBnRelu)BranchLayer(1);
    public ConvBn Conv3 => BranchLayer(2);
}
