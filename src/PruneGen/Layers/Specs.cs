using PruneGen.Gates;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>Everything needed to build one conv + BN (+ ReLU) layer at its current widths; generated constructors create these.</summary>
/// <param name="Name">The name the layer is registered under in its parent ("stem", "conv1").</param>
/// <param name="Gate">The unit gate of the output group, or null when the group is not prunable.</param>
public sealed record ConvSpec(string Name, int InChannels, int OutChannels, int Kernel, int Stride, int Padding, bool Depthwise, bool Relu, UnitGate? Gate);

/// <summary>Everything needed to build one residual block; generated constructors create these.</summary>
/// <param name="Name">The name the block is registered under in its stage ("0", "1", ...).</param>
/// <param name="Removed">Build only the shortcut (the block was pruned away).</param>
/// <param name="Branch">The branch layers in forward order.</param>
/// <param name="Projection">The 1x1 conv + BN shortcut, or null.</param>
/// <param name="IdentityShortcut">Add the input to the branch (when there is no projection).</param>
/// <param name="Gate">The block gate of a removable block, or null.</param>
public sealed record BlockSpec(string Name, bool Removed, IReadOnlyList<ConvSpec> Branch, ConvSpec? Projection, bool IdentityShortcut, BlockGate? Gate, bool ReluAfterSum);

/// <summary>A layer whose weights can be copied from a wider instance of itself, keeping chosen channels.</summary>
public interface ISlimmableLayer
{
    /// <summary>
    /// Copies the weights (and BN statistics) of <paramref name="source"/> restricted to the kept input
    /// and output channels. A null index keeps every channel of that side.
    /// </summary>
    void CopyKeptFrom(ISlimmableLayer source, Tensor? inIndex, Tensor? outIndex);
}
