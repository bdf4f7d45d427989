namespace PruneGen;

/// <summary>
/// Declares a network: a <c>partial</c> class whose partial properties are its layers, in declaration
/// order. The PruneGen generator turns it into a gated module (derived from
/// <c>torch.nn.Module&lt;Tensor, Tensor&gt;</c>) with a nested <c>Widths</c> record, the static
/// <c>Structure</c>, closed-form costs, latency keys and <c>Slim</c>.
/// </summary>
/// <example>
/// <code>
/// [Network(InputChannels = 1, InputSize = 28, Classes = 10)]
/// public partial class ResNet20
/// {
///     [Conv(16, Kernel = 3), Prune(Step = 4, Min = 4)] public partial ConvBnRelu Stem { get; }
///     [Stage(Width = 16, Blocks = 3), Prune(Step = 4, Min = 4), RemovableBlocks] public partial BasicStage Stage1 { get; }
///     [Classifier] public partial Head Head { get; }
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Channels of the input images (1 for Fashion-MNIST). Required, at least 1.</summary>
    public int InputChannels { get; set; }

    /// <summary>Height and width of the (square) input images. Required, at least 1.</summary>
    public int InputSize { get; set; }

    /// <summary>Number of classes the classifier predicts. Required, at least 1.</summary>
    public int Classes { get; set; }
}

/// <summary>
/// Declares a reusable residual block: a <c>partial</c> class whose partial <see cref="Layers.ConvBn"/> /
/// <see cref="Layers.ConvBnRelu"/> properties form the residual branch, in declaration order. The branch
/// output is summed with the shortcut as <see cref="Residual"/> says. Use it in a network through a
/// <c>[Stage]</c> property of type <c>Stage&lt;TBlock&gt;</c>.
/// </summary>
/// <remarks>
/// Channel counts inside a block are relative to where the block is used: a <c>[Conv]</c> without
/// channels writes the block's width (the stage's <c>Width</c>), <c>Expansion = e</c> writes e times the
/// block's input channels, a depthwise conv keeps its input channels. <c>Strided = true</c> marks the
/// conv that carries the stage's stride (in the first block of the stage).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BlockAttribute : Attribute
{
    /// <summary>How the residual sum is formed. Default: identity, or a 1x1 conv + BN projection where the shape changes.</summary>
    public Residual Residual { get; set; } = Residual.IdentityOrProjection;

    /// <summary>Apply ReLU after the sum (ResNet) or not (MobileNetV2's linear bottleneck).</summary>
    public bool ReluAfterSum { get; set; } = true;
}

/// <summary>The shortcut of a residual block.</summary>
public enum Residual
{
    /// <summary>No shortcut: the block is a plain sequence of layers (cannot be removed).</summary>
    None = 0,

    /// <summary>Identity shortcut; input and output shapes must match (PG0003 otherwise).</summary>
    Identity = 1,

    /// <summary>Identity where the shapes match, no shortcut where they do not (MobileNetV2).</summary>
    IdentityOrNone = 2,

    /// <summary>Identity where the shapes match, 1x1 conv + BN projection where they do not (ResNet).</summary>
    IdentityOrProjection = 3,
}
